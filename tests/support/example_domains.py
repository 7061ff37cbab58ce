"""The example domains as module-scoped fixtures, and an Agent over a lookup-table classifier, for the
customer-trial tests (import the fixtures: `from tests.support.example_domains import banking, telecom  #
noqa: F401 (fixtures)`)."""
from __future__ import annotations

import pytest

from framework.spec import load_assistant
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def banking():
    return load_assistant(ROOT / "domains" / "banking_en", environ={})


@pytest.fixture(scope="module")
def telecom():
    return load_assistant(ROOT / "domains" / "telecom_zh", environ={})


def table_agent(assistant, table):
    """An Agent over a lookup-table classifier (tests only): text -> intent or (intent, confidence)."""
    from framework.agent import Agent, classifier_parser
    from tests.support.fake_classifier import FakeClassifier

    return Agent(assistant, classifier_parser(FakeClassifier(table, assistant.intents), assistant))
