"""A small English domain whose responses use everything Rasa's responses can hold: text in
paragraphs, buttons, an image, a custom JSON object, an attachment. The socket.io, rich
channel and rasa-webchat browser tests share it; button payloads are `/intent` commands, so
the flow through the buttons needs no model (the fake classifier knows "hi" and "card").
"""
from __future__ import annotations

from pathlib import Path

import pytest

DOMAIN = """\
version: "1"
language: en
flows: [flows.yml]
settings: {fallback_threshold: 0.4}
intents:
  greet: {examples: [hi, hello, good morning]}
  show_card: {examples: [show me my card, card]}
  statement: {examples: [my statement, statement please]}
responses:
  utter_greet:
    - text: "Hello!\\n\\nWhat would you like to see?"
      buttons:
        - {title: My card, payload: /show_card}
        - {title: My statement, payload: /statement}
  utter_card:
    - text: "Here is your card:"
      image: "https://example.com/cards/blue.png"
      custom: {blocks: [{type: divider}]}
  utter_statement:
    - text: "Your statement:"
      attachment: "https://example.com/statements/2026-11.pdf"
  utter_fallback: [{text: "Sorry, I did not get that."}]
global:
  fallback: {response: utter_fallback}
  greet: {intent: greet, response: utter_greet}
"""

FLOWS = """\
flows:
  card:
    trigger: show_card
    states:
      show: {say: utter_card, next: END}
  statement:
    trigger: statement
    states:
      show: {say: utter_statement, next: END}
"""

TABLE = {"hi": "greet", "card": "show_card"}  # for tests.support.fake_classifier.FakeClassifier
CARD_IMAGE = "https://example.com/cards/blue.png"
STATEMENT = "https://example.com/statements/2026-11.pdf"


def write_rich_domain(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "domain.yml").write_text(DOMAIN, encoding="utf-8")
    (directory / "flows.yml").write_text(FLOWS, encoding="utf-8")
    return directory


@pytest.fixture(scope="module")
def rich(tmp_path_factory):
    """(directory, assistant) of the rich domain, written once per test module."""
    from framework.spec import load_assistant

    directory = write_rich_domain(tmp_path_factory.mktemp("rich") / "rich_en")
    return directory, load_assistant(directory)
