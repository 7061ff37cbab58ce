"""banking_en's refusals through its real demo backend (domains/banking_en/backend.py): a
wrong card number (404) or a name that is not the cardholder's (403) is said as such and
asked again, once, never "a problem on our side"; no WARNING is logged for them, and a
real outage (card 0000: 503) still is one. The classifier is the fast fake."""
from __future__ import annotations

import logging
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer

from framework.actions import ActionExecutor
from framework.actions.demo_backend import load_backend
from framework.agent import Agent, classifier_parser
from framework.spec import load_assistant
from tests.support.fake_classifier import FakeClassifier

BANKING = Path(__file__).resolve().parent.parent / "domains" / "banking_en"
INTENTS = {"I lost my card": "lost_card", "activate my card": "activate_card", "what's my balance": "check_balance",
           "yes": "affirm", "no": "deny"}


@pytest.fixture
async def chat():
    """chat(*texts) -> the bot's reply texts per message, through the demo backend."""
    server = TestServer(load_backend(BANKING).init(), host="127.0.0.1")
    await server.start_server()
    assistant = load_assistant(BANKING, {"BANKING_BACKEND_URL": str(server.make_url("")).rstrip("/")})
    parse = classifier_parser(FakeClassifier(INTENTS, assistant.intents, threshold=0.5), assistant)
    executor = ActionExecutor(assistant)
    agent = Agent(assistant, parse, executor)

    async def run(*texts: str) -> list[list[str]]:
        state, said = None, []
        for i, text in enumerate(texts):
            turn = await agent.handle(state, "customer", text, now=1_700_000_000.0 + i)
            state = turn.state
            said.append([r.text for r in turn.replies])
        run.state = state
        return said

    yield run
    await executor.close()
    await server.close()


def warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


async def test_a_wrong_card_number_is_said_and_asked_again_then_the_card_is_blocked(chat, caplog):
    caplog.set_level(logging.INFO, logger="framework.actions.webhook")
    said = await chat("I lost my card", "9999", "yes", "7777", "yes")
    assert said[2] == ["I couldn't find a card ending 9999. Please check the last four digits of the card "
                       "and tell me again."]
    assert said[3] == ["I'll block the card ending 7777 and order a replacement. This can't be undone. Go ahead?"]
    assert said[4][0].startswith("Your card ending 7777 is blocked and a new card has been ordered.")
    assert "LC-40001" in said[4][0]
    assert warnings(caplog) == []
    (info,) = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert info.startswith("webhook block_card: refused with HTTP 404: {\"error\": \"no card ending 9999\"} (POST ")


async def test_a_second_wrong_number_offers_an_agent_instead_of_asking_forever(chat, caplog):
    said = await chat("I lost my card", "9999", "yes", "9998", "yes", "no")
    assert said[4] == ["That didn't work either: I can't find a card ending 9998.",
                       "Would you like me to connect you to an agent who can block it by hand?"]
    assert said[5] == ["Please call the number on the back of any of your cards, day or night, to block it by phone."]
    assert warnings(caplog) == []


async def test_an_outage_is_still_a_failure_with_its_warning(chat, caplog):
    said = await chat("I lost my card", "0000", "yes")
    assert said[2] == ["I'm sorry, I couldn't block the card right now because of a problem on our side.",
                       "Would you like me to connect you to an agent who can block it by hand?"]
    (line,) = warnings(caplog)
    assert "block_card: HTTP 503" in line


async def test_activation_with_a_name_that_is_not_the_cardholders_asks_for_the_name(chat, caplog):
    said = await chat("activate my card", "4821", "Maria Garcai", "yes", "Maria Garcia", "yes")
    assert said[3] == ["That name doesn't match the cardholder of the card ending 4821. What's the name exactly "
                       "as printed on the card?"]
    assert said[4] == ["Activate the card ending 4821 for Maria Garcia?"]
    assert said[5] == ["Done! Your card ending 4821 is active and ready to use."]
    assert warnings(caplog) == []


async def test_activation_refused_twice_ends_without_blaming_our_side(chat):
    said = await chat("activate my card", "5555", "Wei Chen", "yes", "5556", "yes")
    assert said[3] == ["I couldn't find a card ending 5555 waiting to be activated. What are the last four digits "
                       "of the new card?"]
    assert said[5] == ["Sorry, I still can't activate the card ending 5556, because the digits or the name don't "
                       "match our records. Please check the card, or say \"agent\" to talk to a person."]


async def test_a_balance_for_a_wrong_card_asks_again(chat):
    said = await chat("what's my balance", "9999", "1234")
    assert said[1] == ["I couldn't find a card ending 9999. Please check the last four digits of the card "
                       "and tell me again."]
    assert said[2] == ["The balance on your card ending 1234 is $42.35.",
                       "Heads up, that's below $100. You can top up by transfer from another account."]


async def test_the_daily_limit_counts_a_customers_transfers_of_the_day():
    """$1,000 + $1,000 + $600 were all sent today, over the $2,500 limit the bot quotes (customer trial, session 35):
    the demo backend counts one sender's transfers per day and answers 409 past the limit; the flow asks another
    amount (over_daily_limit)."""
    from aiohttp import ClientSession

    backend = load_backend(BANKING)
    app = backend.init()
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        async with ClientSession() as http:
            async def send(amount, sender="customer", date="2026-12-07"):
                body = {"sender_id": sender, "slots": {"amount": {"amount": amount, "currency": "USD"},
                                                       "recipient": "Tom", "date": date}}
                async with http.post(server.make_url("/transfers"), json=body) as response:
                    return response.status
            # each sender's account starts with $1,500 and what it sent is deducted (customer trial, session 37): the
            # day's limit is tried with a second sender's money topped up
            backend_bank = app[backend.BANK]
            backend_bank.available = 10_000.0
            assert [await send(1000), await send(1000), await send(600)] == [200, 200, 409]
            assert await send(500) == 200  # 2,500 exactly
            assert await send(600, date="2026-12-08") == 200 and await send(600, sender="other") == 200
            backend_bank.available = 1500.0
            assert [await send(1000, sender="third"), await send(1000, sender="third")] == [200, 422]
    finally:
        await server.close()
    flow = load_assistant(BANKING, {}).flows["transfer_money"]
    assert flow.states["send"].step.on_status[409] == "over_daily_limit"
