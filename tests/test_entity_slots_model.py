"""Slots from a real (tiny) joint intent + entity model, through the Agent: the contract
between framework.nlu's entity head (extractor "model", roles, confidence, the model's
entity_threshold) and the engine's slot filling. The domain's own examples carry no
annotations, so no context template can fill a slot: what is filled, the model found."""
from __future__ import annotations

import datetime as dt

import pytest

from framework.engine.state import SessionState
from tests.support.tiny_model import train_tiny_model
from tests.test_entity_slots import write_domain

CITIES = ["London", "Tokyo", "Paris", "Berlin", "Madrid", "Rome"]
NOW = dt.datetime(2026, 12, 2, 10, 0).timestamp()

DOMAIN = """\
version: "1"
language: en
flows: [flows]
intents:
  book: {examples: [book a flight, I need a flight]}
  greet: {examples: [hello there, hi]}
slots:
  from_city: {type: text, mappings: [{entity: city, role: from}]}
  to_city: {type: text, label: destination, mappings: [{entity: city, role: to}]}
responses:
  utter_greet: [{text: Hello!}]
  utter_ask_from_city: [{text: Where from?}]
  utter_ask_to_city: [{text: Where to?}]
  utter_done: [{text: "From {from_city} to {to_city}."}]
global:
  greet: {intent: greet, response: utter_greet}
"""
FLOWS = """\
flows:
  book:
    trigger: book
    states:
      ask_from: {collect: from_city, next: ask_to}
      ask_to: {collect: to_city, next: done}
      done: {end: utter_done}
"""


def _examples():
    ex = []
    for i, a in enumerate(CITIES):
        b = CITIES[(i + 2) % len(CITIES)]
        ex.append((f'fly from [{a}]{{"entity": "city", "role": "from"}} to [{b}]{{"entity": "city", "role": "to"}}',
                   "book"))
        ex.append((f'I want to go to [{b}]{{"entity": "city", "role": "to"}}', "book"))
    ex += [("book a flight", "book"), ("I need a flight", "book"), ("hello there", "greet"), ("hi", "greet"),
           ("good morning", "greet")]
    return ex


@pytest.fixture(scope="module")
def travel(tmp_path_factory):
    root = tmp_path_factory.mktemp("travel")
    return write_domain(root, {"domain.yml": DOMAIN, "flows/book.yml": FLOWS})


@pytest.fixture(scope="module")
def classifier(travel, tmp_path_factory):
    from framework.nlu.model import load_classifier

    out = train_tiny_model(_examples(), tmp_path_factory.mktemp("joint") / "m",
                           intent_fingerprint=travel.intent_fingerprint, annotated=True)
    return load_classifier(out, threads=1)


async def test_the_trained_model_fills_two_slots_by_role(travel, classifier):
    from framework.agent import Agent, classifier_parser

    assert travel.intents["book"].examples[0].entities == ()  # nothing for context templates
    agent = Agent(travel, classifier_parser(classifier, travel))
    assert agent.assistant.settings.entity_threshold == classifier.entity_threshold  # `auto`
    turn = await agent.handle(SessionState.new("u", NOW), "u", "fly from Berlin to London", now=NOW)
    learnt = [(e.text, e.role) for e in turn.nlu.entities if e.extractor == "model"]
    assert learnt == [("Berlin", "from"), ("London", "to")]
    assert [r.text for r in turn.replies] == ["From Berlin to London."]


async def test_values_below_the_entity_threshold_are_asked_about_one_by_one(travel, classifier):
    import dataclasses

    from framework.agent import Agent, classifier_parser

    strict = dataclasses.replace(travel, settings=dataclasses.replace(travel.settings, entity_threshold=1.0))
    agent = Agent(strict, classifier_parser(classifier, strict))
    turn = await agent.handle(SessionState.new("u", NOW), "u", "fly from Berlin to London", now=NOW)
    assert turn.state.slots.get("from_city") is None and turn.state.slots.get("to_city") is None
    assert [r.text for r in turn.replies] == ["Did you mean Berlin as your from city?"]
    turn = await agent.handle(turn.state, "u", "yes", now=NOW + 1)
    assert [r.text for r in turn.replies] == ["Did you mean London as your destination?"]
    turn = await agent.handle(turn.state, "u", "no", now=NOW + 2)
    assert [r.text for r in turn.replies] == ["Where to?"]
    turn = await agent.handle(turn.state, "u", "I want to go to Rome", now=NOW + 3)
    assert [r.text for r in turn.replies] == ["Did you mean Rome as your destination?"]  # still a learnt guess
    turn = await agent.handle(turn.state, "u", "yes", now=NOW + 4)
    assert [r.text for r in turn.replies] == ["From Berlin to Rome."]
