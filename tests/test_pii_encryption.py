"""Sealing `pii` slot values at rest (issue 9, finding 5) and masking the stored history
incrementally (finding 1), on a real redis-server."""
from __future__ import annotations

import base64
import json
import os
import stat

import pytest

from framework.masking import Masker
from framework.store import SessionStore, close_redis, open_redis
from framework.store.encryption import EncryptionKeyError, SlotCipher, key_file_keys, parse_keys, resolve_keys
from tests.support.redis_server import RedisServer

KEY = base64.urlsafe_b64encode(bytes(range(32))).decode()
OTHER_KEY = base64.urlsafe_b64encode(bytes(range(1, 33))).decode()


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    with RedisServer(tmp_path_factory.mktemp("redis")) as server:
        yield server.url


@pytest.fixture
async def client(redis_url):
    client = open_redis(redis_url)
    await client.flushdb()
    yield client
    await close_redis(client)


def sealed_store(client, keys=KEY, masker=None) -> SessionStore:
    return SessionStore(client, "telecom_zh", pii_slots=["name", "id_number"], cipher=SlotCipher(parse_keys(keys)),
                        masker=masker)


async def test_pii_slot_values_are_sealed_in_redis_and_opened_for_the_engine(client):
    store = sealed_store(client)
    state = {"sender_id": "u1", "slots": {"name": "张三", "id_number": "11010519491231002X", "plan": "59"},
             "pending_action": {"action": "submit", "slots": {"name": "张三", "plan": "59"}, "text": "59元"},
             "history": []}
    await store.put("u1", state)
    raw = (await client.get(store.key("u1"))).decode()
    assert "张三" not in raw and "11010519491231002X" not in raw
    stored = json.loads(raw)
    assert stored["slots"] == {"plan": "59"} and set(stored["sealed"]) == {"name", "id_number"}
    assert stored["sealed"]["name"].startswith("v1:")
    assert await store.get("u1") == state
    async with store.checkout("u1") as held:
        assert held.state == state


async def test_a_sealed_value_is_bound_to_its_conversation_and_slot(client):
    store = sealed_store(client)
    await store.put("u1", {"slots": {"name": "张三"}})
    stolen = await client.get(store.key("u1"))
    await client.set(store.key("u2"), stolen)  # copied into another conversation
    with pytest.raises(EncryptionKeyError) as err:
        await store.get("u2")
    assert str(err.value) == ("a stored value for 'df:telecom_zh:u2:name' failed authentication "
                              "(tampered with, or moved from another conversation)")


async def test_key_rotation_and_a_missing_key(client):
    await sealed_store(client, OTHER_KEY).put("u1", {"slots": {"name": "张三"}})
    rotated = sealed_store(client, f"{KEY},{OTHER_KEY}")  # new key first, old one kept to open
    assert (await rotated.get("u1"))["slots"] == {"name": "张三"}
    with pytest.raises(EncryptionKeyError, match=r"sealed with key '[0-9a-f]{8}', which is not configured"):
        await sealed_store(client, KEY).get("u1")


def test_malformed_keys_say_how_to_make_one():
    with pytest.raises(EncryptionKeyError) as err:
        parse_keys("not-a-key")
    assert str(err.value) == (
        "an encryption key is 32 random bytes in base64 (make one with: python -c \"import os, base64; "
        "print(base64.urlsafe_b64encode(os.urandom(32)).decode())\")")


def test_the_embedded_default_generates_an_owner_only_key_file_and_keeps_it(tmp_path):
    path = tmp_path / "var" / "encryption.key"
    first = resolve_keys(None, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) & 0o077 == 0
    assert key_file_keys(path) == first and len(first[0]) == 32  # kept, not regenerated
    assert resolve_keys(KEY, path) == parse_keys(KEY)  # the environment wins
    os.chmod(path, 0o644)
    with pytest.raises(EncryptionKeyError) as err:
        key_file_keys(path)
    assert str(err.value) == (f"{path}: the encryption key file is readable by others (mode 644); "
                              f"run: chmod 600 {path}")


class CountingMasker(Masker):
    """A real Masker that remembers every text it was asked to mask."""

    def __init__(self) -> None:
        super().__init__()
        object.__setattr__(self, "seen", [])

    def mask(self, text: str) -> str:
        self.seen.append(text)
        return super().mask(text)


def turn(i: int, text: str) -> dict:
    return {"time": float(i), "text": text, "replies": [f"reply {i}"], "slot_changes": {}}


async def test_only_new_history_entries_are_masked_on_each_turn(client):
    masker = CountingMasker()
    store = SessionStore(client, "a", history_limit=50, masker=masker, pii_slots=["name"])
    history = [turn(i, f"第{i}句 13812345678") for i in range(50)]
    await store.put("u1", {"slots": {}, "history": history})
    for n in range(50, 53):  # three more turns, each through checkout as the server does
        async with store.checkout("u1") as held:
            masker.seen.clear()
            state = held.state
            state["history"] = state["history"][1:] + [turn(n, f"第{n}句 13912345678")]
            await store.put("u1", state, lock=held, release=True)
        assert sorted(masker.seen) == sorted([f"第{n}句 13912345678", f"reply {n}"])  # the new turn only
    saved = (await store.get("u1"))["history"]
    assert len(saved) == 50 and all("138****5678" in h["text"] or "139****5678" in h["text"] for h in saved)


async def test_a_new_pii_value_is_masked_in_the_earlier_history_too(client):
    store = SessionStore(client, "a", masker=Masker(), pii_slots=["name"])
    await store.put("u1", {"slots": {}, "history": [turn(0, "我是张三丰")]})
    async with store.checkout("u1") as held:
        state = held.state
        state["slots"] = {"name": "张三丰"}  # the name slot gets filled two turns later
        state["history"] = state["history"] + [turn(1, "对，张三丰")]
        await store.put("u1", state, lock=held, release=True)
    assert [h["text"] for h in (await store.get("u1"))["history"]] == ["我是张**", "对，张**"]


def test_serve_refuses_to_start_with_a_key_file_others_may_read(tmp_path):
    from types import SimpleNamespace

    from framework.server.command import key_problem
    from framework.server.config import ServerConfig

    path = tmp_path / "encryption.key"
    path.write_text(KEY + "\n")
    os.chmod(path, 0o640)
    assistant = SimpleNamespace(slots={"name": SimpleNamespace(pii=True)})
    config = ServerConfig(domain_dir="d", encryption_key=None, encryption_key_file=str(path))
    assert key_problem(config, assistant) == (f"encryption key: {path}: the encryption key file is readable by "
                                              f"others (mode 640); run: chmod 600 {path}")
    os.chmod(path, 0o600)
    assert key_problem(config, assistant) is None
    assert key_problem(ServerConfig(domain_dir="d", encryption_key="short"), assistant).startswith(
        "encryption key: an encryption key is 32 random bytes in base64")
