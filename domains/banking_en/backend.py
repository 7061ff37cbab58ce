"""Demo card-services backend for the banking_en example domain (port 5056).

A small stand-in for a bank's card system, called by the domain's webhook actions:

    POST /cards/activate           -> {"slots": {"already_active": false}}   activate a card (true: it was)
    POST /cards/block              -> {"slots": {"case_number", "delivery_window"}}  block + reissue (409: blocked already)
    GET  /cards/{last4}/balance    -> {"slots": {"balance": 123.45}}   (no body: the URL says it)
    POST /balance                  -> the same, the card in the body (older clients)
    POST /transfers                -> {"slots": {"transfer_id": "TR-50001"}}   send money

Each POST body is the engine's webhook JSON: {"action", "sender_id", "flow", "state",
"slots": {...}, "latest_message": {"text", "intent"}}. A repeated Idempotency-Key header
(a retried call) gets the first answer again, so a retry never opens a second case. Cards are looked up by their last
four digits in a small in-memory table (a real backend would use the authenticated
customer's id, never digits alone). Refusals, which the flows map with `on_status` (the
customer hears which detail was wrong and is asked again):

- an unknown card answers 404; a name that is not the cardholder's answers 403;
- a transfer of more than the account's available money answers 422 (not enough money): each
  conversation (sender) starts with $1,500.00 and what it sent is deducted (customer trial, session 37:
  $1,000 + $1,000 were both sent from $1,500);
- transfers of one conversation (sender) dated the same day count against the daily limit of
  $2,500.00: one that would go over it answers 409 (customer trial, session 35: $1,000 + $1,000
  + $600 were all sent today, "over the limit it quotes itself").

Failures, to try the flows' `on_failure` branches ("a problem on our side"):

- blocking card 0000 answers 503, as if the card system were down;
- a request without `card_last4` answers 400 (the flows never send one; unmapped: a failure);
- a transfer without an amount in USD or a recipient answers 400 (the flow never sends one).

Port 5056 so it can run next to the telecom backend (5055):
`python domains/banking_en/backend.py`, or `shell --demo-backend` / `serve --demo-backend`.
Point the assistant elsewhere with BANKING_BACKEND_URL.
"""
from __future__ import annotations

import datetime as dt
import itertools
import unicodedata

from aiohttp import web

from framework.actions.idempotency import idempotency_middleware

PORT = 5056  # the default in domain.yml's ${BANKING_BACKEND_URL:-http://127.0.0.1:5056}


class Card:
    # Plain classes, not dataclasses: the framework loads this file without registering it
    # in sys.modules, and dataclasses with postponed annotations need that.
    def __init__(self, holder: str, balance: float, active: bool = True) -> None:
        self.holder = holder
        self.balance = balance
        self.active = active
        self.blocked = False


def _demo_cards() -> dict[str, Card]:
    return {
        "4821": Card("Maria Garcia", 2350.75, active=False),  # a new card, waiting to be activated
        "1234": Card("John Smith", 42.35),                     # low balance: the flow adds a note
        "7777": Card("Wei Chen", 880.00),
        "0000": Card("Test Outage", 10.00),                    # blocking fails with 503
    }


AVAILABLE = 1500.00  # the demo account's money available for transfers
DAILY_LIMIT = 2500.00  # what one customer may send in a day (the amount slot's max in domain.yml)


class Bank:
    def __init__(self) -> None:
        self.cards = _demo_cards()
        self.cases = itertools.count(40001)
        self.transfers = itertools.count(50001)
        self.available = AVAILABLE
        self.sent: dict[tuple[str, str], float] = {}  # (sender, day) -> sent that day
        self.spent: dict[str, float] = {}  # sender -> sent in all: each conversation's account starts with AVAILABLE
        self.blocked: set[tuple[str, str]] = set()  # (sender, card's last four) blocked in that conversation


BANK = web.AppKey("bank", Bank)


def _fail(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


async def _card(request: web.Request) -> tuple[dict, str, Card | None]:
    """The request's slots, the card digits, and the card (None when unknown)."""
    try:
        body = await request.json()
    except ValueError:
        body = None
    slots = body.get("slots") if isinstance(body, dict) else None
    if not isinstance(slots, dict) or not str(slots.get("card_last4") or "").strip():
        raise web.HTTPBadRequest(text='{"error": "slots.card_last4 is required"}', content_type="application/json")
    last4 = str(slots["card_last4"]).strip()
    return slots, last4, request.app[BANK].cards.get(last4)


def _same_name(a: str, b: str) -> bool:
    """The same name, whatever the case, the spaces or the accents: "María García" is Maria Garcia (a cardholder typing
    her name as printed with its accents was refused: customer trial, session 46)."""
    return _plain(a) == _plain(b)


def _plain(name: str) -> str:
    letters = unicodedata.normalize("NFKD", name.casefold())
    return " ".join("".join(ch for ch in letters if not unicodedata.combining(ch)).split())


async def activate(request: web.Request) -> web.Response:
    slots, last4, card = await _card(request)
    if card is None or card.blocked:
        return _fail(404, f"no active card ending {last4}")
    if not _same_name(str(slots.get("name") or ""), card.holder):
        return _fail(403, "the name does not match the cardholder")
    was_active, card.active = card.active, True  # activating an active card again is fine: nothing to do, said
    return web.json_response({"slots": {"already_active": was_active}})


async def block(request: web.Request) -> web.Response:
    bank = request.app[BANK]
    _, last4, card = await _card(request)
    if card is None:
        return _fail(404, f"no card ending {last4}")
    if last4 == "0000":
        return _fail(503, "card system unavailable")
    body = await request.json()
    sender = str(body.get("sender_id") or "") if isinstance(body, dict) else ""
    if (sender, last4) in bank.blocked:
        # blocked already in this conversation (customer trial, session 44: "naya card kab aayega?" after a block started
        # a second one, and a second replacement was ordered): nothing is done twice. Each conversation (and each
        # conversation test) starts with its cards open, as it starts with its own $1,500.00
        return _fail(409, f"card ending {last4} is already blocked")
    bank.blocked.add((sender, last4))
    card.blocked = True
    case_number = f"LC-{next(bank.cases)}"
    return web.json_response({"slots": {"case_number": case_number, "delivery_window": "5 to 7 business days"}})


async def balance(request: web.Request) -> web.Response:
    _, last4, card = await _card(request)
    return _balance_of(last4, card)


async def card_balance(request: web.Request) -> web.Response:
    last4 = request.match_info["last4"]
    return _balance_of(last4, request.app[BANK].cards.get(last4))


def _balance_of(last4: str, card: Card | None) -> web.Response:
    # a blocked card's account still holds its money: "what's my balance" right after reporting the
    # card lost heard "I couldn't find a card ending 7777" (customer trial, session 21)
    if card is None:
        return _fail(404, f"no card ending {last4}")
    return web.json_response({"slots": {"balance": card.balance, "card_blocked": card.blocked}})


async def transfer(request: web.Request) -> web.Response:
    """Send money: slots.amount is the money slot's {"amount": 50, "currency": "USD"},
    slots.recipient who it is for, slots.date the day (ISO; today when absent)."""
    bank = request.app[BANK]
    try:
        body = await request.json()
    except ValueError:
        body = None
    slots = body.get("slots") if isinstance(body, dict) else None
    money = slots.get("amount") if isinstance(slots, dict) else None
    amount = money.get("amount") if isinstance(money, dict) and money.get("currency") == "USD" else None
    if not isinstance(amount, (int, float)) or amount <= 0 or not str(slots.get("recipient") or "").strip():
        return _fail(400, "slots.amount (USD) and slots.recipient are required")
    sender = str(body.get("sender_id") or "")
    # $1,000 + $1,000 were both sent from the $1,500 available (customer trial, session 37): what a conversation sent
    # is deducted from its own account (each conversation, and each conversation test, starts with $1,500.00)
    if amount > bank.available - bank.spent.get(sender, 0.0):
        return _fail(422, "insufficient funds")
    day = (str(slots.get("date") or "") or dt.date.today().isoformat(), sender)
    if bank.sent.get(day, 0.0) + amount > DAILY_LIMIT:
        return _fail(409, f"over the daily limit: {DAILY_LIMIT - bank.sent.get(day, 0.0):.2f} left that day")
    bank.sent[day] = bank.sent.get(day, 0.0) + amount
    bank.spent[sender] = bank.spent.get(sender, 0.0) + amount
    return web.json_response({"slots": {"transfer_id": f"TR-{next(bank.transfers)}"}})


def init() -> web.Application:
    # A retried webhook call (same Idempotency-Key) gets the first answer, never a second one.
    app = web.Application(middlewares=[idempotency_middleware()])
    app[BANK] = Bank()
    app.router.add_post("/cards/activate", activate)
    app.router.add_post("/cards/block", block)
    app.router.add_post("/balance", balance)
    app.router.add_get("/cards/{last4}/balance", card_balance)
    app.router.add_post("/transfers", transfer)
    return app


if __name__ == "__main__":
    web.run_app(init(), host="127.0.0.1", port=PORT)
