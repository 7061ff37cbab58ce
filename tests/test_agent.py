"""The Agent edge loop and the classifier-backed parser."""
from __future__ import annotations

import dataclasses
import threading

from framework.agent import Agent, classifier_parser, with_model_threshold
from framework.engine import ActionResult
from tests.support.fake_classifier import FakeClassifier
from tests.support.bank_domain import ID, bank


def auto_threshold():
    assistant = bank()
    return dataclasses.replace(assistant, settings=dataclasses.replace(assistant.settings, fallback_threshold=None))


async def test_model_threshold_replaces_auto():
    assistant = auto_threshold()
    table = {"开户吧": ("开户", 0.4)}
    lenient = Agent(assistant, classifier_parser(FakeClassifier(table, assistant.intents, threshold=0.3), assistant))
    assert lenient.assistant.settings.fallback_threshold == 0.3
    turn = await lenient.handle(None, "u", "开户吧", now=100.0)
    assert [r.text for r in turn.replies] == ["请问您的姓名？"]
    default = Agent(assistant, classifier_parser(FakeClassifier(table, assistant.intents), assistant))
    turn = await default.handle(None, "u", "开户吧", now=100.0)  # no model threshold: 0.5
    assert [r.text for r in turn.replies] == ["抱歉，我没有听懂。"]
    # an explicit domain threshold wins over the model's
    assert with_model_threshold(bank(), 0.1).settings.fallback_threshold == 0.6


async def test_parser_runs_predict_in_a_thread_and_extracts_entities():
    assistant = bank()
    threads = []

    class Recording(FakeClassifier):
        def predict(self, texts):
            threads.append(threading.current_thread())
            return super().predict(texts)

    parse = classifier_parser(Recording({"我想开户": "开户"}, assistant.intents, model_id="m1"), assistant)
    result = await parse(f"我想开户 {ID}")
    assert threads and threads[0] is not threading.main_thread()
    assert result.model == "m1" and [(e.entity, e.value) for e in result.entities] == [("id_number", ID)]


async def test_a_raising_executor_never_reaches_the_caller():
    async def executor(call):
        raise ConnectionError("down")

    assistant = bank()
    agent = Agent(assistant, classifier_parser(FakeClassifier({"查余额": "查余额"}, assistant.intents), assistant), executor)
    turn = await agent.handle(None, "u", "查余额", now=100.0)
    assert [r.text for r in turn.replies] == ["抱歉，我没有听懂。"]  # no on_failure: fallback, END
    assert "action_failed" in [e.name for e in turn.events] and turn.state.stack == ()


async def test_without_executor_actions_fail_softly():
    assistant = bank()
    agent = Agent(assistant, classifier_parser(FakeClassifier({"查余额": "查余额"}, assistant.intents), assistant))
    turn = await agent.handle(None, "u", "查余额")
    assert turn.state.pending_action is None and turn.state.turn_count == 1


async def test_actions_chain_within_one_turn():
    assistant = bank()
    calls = []

    async def executor(call):
        calls.append(call.action)
        return ActionResult(True, {"balance": 3})

    agent = Agent(assistant, classifier_parser(FakeClassifier({"查余额": "查余额"}, assistant.intents), assistant), executor)
    turn = await agent.handle(None, "u", "查余额", now=100.0)
    assert calls == ["lookup_balance"]
    assert [r.text for r in turn.replies] == ["您的余额是 3 元。", "余额不足 10 元，请及时充值。"]
