"""The answer cache never keys an entry by a message that names someone: its key is an
unsalted SHA-1 of the normalised message, so a cached "my number is 13812345678" could be
recovered from Redis by hashing every phone number. A message in which the masker finds a
phone, ID or card number or an email is neither stored nor looked up (a GET's key shows in
Redis's MONITOR and SLOWLOG). Real Redis."""
from __future__ import annotations

import uuid

import pytest
import redis.asyncio as redis

from framework.server.answer_cache import AnswerCache, names_someone
from tests.support.serving import redis_server  # noqa: F401 (fixture)

REPLIES = [{"text": "您好，请问有什么可以帮您？"}]
PERSONAL = [
    "我的手机号是13812345678",
    "我的手机号是 138 1234 5678",
    "幺三八，一二三四，五六七八",
    "my number is one three eight one two three four five six seven eight",
    "身份证110105194912310021",
    "卡号6222 0212 3456 7890 123",
    "１３８１２３４５６７８",  # full-width: the key's NFKC makes it plain digits
    "write to Zhang.San@example.com",
]


@pytest.fixture
async def cache(redis_server):  # noqa: F811
    client = redis.Redis.from_url(redis_server.url)
    prefix = f"df:pii{uuid.uuid4().hex}"  # not id(client): ids repeat once a client is freed
    yield AnswerCache(client, prefix, ttl=60), client, prefix
    await client.aclose()


@pytest.mark.parametrize("text", PERSONAL)
async def test_a_message_naming_someone_is_never_stored(cache, text):
    answers, client, prefix = cache
    assert names_someone(text)
    await answers.put("model-a", "rest", text, REPLIES)
    assert await client.keys(f"{prefix}:*") == []


@pytest.mark.parametrize("text", PERSONAL[:3])
async def test_nor_looked_up(cache, text):
    """An entry under the message's key (say, written by an older version) is not read."""
    answers, client, _ = cache
    await client.set(answers.key("model-a", "rest", text), '[{"text": "stale"}]')
    assert await answers.get("model-a", "rest", text) is None


@pytest.mark.parametrize("text", ["你好", "what are your opening hours?", "转账1000元要多久", "第一步怎么做",
                                  "我的订单 2024010112 到哪了"])
async def test_a_question_naming_no_one_is_cached_as_before(cache, text):
    answers, client, prefix = cache
    assert not names_someone(text)
    await answers.put("model-a", "rest", text, REPLIES)
    assert await answers.get("model-a", "rest", text) == REPLIES
    assert len(await client.keys(f"{prefix}:answers:*")) == 1
