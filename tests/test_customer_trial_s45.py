"""Session 45: what customer trials and hand tries found, each with the message that found it."""
from __future__ import annotations

from framework.nlu.interface import Entity
from tests.support.engine_turns import replies, start, turns
from tests.support.example_domains import banking, telecom  # noqa: F401 (fixtures)

en = turns(default_intent="inform", runner_up=("affirm", "deny"))
zh = turns(default_intent="提供信息", runner_up=("其他", "否定"))


def _events(result):
    return [e.name for e in result.events]


def test_digits_alone_are_noted_and_used_by_the_next_request(banking):
    """Tried by hand, session 44: "1234" alone heard "Sorry, I didn't quite get that" and the digits were dropped."""
    noted = en(banking, start(), "1234", "inform", 1.0)
    assert replies(noted) == ["Noted: last four digits 1234. What would you like me to do with it?"]
    assert "value_noted" in _events(noted) and "fallback" not in _events(noted)
    asked = en(banking, noted.state, "block it", "lost_card")
    assert "card_last4" not in " ".join(r.response or "" for r in asked.replies)
    assert asked.state.slots.get("card_last4") == "1234"


def test_a_value_with_corrections_and_no_request_is_noted_not_out_of_scope(banking):
    """Tried by hand, session 44: "it's 1234, no wait 4321... actually 1234" heard the out-of-scope reply."""
    text = "it's 1234, no wait 4321... actually 1234"
    said = [Entity("card_last4", v, v, i, i + 4, "model", 0.99) for v, i in (("1234", 5), ("4321", 19), ("1234", 36))]
    result = en(banking, start(), text, "inform", 0.99, entities=said)
    assert "out_of_scope" not in _events(result) and "value_noted" in _events(result)
    assert replies(result)[0].startswith("Noted: last four digits 1234.")


def test_a_message_not_understood_still_forgets_its_values(banking):
    """Session 30's rule stays: "I was charged 89 dollars twice at the grocery store" gives no amount to a later
    transfer."""
    text = "I was charged 89 dollars twice at the grocery store"
    result = en(banking, start(), text, "inform", 0.2)
    assert "value_noted" not in _events(result)
    assert result.state.slots.get("amount") is None


def test_a_personal_value_alone_is_not_said_to_be_kept(telecom):
    """An ID number alone outside a flow is erased at the end of the turn (pii): it is not "noted"."""
    result = zh(telecom, start(), "11010519491231002X", "提供信息", 0.99)
    assert "value_noted" not in _events(result) and result.state.slots.get("id_number") is None


def test_a_plan_alone_is_noted_and_used_by_the_change_that_follows(telecom):
    noted = zh(telecom, start(), "99元", "提供信息", 0.99)
    assert replies(noted) == ["好的，记下了：套餐 99。请问要帮您办理什么？"]
    started = zh(telecom, noted.state, "换套餐", "办理", 0.99)
    assert started.state.slots.get("plan") == "99"
