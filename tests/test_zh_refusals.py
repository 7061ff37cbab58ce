"""telecom_zh's business refusals through the real demo backend (domains/telecom_zh/backend.py):
409 (一证五号: the ID already holds five numbers) and 404 (换套餐 for an ID without an account)
are the customer's situation, not a system failure; the flow says which (on_status).

The domain's own conversation tests (domains/telecom_zh/tests/business.yml) are played here
with the test FakeClassifier instead of the trained model, so they run in a second: the fake
knows every training example of the domain (a model that has learnt its data by heart) and
the `intent:` each test expects. tests/test_convtest_examples.py plays the same files against
the trained model.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from framework.agent import classifier_parser
from framework.convtest.cases import read_tests
from framework.convtest.report import format_failure
from framework.convtest.runner import run_tests
from framework.spec import load_assistant
from tests.support.fake_classifier import FakeClassifier

ROOT = Path(__file__).resolve().parent.parent
TELECOM = ROOT / "domains" / "telecom_zh"
FILE = TELECOM / "tests" / "business.yml"


def _examples_by_heart(assistant, tests) -> FakeClassifier:
    table = {example.text: name for name, intent in assistant.intents.items() for example in intent.examples}
    table.update({step.user: e.value for t in tests for step in t.steps for e in step.expectations
                  if e.what == "intent"})
    return FakeClassifier(table, assistant.intents, threshold=0.5)


def _tests():
    assistant = load_assistant(TELECOM)
    tests, problems = read_tests(TELECOM, assistant, [FILE])
    assert not problems, "\n".join(p.format() for p in problems)
    return assistant, tests


ASSISTANT, TESTS = _tests()
PARSE = classifier_parser(_examples_by_heart(ASSISTANT, TESTS), ASSISTANT)


@pytest.mark.parametrize("test", TESTS, ids=[t.name for t in TESTS])
async def test_business_conversation(test):
    (outcome,) = await run_tests(ASSISTANT, PARSE, [test], TELECOM)
    assert outcome.passed, format_failure(outcome)


def test_each_refusal_has_its_own_conversation_test():
    """409 and 404 of the demo backend each reach their state in some test (not a failure)."""
    states = {e.value for t in TESTS for step in t.steps for e in step.expectations if e.what == "state"}
    assert {"offer_agent", "no_account"} <= states
