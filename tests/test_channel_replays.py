"""The shared replay suite, run against every channel through the real server
(framework.channels.replays): a signed request received a second time, as it was, is a
replay: 403 `replayed`, no turn, nothing written; the platform's retry of a message (the
same message id, signed anew) is not: the platform's usual answer, and no second turn.

Channels that sign no nonce or timestamp cannot tell the two apart; the reason is given
where they are skipped."""
from __future__ import annotations

import pytest

from framework.channels.replays import DETAIL
from tests.support.platforms import CHANNELS, platform_bases
from tests.support.platforms import telegram_api  # noqa: F401 (fixture)
from tests.support.serving import backend_port, classifier, domain, make_client, redis_server  # noqa: F401 (fixtures)
from tests.support.wechat_serving import store_keys

WHY_NOT = {
    "Rest": "the REST channel has no signature (it sits behind the customer's gateway)",
    "Telegram": "Telegram's secret header is the same on every request: its update_id is the only guard",
}


@pytest.fixture(params=CHANNELS, ids=lambda c: type(c).__name__)
async def signed_channel(request, make_client, telegram_api):
    channel = request.param
    if type(channel).__name__ in WHY_NOT:
        pytest.skip(WHY_NOT[type(channel).__name__])
    if hasattr(channel, "bind"):  # its requests name the fake's URL (DingTalk's sessionWebhook)
        channel.bind(telegram_api[0])
    client = await make_client(**platform_bases(telegram_api[0]), **channel.config)
    return channel, client, telegram_api[1]


async def turns(client, channel: str) -> int:
    for line in (await (await client.get("/metrics")).text()).splitlines():
        if line.startswith(f'df_turns_total{{channel="{channel}"}}'):
            return int(float(line.split()[-1]))
    return 0


def name(channel) -> str:
    return channel.path.split("/")[2]


async def test_an_exact_replay_is_refused_and_leaves_no_trace(signed_channel, redis_server):
    channel, client, sent = signed_channel
    request = channel.request("user-1", "我想办理一张新卡")
    first = await client.post(channel.path, **request)
    assert first.status == 200 and await channel.replies(first, sent) == ["请问您的姓名是？"]
    before = await store_keys(redis_server.url)
    again = await client.post(channel.path, **request)
    assert again.status == 403
    assert await again.json() == {"error": "replayed", "detail": DETAIL}
    assert await store_keys(redis_server.url) == before and not sent
    assert await turns(client, name(channel)) == 1


async def test_a_platform_retry_is_answered_without_a_second_turn(signed_channel, redis_server):
    channel, client, sent = signed_channel
    first, retry = channel.retry("user-1", "我想办理一张新卡")
    resp = await client.post(channel.path, **first)
    assert resp.status == 200 and await channel.replies(resp, sent) == ["请问您的姓名是？"]
    state = [k for k in await store_keys(redis_server.url) if k.endswith(":state")]
    again = await client.post(channel.path, **retry)  # the same message id, a new nonce / timestamp
    assert again.status == 200 and await again.text() == channel.ignored and not sent
    assert [k for k in await store_keys(redis_server.url) if k.endswith(":state")] == state
    assert await turns(client, name(channel)) == 1
    # The retry was signed anew, so it is now a request seen before: its own replay is refused
    # (Slack's retries carry X-Slack-Retry-Num and are answered 200 before anything is read or
    # written, so a replayed retry gets that 200 again, still with no turn and no trace).
    replayed = await client.post(channel.path, **retry)
    assert replayed.status == (200 if getattr(channel, "retries_answered_early", False) else 403)
    assert await turns(client, name(channel)) == 1
