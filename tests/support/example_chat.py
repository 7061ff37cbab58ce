"""Talking to the example assistants (domains/telecom_zh, domains/banking_en) with their
demo backends, through the Agent and the test FakeClassifier: the world of the
tests/test_conversation_*.py modules.

    async with example("telecom_zh") as world:
        chat = world.chat({"我想办理业务": "办理"})
        await chat.say("我想办理业务")

`chat.at(state)` starts another conversation from a saved state (to try many messages at
the same confirmation). The demo backend listens on a free loopback port.
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from framework.actions import ActionExecutor
from framework.actions.demo_backend import start_demo_backend
from framework.agent import Agent, classifier_parser
from framework.engine import SessionState
from framework.spec import load_assistant
from tests.support.fake_classifier import FakeClassifier
from tests.support.redis_server import free_port

ROOT = Path(__file__).resolve().parent.parent.parent
BACKEND_ENV = {"telecom_zh": "TELECOM_BACKEND_URL", "banking_en": "BANKING_BACKEND_URL"}
THRESHOLD = 0.5  # the fake model's "validated" threshold (the domains say `auto`)
ID = "11010519491231002X"  # a valid Chinese ID number
OTHER_ID = "110101199003077774"


class Chat:
    """One user; the clock moves one second per message."""

    def __init__(self, agent: Agent, state: SessionState | None = None, sender: str = "u1"):
        self.agent, self.state, self.sender = agent, state, sender
        self.now = 1_700_000_000.0 + (state.turn_count if state else 0)
        self.turn = None

    async def say(self, text: str) -> list[str]:
        self.now += 1
        self.turn = await self.agent.handle(self.state, self.sender, text, now=self.now)
        self.state = self.turn.state
        return [r.text for r in self.turn.replies]

    def at(self, state: SessionState) -> "Chat":
        return Chat(self.agent, state, self.sender)

    @property
    def events(self) -> list[str]:
        return [e.name for e in self.turn.events]

    @property
    def waiting(self) -> str | None:
        return self.state.frame.waiting_for if self.state.frame else None


@dataclass
class World:
    assistant: Any
    executor: Any
    backend_url: str

    def chat(self, table: Mapping[str, Any], default: tuple[str, float] | None = None) -> Chat:
        classifier = FakeClassifier(table, self.assistant.intents, threshold=THRESHOLD, default=default)
        return Chat(Agent(self.assistant, classifier_parser(classifier, self.assistant), self.executor))


@contextlib.asynccontextmanager
async def example(domain: str):
    directory = ROOT / "domains" / domain
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    assistant = load_assistant(directory, {BACKEND_ENV[domain]: url})
    runner = await start_demo_backend(directory, port=port)
    try:
        async with ActionExecutor(assistant) as executor:
            yield World(assistant, executor, url)
    finally:
        await runner.cleanup()


# The way to each domain's confirmation, and what its intents are called.
TELECOM_TABLE = {"我想办理业务": "办理", "我要投诉": "投诉", "查一下话费余额": "查询", "取消": "取消",
                 "这个套餐不错": "咨询"}
BANKING_TABLE = {"I want to activate my card": "activate_card", "I lost my card": "lost_card",
                 "what's my balance": "check_balance", "cancel": "cancel"}


async def telecom_confirm(chat: Chat) -> list[str]:
    """Through the business flow (开户, 张三, ID, 59元) to its confirmation."""
    await chat.say("我想办理业务")
    await chat.say("开户")
    await chat.say("张三")
    await chat.say(ID)
    return await chat.say("59元")


async def banking_confirm(chat: Chat) -> list[str]:
    """Through activate_card (4821, John Smith) to its confirmation."""
    await chat.say("I want to activate my card")
    await chat.say("it ends in 4821")
    return await chat.say("John Smith")


def non_answers(language: str) -> dict[str, list[str]]:
    """tests/data/confirm_non_answers_<language>.txt by category."""
    groups: dict[str, list[str]] = {}
    current = None
    for line in (ROOT / "tests" / "data" / f"confirm_non_answers_{language}.txt").read_text("utf-8").splitlines():
        if line.startswith("## "):
            current = groups.setdefault(line[3:].strip(), [])
        elif line.strip() and not line.startswith("#"):
            current.append(line.strip())
    return groups
