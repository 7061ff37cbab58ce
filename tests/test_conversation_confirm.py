"""Issue 8, item 1: a confirmation is decided only by a clear yes or no.

The measure: every message of tests/data/confirm_non_answers_{zh,en}.txt (emoji,
punctuation, questions, hesitations, off-topic; at least 50 each, kept apart from training
data) is sent at the confirmation of both example domains, and none may confirm. Emoji,
punctuation, questions and hesitations are sent twice: to a model that is merely unsure (a
flat ranking) and to one that is confidently wrong (every one of them "affirm" at 0.64, as
the fine-tuned model scored emoji); off-topic statements go to the unsure model and to one
that calls them out of scope. (The same set with real trained models:
benchmarks/confirm_non_answers.py.)
"""
from __future__ import annotations

import pytest

from framework.engine.builtin_responses import BUILTIN_RESPONSES
from framework.engine.confirm import CONFIRM_MARGIN
from tests.support.example_chat import (
    BANKING_TABLE, TELECOM_TABLE, banking_confirm, example, non_answers, telecom_confirm,
)

DOMAINS = {
    "telecom_zh": ("zh", TELECOM_TABLE, telecom_confirm, "肯定", "其他"),
    "banking_en": ("en", BANKING_TABLE, banking_confirm, "affirm", "out_of_scope"),
}
CONFIDENTLY_WRONG = ("emoji", "punctuation", "question", "hesitation")
TAKE_YOUR_TIME = set(BUILTIN_RESPONSES["utter_take_time_to_confirm"].values())  # "我想想": it waits
TAKE_YOUR_TIME |= set(BUILTIN_RESPONSES["utter_clear_yes_no"].values())  # "not sure", "可能吧": it waits too


def test_the_sets_are_large_enough():
    for language in ("zh", "en"):
        groups = non_answers(language)
        assert sum(map(len, groups.values())) >= 50
        assert set(groups) == {"emoji", "punctuation", "question", "hesitation", "off-topic"}


@pytest.mark.parametrize("domain", DOMAINS)
async def test_no_non_answer_confirms(domain):
    language, table, reach, affirm, out_of_scope = DOMAINS[domain]
    groups = non_answers(language)
    async with example(domain) as world:
        start = world.chat(table)
        confirm_question = (await reach(start))[-1]
        at_confirm = start.state
        profiles = {
            "unsure": world.chat(table),
            "confidently wrong": world.chat(table, default=(affirm, 0.64)),
            "out of scope": world.chat(table, default=(out_of_scope, 0.9)),
        }
        confirmed, tried = [], 0
        for category, texts in groups.items():
            names = ["unsure", "confidently wrong" if category in CONFIDENTLY_WRONG else "out of scope"]
            for text in texts:
                for name in names:
                    chat = profiles[name].at(at_confirm)
                    replies = await chat.say(text)
                    tried += 1
                    still_asking = chat.state.frame is not None and chat.state.frame.waiting_for == "confirm"
                    if "confirmed" in chat.events or not still_asking or chat.state.slots != at_confirm.slots:
                        confirmed.append((name, text, replies))
                    elif replies[-1] != confirm_question and replies[-1] not in TAKE_YOUR_TIME:  # "我想想", "hold on"
                        confirmed.append((name, text, "not re-asked", replies))
    assert tried >= 100 and confirmed == []


@pytest.mark.parametrize("domain", DOMAINS)
async def test_clear_answers_still_decide(domain):
    _, table, reach, affirm, _ = DOMAINS[domain]
    yes_words = {"telecom_zh": ["是的", "好的！", "确认", "/肯定"], "banking_en": ["yes", "Yes!", "sure", "/affirm"]}
    async with example(domain) as world:
        start = world.chat(table)
        await reach(start)
        for text in yes_words[domain]:
            chat = start.at(start.state)
            await chat.say(text)
            assert "confirmed" in chat.events, text
        # an affirm intent clearly ahead of the runner-up decides as well
        chat = world.chat({**table, "go for it, mate": (affirm, 0.9)}).at(start.state)
        await chat.say("go for it, mate")
        assert "confirmed" in chat.events


async def test_an_affirm_intent_too_close_to_the_runner_up_asks_again():
    assert CONFIRM_MARGIN == 0.2
    table = {**BANKING_TABLE, "that'll do": {"affirm": 0.55, "deny": 0.40},  # cannot tell yes from no ("go on" is a yes word since session 26)
             "fine by me": {"affirm": 0.55, "deny": 0.30}}
    async with example("banking_en") as world:
        start = world.chat(table)
        question = (await banking_confirm(start))[-1]
        chat = start.at(start.state)
        assert await chat.say("that'll do") == ['I\'m not sure I understood. Say "help" to see what I can do.', question]
        assert "confirmed" not in chat.events
        await chat.say("fine by me")  # 0.25 ahead: decides
        assert "confirmed" in chat.events


@pytest.mark.parametrize("domain", DOMAINS)
async def test_confirm_attempts_end_in_the_failure_branch_or_say_so(domain):
    _, table, reach, _, _ = DOMAINS[domain]
    async with example(domain) as world:
        chat = world.chat(table)
        await reach(chat)
        # "🤔" uses up no attempt, nor does "我想想" (framework.engine.hold_on: "take your time")
        hesitation = {"telecom_zh": "这个嘛", "banking_en": "hmm"}[domain]
        for _ in range(2):
            await chat.say(hesitation)
            assert chat.waiting == "confirm"
        replies = await chat.say(hesitation)
        assert "confirm_failed" in chat.events and chat.state.stack == () and chat.state.slots == {}
    expected = {
        # telecom's confirm has no on_failure: the built-in message, never a silent turn
        "telecom_zh": ["抱歉，这件事我们没能办成。您可以稍后再试，或者说“转人工”。"],
        # banking's says `on_failure: aborted`
        "banking_en": ["Okay, I won't activate it. Let me know if you need anything else."],
    }
    assert replies == expected[domain]


async def test_telecom_opens_the_account_after_a_clear_yes():
    async with example("telecom_zh") as world:
        chat = world.chat(TELECOM_TABLE)
        await telecom_confirm(chat)
        assert "开户成功" in (await chat.say("是的"))[-1]
        assert chat.state.slots == {} and chat.state.stack == ()


async def test_a_refused_interruption_at_a_confirmation_is_no_attempt():
    async with example("banking_en") as world:
        chat = world.chat(BANKING_TABLE)
        await chat.say("I lost my card")  # not interruptible
        question = (await chat.say("1234"))[-1]
        for _ in range(3):
            assert await chat.say("what's my balance") == [
                "Let's finish this first; I'll help with the other request right after.", question]
        assert chat.state.stack[-1].attempts == 0 and chat.waiting == "confirm"


@pytest.mark.parametrize("text,language,expected", [
    ("是的！", "zh", True), ("好的呢", "zh", True), ("不用了", "zh", False), ("ok", "zh", True),
    ("嗯嗯啊啊", "zh", None), ("是的", "en", None), ("Yes!", "en", True), ("nope", "en", False),
    ("yes", None, True), ("不是", None, False), ("maybe", "en", None),
    # a word said twice or more for emphasis is that word (a model said 肯定 to "没有没有")
    ("没有没有", "zh", False), ("不是不是！", "zh", False), ("不不不", "zh", False), ("是是是", "zh", True),
    ("好好好", "zh", True), ("no, no", "en", False), ("nope nope", "en", False), ("yes yes!", "en", True),
    ("no no no no no", "en", None), ("没有吧没有", "zh", None), ("哈哈", "zh", None),
    # indirect and laughing yeses (customer trial, session 21: the fallback and the question again)
    ("sure why not", "en", True), ("lol yes obviously", "en", True), ("ok cool", "en", True), ("haha no", "en", False),
    ("哈哈好的", "zh", True), ("好嘞", "zh", True), ("lol", "en", None), ("well", "en", None),
    # session 23's held-out file: "nuh uh" read as affirm 0.96-0.99 by all three banking_en models
    ("nuh uh", "en", False), ("uh-uh", "en", False), ("uh huh", "en", True), ("恩恩", "zh", True),
    ("莫得", "zh", False), ("唔系", "zh", False), ("系滴", "zh", True), ("妥了", "zh", True), ("shide", "zh", True),
])
def test_yes_no_words_of_the_language(text, language, expected):
    from framework.slots.answers import yes_no

    assert yes_no(text, language) is expected


@pytest.mark.parametrize("text,language,question,hesitation", [
    ("在不在", "zh", True, False), ("是不是啊", "zh", True, False), ("多久能办好", "zh", True, False),
    ("不对不对", "zh", False, False),  # a no said twice, not the A-not-A question "对不对" (session 25)
    ("没什么问题", "zh", False, False), ("嗯……让我想想", "zh", False, True), ("嗯", "zh", False, False),
    ("do it", "en", False, False), ("can you do it", "en", True, False), ("hmm", "en", False, True),
    ("umbrella", "en", False, False), ("is this safe", "en", True, False),
    ("no, hold on", "en", False, True), ("wait a sec", "en", False, True), ("等等", "zh", False, True),
    ("no wait, send it to Alice instead", "en", False, False), ("流量、话费等等", "zh", False, False),
])
def test_questions_and_hesitations(text, language, question, hesitation):
    from framework.slots.answers import is_hesitation, is_question

    assert (is_question(text, language), is_hesitation(text, language)) == (question, hesitation)


async def test_a_no_word_the_model_reads_as_yes_is_the_no():
    """"nuh uh" at "Activate the card ending 4821 for …?" with affirm at 0.99 (as all three
    banking_en models of session 23 read it) is the no: nothing is activated."""
    async with example("banking_en") as world:
        chat = world.chat({**BANKING_TABLE, "nuh uh": ("affirm", 0.99)})
        await banking_confirm(chat)
        await chat.say("nuh uh")
        assert "denied" in chat.events and "confirmed" not in chat.events

