"""A plain "no" at a question that wants a value asks whether to stop the flow
(framework.engine.stop_question): yes cancels, no asks the question again, anything else
answers the question; no attempt is used up. Values that "no" is (a boolean, a categorical
choice), a "no" that carries the value ("no, 4821"), a question ("no?"), a deny below the
threshold or too close to the next intent, and the confirmation and its "which item?"
menu, and a menu of choices keep their old behaviour. Pure engine turns with set rankings, and one tiny real model
through the Agent.
"""
from __future__ import annotations

import pytest

from tests.support.engine_turns import NOW, replies, start, turns, write_domain

DOMAIN = """\
version: "1"
language: %(language)s
flows: [flows]
settings: {fallback_threshold: 0.5}
intents:
  block: {examples: [block my card]}
  affirm: {examples: ["yes"]}
  deny: {examples: ["no"]}
  cancel: {examples: [cancel]}
  inform: {examples: ["1234"]}
  ship: {examples: [ship it]}
  upgrade: {examples: [upgrade me]}
slots:
  last4: {type: regex, pattern: '^\\d{4}$', label: last four digits}
  name: {type: text, min_length: 2, max_length: 40, label: name}
  urgent: {type: boolean}
  delivery: {type: categorical, choices: ["no", express]}
  plan: {type: categorical, choices: [basic, premium], error: utter_pick_plan}
responses:
  utter_ask_last4: [{text: "Last four digits?"}]
  utter_ask_name: [{text: "Name on the card?"}]
  utter_ask_urgent: [{text: "Urgent?"}]
  utter_ask_delivery: [{text: "Delivery: no or express?"}]
  utter_ask_plan: [{text: "Basic or premium?"}]
  utter_pick_plan: [{text: "Please pick basic or premium."}]
  utter_confirm: [{text: "Block {last4} for {name}?"}]
  utter_done: [{text: Blocked.}]
  utter_kept: [{text: Kept.}]
  utter_cancelled: [{text: Cancelled.}]
global:
  cancel: {intent: cancel, response: utter_cancelled}
  affirm: {intent: affirm}
  deny: {intent: deny}
"""
FLOW = """\
flows:
  block:
    trigger: block
    states:
      ask_last4: {collect: last4, next: ask_name}
      ask_name: {collect: name, next: ask_urgent}
      ask_urgent: {collect: urgent, next: confirm}
      confirm: {confirm: utter_confirm, on_yes: done, on_no: ask_what_to_change}
      done: {end: utter_done}
  ship:
    trigger: ship
    states:
      ask_delivery: {collect: delivery, next: done}
      done: {end: utter_done}
  upgrade:
    trigger: upgrade
    states:
      ask_plan: {collect: plan, next: done}
      done: {end: utter_done}
"""


def build(tmp_path, language="en", extra_responses=""):
    return write_domain(tmp_path, {"domain.yml": DOMAIN % {"language": language} + extra_responses,
                                   "flows/block.yml": FLOW})


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    return build(tmp_path_factory.mktemp("stop"))


turn = turns(default_intent="deny", runner_up=("inform",))


def at(assistant, *answers):
    """The flow started and the given answers (inform) given."""
    state = turn(assistant, start(), "block my card", "block").state
    for text in answers:
        state = turn(assistant, state, text, "inform").state
    return state


def test_no_at_the_digits_asks_whether_to_stop_and_yes_cancels(assistant):
    result = turn(assistant, at(assistant), "no")
    assert replies(result) == ["Do you want to stop here?"]
    assert result.state.frame.waiting_for == "stop:last4" and result.state.frame.attempts == 0
    assert "slot_invalid" not in [e.name for e in result.events]
    result = turn(assistant, result.state, "yes", "affirm")
    assert replies(result) == ["Cancelled."] and result.state.frame is None


def test_no_to_the_stop_question_asks_again_and_uses_no_attempt(assistant):
    state = at(assistant)
    for _ in range(4):  # three invalid answers would end the flow; these are no answers at all
        state = turn(assistant, state, "no").state
        result = turn(assistant, state, "nope")
        assert replies(result) == ["Last four digits?"]
        state = result.state
        assert state.frame.waiting_for == "slot:last4" and state.frame.attempts == 0
    result = turn(assistant, state, "4821", "inform")
    assert result.state.slots["last4"] == "4821" and replies(result) == ["Name on the card?"]


def test_an_emoji_at_the_stop_question_is_not_understood_and_the_question_asked_again(assistant):
    result = turn(assistant, turn(assistant, at(assistant), "no").state, "👍", "affirm")
    assert replies(result) == ["Sorry, I couldn't make out that message.", "Last four digits?"]
    assert result.state.frame.waiting_for == "slot:last4" and result.state.frame.attempts == 0


def test_anything_else_answers_the_question(assistant):
    state = turn(assistant, at(assistant), "no").state
    result = turn(assistant, state, "it's 4821", "inform")
    assert result.state.slots["last4"] == "4821"
    result = turn(assistant, turn(assistant, at(assistant), "no").state, "hm, 12", "inform")
    assert replies(result) == ["Last four digits?"] and result.state.frame.attempts == 1  # a wrong answer, as before
    result = turn(assistant, turn(assistant, at(assistant), "no").state, "cancel", "cancel")
    assert replies(result) == ["Cancelled."]


@pytest.mark.parametrize("text,intent,confidence,second,attempts", [
    ("nah mate", "deny", 0.45, 0.01, 1),   # deny below the threshold, and no no-word
    ("not sure", "deny", 0.9, 0.01, 0),    # a hesitation: the question again, no attempt used (session 11)
    ("no?", "deny", 0.99, 0.01, 0),        # a question: no answer at all (value_guard rule 4), no attempt used
    ("never", "deny", 0.6, 0.5, 1),        # deny not 0.2 ahead of the next intent
])
def test_unclear_noes_are_still_read_as_answers(assistant, text, intent, confidence, second, attempts):
    result = turn(assistant, at(assistant), text, intent, confidence, second)
    assert result.state.frame.waiting_for == "slot:last4" and result.state.frame.attempts == attempts


def test_a_no_word_counts_whatever_the_model_says_and_a_no_with_digits_fills_them(assistant):
    assert replies(turn(assistant, at(assistant), "No.", "inform", 0.3)) == ["Do you want to stop here?"]
    result = turn(assistant, at(assistant), "no, 4821")
    assert result.state.slots["last4"] == "4821" and replies(result) == ["Name on the card?"]


def test_values_that_are_a_no_stay_values(assistant):
    result = turn(assistant, at(assistant, "4821", "Jane Doe"), "no")
    assert result.state.slots["urgent"] is False and replies(result) == ["Block 4821 for Jane Doe?"]
    state = turn(assistant, start(), "ship it", "ship").state
    result = turn(assistant, state, "no")
    assert [e.data["value"] for e in result.events if e.name == "slot_set"] == ["no"]
    assert replies(result) == ["Blocked."]


def test_a_text_slot_stops_only_on_a_no_word(assistant):
    state = at(assistant, "4821")
    assert replies(turn(assistant, state, "nope")) == ["Do you want to stop here?"]
    result = turn(assistant, state, "no reason at all", "deny", 0.95)  # a text, whatever the model says
    assert result.state.slots["name"] == "no reason at all"


def test_a_menu_of_choices_keeps_its_no(assistant):
    state = turn(assistant, start(), "upgrade me", "upgrade").state
    result = turn(assistant, state, "no")
    assert replies(result) == ["Please pick basic or premium."] and result.state.frame.attempts == 1


def test_the_confirmation_and_its_menu_keep_their_no(assistant):
    state = at(assistant, "4821", "Jane Doe", "yes")
    assert state.frame.waiting_for == "confirm"
    result = turn(assistant, state, "no")
    assert replies(result) == ["What would you like to change? You can change: last four digits, name, urgent."]
    assert "stop_offered" not in [e.name for e in result.events]
    result = turn(assistant, result.state, "no")  # at the menu: back to the confirmation
    assert replies(result) == ["Block 4821 for Jane Doe?"]


def test_the_reply_is_configurable_per_domain_and_per_flow(tmp_path):
    for name, text, folder in (("utter_ask_stop_flow_block", "Stop blocking the card?", "flow"),
                               ("utter_ask_stop_flow", "Shall I stop?", "domain")):
        domain = DOMAIN.replace("responses:\n", f'responses:\n  {name}: [{{text: "{text}"}}]\n')
        own = write_domain(tmp_path / folder, {"domain.yml": domain % {"language": "en"}, "flows/block.yml": FLOW})
        assert replies(turn(own, at(own), "no")) == [text]


def test_chinese(tmp_path):
    zh = build(tmp_path, language="zh")
    result = turn(zh, at(zh), "不是")
    assert replies(result) == ["要取消当前的办理吗？"]
    assert replies(turn(zh, result.state, "是的", "affirm")) == ["Cancelled."]


async def test_with_a_tiny_trained_model(assistant, tmp_path):
    from framework.agent import Agent, classifier_parser
    from framework.nlu.model import load_classifier
    from tests.support.tiny_model import train_tiny_model

    examples = [(t, "deny") for t in ("no", "nope", "no thanks", "nah")]
    examples += [(t, "affirm") for t in ("yes", "yes please", "sure", "yeah")]
    examples += [(t, "inform") for t in ("4821", "it ends in 1234", "7777", "ending 5508")]
    examples += [(t, "block") for t in ("block my card", "please block my card", "block it")]
    examples += [(t, "cancel") for t in ("cancel", "stop", "forget it")]
    examples += [(t, "ship") for t in ("ship it", "send it")]
    out = train_tiny_model(examples, tmp_path / "m", intent_fingerprint=assistant.intent_fingerprint, epochs=6)
    agent = Agent(assistant, classifier_parser(load_classifier(out, threads=1), assistant))
    state = (await agent.handle(start(), "u", "block my card", now=NOW)).state
    result = await agent.handle(state, "u", "no thanks", now=NOW)
    assert result.nlu.intent.name == "deny"
    assert [r.text for r in result.replies] == ["Do you want to stop here?"]
    result = await agent.handle(result.state, "u", "yes", now=NOW)
    assert [r.text for r in result.replies] == ["Cancelled."]


def test_a_reload_that_removes_the_slot_drops_the_waiting_frame(assistant):
    import dataclasses

    frame = turn(assistant, at(assistant), "no").state.frame
    assert frame.waiting_for == "stop:last4" and frame.fits(assistant)
    slots = {k: v for k, v in assistant.slots.items() if k != "last4"}
    assert not frame.fits(dataclasses.replace(assistant, slots=slots))


@pytest.mark.parametrize("text", ["no keep going", "please continue", "carry on"])
def test_go_on_words_at_the_stop_question_keep_the_flow(assistant, text):
    """"no keep going" / "不不不，别取消，继续" at the stop question were read as cancel (0.9+) and
    the flow was dropped (customer trial, session 20): a word asking to go on is the no."""
    state = turn(assistant, at(assistant), "no").state
    result = turn(assistant, state, text, "cancel", 0.95)
    assert replies(result) == ["Last four digits?"] and result.state.frame.waiting_for == "slot:last4"
    assert "stop_declined" in [e.name for e in result.events]


def test_go_on_in_chinese_and_not_when_negated(tmp_path):
    zh = build(tmp_path, "zh")
    state = turn(zh, at(zh), "不").state
    result = turn(zh, state, "不不不，别取消，继续", "cancel", 0.95)
    assert result.state.frame is not None and result.state.frame.waiting_for == "slot:last4"
    result = turn(zh, turn(zh, at(zh), "不").state, "不想继续了", "cancel", 0.95)
    assert result.state.frame is None  # "don't want to go on": cancelled
