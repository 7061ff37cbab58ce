"""A message with no letter, digit or CJK character (emoji, punctuation) answers no question
(framework.engine.unreadable): at a collect step (free text and a menu of choices), a
confirmation, its "which item?" menu, a "did you mean ...?" question and an intent
transition it fills nothing, decides nothing, triggers no global intent and uses up no
attempt; the assistant says it did not understand and asks the same question again.

The classifier is confidently wrong on purpose (every message "yes" or "cancel" at 0.99,
as the fine-tuned telecom_zh model scored "。。。" 肯定 0.98): the rule must hold whatever
it says. Pure engine turns, no model.
"""
from __future__ import annotations

import pytest

from framework.nlu.interface import Entity
from framework.slots.answers import has_content
from tests.support.engine_turns import replies, start, turns, write_domain

FILES = {
    "domain.yml": """\
version: "1"
language: en
flows: [flows]
settings: {fallback_threshold: 0.5, entity_threshold: 0.6}
intents:
  order: {examples: [I want a coffee]}
  yes: {examples: ["yes"]}
  no: {examples: ["no"]}
  cancel: {examples: [cancel]}
  more: {examples: [tell me more]}
slots:
  size: {type: categorical, choices: [small, large], label: size}
  note: {type: text, min_length: 1, max_length: 100, label: note}
responses:
  utter_ask_size: [{text: "Small or large?", buttons: [{title: small, payload: small}, {title: large, payload: large}]}]
  utter_ask_note: [{text: "Any note for the barista?"}]
  utter_confirm: [{text: "A {size} coffee, note {note}. Shall I order it?"}]
  utter_offer: [{text: "Want to hear about our beans?"}]
  utter_more: [{text: "They are from Kenya."}]
  utter_done: [{text: Ordered.}]
  utter_cancelled: [{text: Cancelled.}]
global:
  cancel: {intent: cancel, response: utter_cancelled}
  affirm: {intent: "yes"}
  deny: {intent: "no"}
""",
    "flows/order.yml": """\
flows:
  order:
    trigger: order
    states:
      ask_size: {collect: size, max_attempts: 2, next: ask_note}
      ask_note: {collect: note, max_attempts: 2, next: confirm}
      confirm: {confirm: utter_confirm, on_yes: offer, on_no: ask_what_to_change, max_attempts: 2}
      offer:
        say: utter_offer
        transitions:
          - {intent: more, to: more}
          - {to: done}
      more: {end: utter_more}
      done: {end: utter_done}
""",
}
EMOJI = ("😀", "👍", "。。。", "🙏🙏", "?!", "  ", "❤️")


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    return write_domain(tmp_path_factory.mktemp("order"), FILES)


turn = turns(default_intent="yes", runner_up=("no",))


def reach(assistant, *texts: str):
    state = turn(assistant, start(), "I want a coffee", "order").state
    for text in texts:
        state = turn(assistant, state, text, "order").state
    return state


def test_what_has_content():
    assert not any(has_content(t) for t in EMOJI + ("", "……", "～～", "🇨🇳"))
    assert all(has_content(t) for t in ("ok", "好", "3", "１", "59元", "1️⃣", "é"))


@pytest.mark.parametrize("where,texts,question", [
    ("menu", (), "Small or large?"),
    ("free text", ("large",), "Any note for the barista?"),
    ("confirmation", ("large", "oat milk"), "A large coffee, note oat milk. Shall I order it?"),
])
def test_never_an_answer_and_no_attempt_used(assistant, where, texts, question):
    state = reach(assistant, *texts)
    before = state.frame
    for text in EMOJI * 2:  # more than max_attempts (2)
        for intent in ("yes", "cancel"):  # a confident "yes", a confident global intent
            result = turn(assistant, state, text, intent)
            # a yes or no emoji at a confirmation asks for it in words (customer trial, session 35)
            said = ("I need a clear yes or no for this one: say yes to go ahead, or no if not."
                    if where == "confirmation" and text == "👍" else "Sorry, I couldn't make out that message.")
            assert replies(result) == [said, question], (where, text)
            assert [e.name for e in result.events] == ["not_understood"], (where, text)
            assert result.state.frame == before and result.state.slots == state.slots
            state = result.state
    assert state.frame.attempts == 0


def test_which_item_menu_and_intent_transition(assistant):
    state = turn(assistant, reach(assistant, "large", "oat milk"), "no", "no").state
    assert state.frame.waiting_for == "which"
    result = turn(assistant, state, "👍")
    assert replies(result) == ["Sorry, I couldn't make out that message.",
                               "What would you like to change? You can change: size, note."]
    assert result.state.frame == state.frame
    offer = turn(assistant, reach(assistant, "large", "oat milk"), "yes").state
    assert offer.frame.waiting_for == "intent"
    result = turn(assistant, offer, "😀", "more")
    assert result.state.frame == offer.frame and "not_understood" in [e.name for e in result.events]
    assert replies(turn(assistant, result.state, "tell me more", "more")) == ["They are from Kenya."]


def test_did_you_mean_is_asked_again(assistant):
    start = reach(assistant, "large")
    unsure = Entity("note", "oat", "oat", 12, 15, "model", 0.3)
    held = turn(assistant, start, "with a bit of oat", "order", entities=(unsure,)).state
    # the collected slot's learnt value below the threshold: "did you mean ...?"
    assert held.frame.waiting_for == "value:note"
    result = turn(assistant, held, "🙂")
    assert replies(result) == ["Sorry, I couldn't make out that message.", "Did you mean oat as your note?"]
    assert result.state.frame.waiting_for == "value:note" and "note" not in result.state.slots
    assert turn(assistant, result.state, "yes").state.slots["note"] == "oat"


def test_a_domain_response_replaces_the_built_in_one(tmp_path):
    own = 'responses:\n  utter_not_understood: [{text: "Sorry, emoji only? In words, please."}]\n'
    files = {**FILES, "domain.yml": FILES["domain.yml"].replace("responses:\n", own)}
    assistant = write_domain(tmp_path, files)
    result = turn(assistant, reach(assistant), "😀")
    assert replies(result) == ["Sorry, emoji only? In words, please.", "Small or large?"]


def test_outside_a_flow_the_classifier_decides(assistant):
    result = turn(assistant, start(), "😀", "order")
    assert "not_understood" not in [e.name for e in result.events]
    assert result.state.frame.flow == "order"
