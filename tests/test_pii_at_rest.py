"""No personal data at rest or in the log (issue 9, findings 5 and 7), through the real
served stack: domains/telecom_zh behind the aiohttp app, its demo backend, the embedded
redis-server persisting to disk, and the test FakeClassifier in place of the model.

A full 办理 conversation is held (the name, the ID number, the plan, the confirmation and
the webhook), with a phone, a card failing Luhn and an e-mail said in the forms the slot
types accept. Then the log, every Redis key and value, and the Redis files on disk (the
append-only file as written, then after BGREWRITEAOF and BGSAVE) are scanned.
"""
from __future__ import annotations

import logging
import re
import time
from pathlib import Path

import pytest
import redis as redis_sync
from aiohttp.test_utils import TestClient, TestServer

from framework.server import keys
from framework.text_scan import fold_forms
from tests.support.fake_classifier import FakeClassifier
from tests.support.redis_server import free_port

ROOT = Path(__file__).resolve().parent.parent
TABLE = {"我想办理业务": "办理", "开户": "办理", "是的": "肯定"}  # the fake model's answers
NAME, ID = "欧阳娜娜", "11010519491231002X"
PHONE, CARD, EMAIL = "13945678901", "6222021234567890", "wang.xiaoming@example.com"
FREE_TEXT = [  # each value in a form a slot type accepts (or a log reader would recognise)
    "我叫欧阳娜娜",  # a name outside any flow: set and erased in the same turn
    "我的电话是139　4567　8901，也可以打1394 567 8901",
    "备用号码１３９４５６７８９０１",
    "卡号6222 0212 3456 7890，邮箱wang.xiaoming＠example.com",
    "身份证 110105 19491231 002X",
]
FORGED = "scan\n2026-12-01 00:00:00,000 1 INFO framework.server: forged line"


def digits_only(text: str) -> str:
    return re.sub(r"[^0-9Xx@.a-z]", "", fold_forms(text))


def leaks(text: str) -> list[str]:
    """The raw values found in `text`, in any of their forms."""
    found = [v for v in (NAME, ID, PHONE, CARD, EMAIL) if v in text]
    squeezed = digits_only(text)
    found += [v for v in (ID, PHONE, CARD, EMAIL) if v in squeezed and v not in found]
    return found


async def say(client: TestClient, sender: str, text: str) -> list[str]:
    resp = await client.post("/webhooks/rest/webhook", json={"sender": sender, "message": text})
    assert resp.status == 200, await resp.text()
    return [r["text"] for r in await resp.json()]


@pytest.fixture
async def served(tmp_path, monkeypatch):
    """The telecom assistant served with the embedded Redis under tmp_path (its key file
    beside it), the log of every record written to a file."""
    from framework.server.app import init
    from framework.server.config import ServerConfig
    from framework.spec import load_assistant

    monkeypatch.delenv("DF_ENCRYPTION_KEY", raising=False)
    directory = ROOT / "domains" / "telecom_zh"
    port = free_port()
    assistant = load_assistant(directory, {"TELECOM_BACKEND_URL": f"http://127.0.0.1:{port}"})
    classifier = FakeClassifier(TABLE, assistant.intents, threshold=0.5)
    config = ServerConfig(domain_dir=str(directory), redis_url=None, redis_dir=str(tmp_path / "var" / "redis"),
                          assistant=assistant, classifier=classifier, demo_backend=True, demo_backend_port=port,
                          wechat_token=None, telegram_bot_token=None, telegram_secret=None,
                          slack_signing_secret=None, slack_bot_token=None, cache_enabled=False)
    log_path = tmp_path / "server.log"
    handler = logging.FileHandler(log_path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    client = TestClient(TestServer(init(config)))
    await client.start_server()
    try:
        yield client, tmp_path, log_path
    finally:
        await client.close()
        root.removeHandler(handler)
        root.setLevel(level)
        handler.close()


def as_text(value) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, dict):
        return " ".join(f"{as_text(k)}={as_text(v)}" for k, v in value.items())
    if isinstance(value, (list, set, tuple)):
        return " ".join(as_text(v) for v in value)
    return str(value)


def redis_dump(url: str) -> str:
    """Every key and every value of every type, as text."""
    r = redis_sync.Redis.from_url(url)
    read = {"string": r.get, "list": lambda k: r.lrange(k, 0, -1), "hash": r.hgetall, "set": r.smembers,
            "zset": lambda k: r.zrange(k, 0, -1, withscores=True)}
    return "\n".join(f"{as_text(key)} {as_text(read[r.type(key).decode()](key))}" for key in r.scan_iter(count=1000))


def wait_until(condition, what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout} s")
        time.sleep(0.05)


def files_text(directory: Path) -> dict[str, str]:
    return {str(p.relative_to(directory)): p.read_bytes().decode("utf-8", "replace")
            for p in sorted(directory.rglob("*")) if p.is_file()}


async def test_a_full_business_conversation_leaves_no_personal_data_at_rest(served):
    client, tmp_path, log_path = served
    for text in FREE_TEXT:  # said before the flow: fallback turns, logged and stored
        await say(client, "scan", text)
    assert await say(client, "scan", "我想办理业务")
    await say(client, "scan", "开户")
    await say(client, "scan", NAME)
    await say(client, "scan", ID)
    confirm = await say(client, "scan", "59元")
    assert NAME in confirm[-1] and ID[-4:] in confirm[-1]  # the user sees the real values (the ID masked in the middle) ...
    done = await say(client, "scan", "是的")
    assert "开户成功" in done[-1], done
    await say(client, FORGED, "你好")

    pool = client.server.app[keys.REDIS].connection_pool
    url = f"redis://{pool.connection_kwargs['host']}:{pool.connection_kwargs['port']}/0"
    redis_dir = tmp_path / "var" / "redis"
    r = redis_sync.Redis.from_url(url)
    # ... but not the log, Redis, or Redis's files: first the AOF as written (every command
    # since the start, every state version), then rewritten and snapshotted, uncompressed.
    r.execute_command("CONFIG", "SET", "appendfsync", "always")
    r.set("scan:flush", "1")
    aof = {name: text for name, text in files_text(redis_dir).items() if "appendonly" in name}
    assert aof and any("df:telecom_zh" in text for text in aof.values())
    r.execute_command("CONFIG", "SET", "rdbcompression", "no")
    r.bgrewriteaof()
    wait_until(lambda: r.info("persistence")["aof_rewrite_in_progress"] == 0
               and r.info("persistence")["aof_rewrite_scheduled"] == 0, "BGREWRITEAOF")
    saves = r.info("persistence")["rdb_changes_since_last_save"]
    r.bgsave()
    wait_until(lambda: r.info("persistence")["rdb_bgsave_in_progress"] == 0
               and (saves == 0 or r.info("persistence")["rdb_changes_since_last_save"] == 0), "BGSAVE")
    on_disk = files_text(redis_dir)
    assert "dump.rdb" in on_disk and "df:telecom_zh" in on_disk["dump.rdb"]

    log = log_path.read_text(encoding="utf-8")
    assert "turn sender=scan" in log and "channel=rest" in log  # the turns were logged ...
    scanned = {"log": log, "redis keys and values": redis_dump(url),
               **{f"AOF as written: {k}": v for k, v in aof.items()},
               **{f"on disk: {k}": v for k, v in on_disk.items()}}
    found = {where: leaks(text) for where, text in scanned.items() if leaks(text)}
    assert found == {}
    # ... and the state still opens: the sealed values are there for the next turn
    state = await client.server.app[keys.STORE].get("scan")
    assert state is not None and state["history"]
    # a sender with a newline and a fake log prefix forged no line (finding 7)
    assert not any(line.startswith("2026-12-01 00:00:00,000 1 INFO framework.server: forged") for line in
                   log.splitlines())
    assert r"turn sender=scan\n2026-12-01 00:00:00,000 1 INFO framework.server: forged line" in log


def test_a_long_message_is_cut_in_its_log_line_without_half_a_number():
    from framework.server.conversation import LOGGED_TEXT, logged_text

    assert logged_text("你好") == "你好"
    text = "x" * (LOGGED_TEXT - 5) + "13945678901" + "y" * 300_000
    assert logged_text(text) == "x" * (LOGGED_TEXT - 5) + "…(+300011 characters)"
