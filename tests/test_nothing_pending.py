"""A yes or a no with no flow active (framework.engine.nothing_pending): "ok" after a flow
has ended is answered "anything else?", "no" with "take care", never the out-of-scope
reply; a yes or no word counts whatever the classifier makes of it, the classifier's
affirm or deny only when sure (threshold and margin), and never a question. Inside a flow
a yes or no stays the flow's. A domain response of the same name replaces the built-in
one. Pure engine turns with hand-written rankings, no model.
"""
from __future__ import annotations

import pytest

from tests.support.engine_turns import replies, start, turns, write_domain

DOMAIN = """\
version: "1"
language: %(language)s
flows: [flows]
settings: {fallback_threshold: 0.6}
intents:
  balance: {examples: [what's my balance]}
  affirm: {examples: ["yes"]}
  deny: {examples: ["no"]}
  cancel: {examples: [cancel]}
  out_of_scope: {examples: [tell me a joke]}
  inform: {examples: ["1234"]}
slots:
  last4: {type: regex, pattern: '^\\d{4}$'}
responses:
  utter_ask_last4: [{text: "Last four digits?"}]
  utter_balance: [{text: "Your balance is $42."}]
  utter_cancelled: [{text: "Cancelled."}]
  utter_out_of_scope: [{text: "I only do balances."}]
  utter_fallback: [{text: "Sorry?"}]
global:
  cancel: {intent: cancel, response: utter_cancelled}
  out_of_scope: {intent: out_of_scope, response: utter_out_of_scope}
  fallback: {response: utter_fallback}
  affirm: {intent: affirm}
  deny: {intent: deny}
"""
FLOW = """\
flows:
  balance:
    trigger: balance
    states:
      ask_last4: {collect: last4, next: done}
      done: {end: utter_balance}
"""
ANYTHING_ELSE = "Is there anything else I can help you with?"
NOTHING_ELSE = "Alright. If you need anything else, just ask."

turn = turns(default_intent="affirm", runner_up=("inform", "deny"))


def build(tmp_path, language="en", extra_responses=""):
    domain = DOMAIN % {"language": language}
    return write_domain(tmp_path, {"domain.yml": domain.replace("responses:\n", "responses:\n" + extra_responses),
                                   "flows/balance.yml": FLOW})


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    return build(tmp_path_factory.mktemp("pending"))


def after_a_flow(assistant):
    state = turn(assistant, start(), "what's my balance", "balance").state
    result = turn(assistant, state, "1234", "inform")
    assert replies(result) == ["Your balance is $42."] and result.state.frame is None
    return result.state


@pytest.mark.parametrize("text,intent,confidence,expected", [
    ("ok", "affirm", 0.99, ANYTHING_ELSE),
    ("yes!", "affirm", 0.99, ANYTHING_ELSE),
    ("Okay", "out_of_scope", 0.95, ANYTHING_ELSE),    # a yes word, whatever the classifier says
    ("sounds good to me", "affirm", 0.9, ANYTHING_ELSE),  # the classifier, sure and well ahead
    ("no", "deny", 0.99, NOTHING_ELSE),
    ("no thanks", "out_of_scope", 0.9, NOTHING_ELSE),
])
def test_a_yes_or_no_after_a_flow_is_answered_not_refused(assistant, text, intent, confidence, expected):
    result = turn(assistant, after_a_flow(assistant), text, intent, confidence)
    assert replies(result) == [expected]
    assert [(e.name, e.data) for e in result.events] == [("acknowledged", {"yes": expected == ANYTHING_ELSE})]
    assert result.state.frame is None


@pytest.mark.parametrize("text,intent,confidence,second,expected", [
    ("are you sure?", "affirm", 0.99, 0.01, "I only do balances."),  # a question is no yes
    # (session 47: "is that all?" right after a flow ends is asked whether more is needed: nothing_more_needed)
    ("is that all?", "affirm", 0.99, 0.01,
     "That's all: nothing more is needed from you. Is there anything else I can help you with?"),
    ("sure thing mate", "affirm", 0.5, 0.01, "Sorry?"),            # below the threshold
    ("fine I guess", "affirm", 0.7, 0.6, "I only do balances."),   # not 0.2 ahead of the next intent
    ("tell me a joke", "out_of_scope", 0.99, 0.01, "I only do balances."),
])
def test_anything_else_is_read_as_before(assistant, text, intent, confidence, second, expected):
    result = turn(assistant, after_a_flow(assistant), text, intent, confidence, second)
    assert replies(result) == [expected] and "acknowledged" not in [e.name for e in result.events]


def test_inside_a_flow_a_yes_or_no_stays_the_flows(assistant):
    state = turn(assistant, start(), "what's my balance", "balance").state
    result = turn(assistant, state, "ok")
    assert "acknowledged" not in [e.name for e in result.events] and result.state.frame.flow == "balance"
    assert replies(turn(assistant, state, "no", "deny")) == ["Do you want to stop here?"]


@pytest.mark.parametrize("text", ["👍", "👍🏽", "👌 🙏", "❤️!"])
def test_an_approving_emoji_after_a_flow_is_an_ok(assistant, text):
    """Session 14's trial: "👍" after a balance heard the out-of-scope reply (the classifier
    reads an emoji as anything: here out of scope at 0.97)."""
    result = turn(assistant, after_a_flow(assistant), text, "out_of_scope", 0.97)
    assert replies(result) == [ANYTHING_ELSE]
    assert [(e.name, dict(e.data)) for e in result.events] == [("acknowledged", {"yes": True, "emoji": True})]


@pytest.mark.parametrize("text", ["😡", "👍 no", "??"])
def test_other_emoji_and_words_beside_one_are_read_as_before(assistant, text):
    result = turn(assistant, after_a_flow(assistant), text, "out_of_scope", 0.97)
    assert ("acknowledged", {"yes": True, "emoji": True}) not in [(e.name, dict(e.data)) for e in result.events]


def test_inside_a_flow_an_emoji_decides_nothing(assistant):
    state = turn(assistant, start(), "what's my balance", "balance").state
    result = turn(assistant, state, "👍", "affirm", 0.99)
    assert "acknowledged" not in [e.name for e in result.events] and result.state.frame.flow == "balance"
    assert "not_understood" in [e.name for e in result.events]


def test_the_first_message_too(assistant):
    assert replies(turn(assistant, start(), "yes")) == [ANYTHING_ELSE]


def test_a_domain_response_replaces_the_built_in_one_and_chinese(tmp_path):
    own = build(tmp_path / "own", extra_responses='  utter_nothing_else: [{text: "Bye for now!"}]\n')
    assert replies(turn(own, after_a_flow(own), "nope", "deny")) == ["Bye for now!"]
    assert replies(turn(own, after_a_flow(own), "yep")) == [ANYTHING_ELSE]
    zh = build(tmp_path / "zh", language="zh")
    assert replies(turn(zh, after_a_flow(zh), "好的")) == ["还有什么可以帮您的吗？"]
    assert replies(turn(zh, after_a_flow(zh), "不用了", "out_of_scope")) == ["好的，有需要随时找我。"]


def test_a_message_with_values_is_no_bare_no(assistant):
    """Customer trial, session 14: "我要开户，我叫赵六，不对，赵大六" read as deny at 0.99 (its 不对)
    heard "take care"."""
    result = turn(assistant, start(), "balance of card 1234, no not that one", "deny", 0.99)
    assert "acknowledged" not in [e.name for e in result.events]
    assert replies(result) == ["Sorry?"]
