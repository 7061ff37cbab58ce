"""Encryption at rest for the values of a domain's `pii` slots (names, ID numbers, phones).

Redis keeps every version of a state in its append-only file and snapshots, long after the
key is overwritten or expired, so personal values must never reach it in clear text. The
store seals each `pii` slot value with AES-256-GCM before the write and opens it after the
read; the rest of the state (flow, stack, masked history) stays readable JSON.

Why AES-GCM (from `cryptography`) rather than Fernet: both are authenticated, but GCM takes
associated data, and each value is bound to its conversation and slot name: a value copied
into another conversation's state, or from the phone slot into the name slot, fails to
open instead of being believed. A token is 12 bytes of random nonce + ciphertext + 16 bytes
of tag, base64 (Fernet adds a version byte, a timestamp and a 32-byte HMAC per value).

Keys: `DF_ENCRYPTION_KEY` holds one or more comma-separated base64 keys of 32 bytes; the
first seals, all open (rotation: put the new key first, keep the old one until every
session has been written again or has expired). Without it, `key_file_keys()` generates a
key once in a file only its owner may read (`var/encryption.key` by default) and keeps it.
A token names its key by an 8-hex-digit id, so a wrong key is a clear error, not garbage.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import stat
import time
from pathlib import Path
from typing import Any, Sequence

TOKEN_VERSION = "v1"


class EncryptionKeyError(Exception):
    """No usable key: malformed, unreadable, too widely readable, or not the one used."""


def _decode_key(text: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(text.strip() + "=" * (-len(text.strip()) % 4))
    except (ValueError, TypeError):
        key = b""
    if len(key) != 32:
        raise EncryptionKeyError("an encryption key is 32 random bytes in base64 "
                                 "(make one with: python -c \"import os, base64; "
                                 "print(base64.urlsafe_b64encode(os.urandom(32)).decode())\")")
    return key


def parse_keys(value: str) -> list[bytes]:
    """`DF_ENCRYPTION_KEY`: comma-separated base64 keys, the first one current."""
    keys = [_decode_key(part) for part in value.split(",") if part.strip()]
    if not keys:
        raise EncryptionKeyError("DF_ENCRYPTION_KEY is empty")
    return keys


def key_file_keys(path: str | Path) -> list[bytes]:
    """The key kept in `path`, generated there (mode 0600, its folder 0700) on first use.
    A key file that group or others may read is refused, as ssh refuses such a key."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            raise EncryptionKeyError(f"{path}: the encryption key file is readable by others (mode {mode:o}); "
                                     f"run: chmod 600 {path}") from None
        return parse_keys(_read_written(path))
    with os.fdopen(fd, "w", encoding="ascii") as f:  # O_EXCL: two workers cannot both write one
        f.write(base64.urlsafe_b64encode(os.urandom(32)).decode() + "\n")
    return parse_keys(path.read_text(encoding="ascii"))


def _read_written(path: Path) -> str:
    """The key file's text, waiting briefly while another process is still writing it."""
    for _attempt in range(100):
        text = path.read_text(encoding="ascii")
        if text.endswith("\n"):
            return text
        time.sleep(0.01)
    return text


def resolve_keys(environment_value: str | None, key_file: str | Path) -> list[bytes]:
    return parse_keys(environment_value) if environment_value else key_file_keys(key_file)


def default_key_file(redis_dir: str | Path) -> Path:
    """`var/encryption.key` for the default `var/redis`: beside the data it protects, not in it
    (a copied Redis folder must not carry its key along)."""
    return Path(redis_dir).parent / "encryption.key"


def key_id(key: bytes) -> str:
    return hashlib.sha256(b"dialogframe key id" + key).hexdigest()[:8]


class SlotCipher:
    """Seals and opens JSON values, each bound to a context (conversation and slot)."""

    def __init__(self, keys: Sequence[bytes]) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        if not keys:
            raise EncryptionKeyError("no encryption key")
        self._sealing = (key_id(keys[0]), AESGCM(keys[0]))
        self._opening = {key_id(k): AESGCM(k) for k in keys}

    def seal(self, value: Any, context: str) -> str:
        kid, aead = self._sealing
        nonce = os.urandom(12)
        sealed = aead.encrypt(nonce, json.dumps(value, ensure_ascii=False).encode(), context.encode())
        return f"{TOKEN_VERSION}:{kid}:{base64.b64encode(nonce + sealed).decode()}"

    def open(self, token: str, context: str) -> Any:
        from cryptography.exceptions import InvalidTag

        version, _, rest = token.partition(":")
        kid, _, payload = rest.partition(":")
        aead = self._opening.get(kid)
        if version != TOKEN_VERSION or aead is None:
            raise EncryptionKeyError(f"a stored value was sealed with key {kid!r}, which is not configured "
                                     f"(configured: {sorted(self._opening)}); set DF_ENCRYPTION_KEY")
        raw = base64.b64decode(payload)
        try:
            return json.loads(aead.decrypt(raw[:12], raw[12:], context.encode()))
        except InvalidTag:
            raise EncryptionKeyError(f"a stored value for {context!r} failed authentication "
                                     f"(tampered with, or moved from another conversation)") from None
