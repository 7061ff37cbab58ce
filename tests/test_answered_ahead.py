"""A message that is the value of another question of the active flow, and little else, is
an answer given ahead, not a request: "my landlord" at "How much would you like to send?"
(read as human_agent 0.75 in a customer trial, session 16) handed the customer off. Now no
global intent or other flow's trigger runs on it (event `intent_ignored`), the value is kept
and the question asked again; a message with a request besides the value keeps its intent.
Pure engine turns with set rankings.
"""
from __future__ import annotations

from framework.nlu.interface import Entity
from tests.support.engine_turns import replies, start, turns, write_domain

DOMAIN = """\
version: "1"
language: en
flows: [flows]
settings: {fallback_threshold: 0.5}
intents:
  send: {examples: [send money]}
  agent: {examples: [agent]}
  cancel: {examples: [cancel]}
  inform: {examples: ["50"]}
slots:
  amount: {type: number, min: 1, max: 2500}
  recipient: {type: text, min_length: 2, max_length: 40}
responses:
  utter_ask_amount: [{text: "How much?"}]
  utter_ask_recipient: [{text: "To whom?"}]
  utter_done: [{text: "Sent {amount} to {recipient}."}]
  utter_handoff: [{text: Connecting you to an agent.}]
  utter_cancelled: [{text: Cancelled.}]
global:
  cancel: {intent: cancel, response: utter_cancelled}
  handoff: {intent: agent, response: utter_handoff}
"""
FLOW = """\
flows:
  send:
    trigger: send
    states:
      ask_amount: {collect: amount, next: ask_recipient}
      ask_recipient: {collect: recipient, next: done}
      done: {end: utter_done}
"""
turn = turns(default_intent="inform", runner_up=("inform",))


def recipient(text: str, value: str) -> Entity:
    start = text.index(value)
    return Entity("recipient", value, value, start, start + len(value), "model", confidence=0.95)


def test_a_value_for_a_later_question_is_no_request(tmp_path):
    assistant = write_domain(tmp_path, {"domain.yml": DOMAIN, "flows/send.yml": FLOW})
    state = turn(assistant, start(), "send money", "send").state
    result = turn(assistant, state, "my landlord", "agent", 0.75, entities=[recipient("my landlord", "my landlord")])
    # the value acknowledged before the question again (customer trial, session 43)
    assert replies(result) == ["Got it, I've noted the recipient.", "How much?"] and result.state.frame.flow == "send"
    assert result.state.slots["recipient"] == "my landlord"
    assert [e.data["reason"] for e in result.events if e.name == "intent_ignored"] == ["answered_ahead"]
    result = turn(assistant, result.state, "50")
    assert replies(result) == ["Sent 50 to my landlord."]


def test_a_request_besides_the_value_keeps_its_intent(tmp_path):
    assistant = write_domain(tmp_path, {"domain.yml": DOMAIN, "flows/send.yml": FLOW})
    state = turn(assistant, start(), "send money", "send").state
    text = "this is too slow, get me a real person, it's for my landlord"
    result = turn(assistant, state, text, "agent", 0.95, entities=[recipient(text, "my landlord")])
    assert replies(result) == ["Connecting you to an agent."] and result.state.frame is None
