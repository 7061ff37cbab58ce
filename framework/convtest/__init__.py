"""Conversation tests: YAML files `domains/<name>/tests/*.yml` of user turns and what must follow.

    cases.py     reading the files (positions kept, every problem reported like domain errors)
    fixtures.py  webhook answers declared in a test, served by a real local aiohttp server
    runner.py    playing a test through the Agent (the code path of `dialog shell`) and checking it
    report.py    failures as readable diffs with file:line; JUnit XML for CI
    command.py   `dialog test DOMAIN [--model DIR] [--junit FILE]`

Nothing here imports torch; `command.py` loads the model only when the tests are run.
"""
from framework.convtest.cases import ConversationTest, Expectation, Step, read_tests
from framework.convtest.runner import TestOutcome, run_tests

__all__ = ["ConversationTest", "Expectation", "Step", "TestOutcome", "read_tests", "run_tests"]
