"""The message encryption of WeChat Official Accounts (安全模式/兼容模式) and WeCom (企业微信)
callbacks: one scheme, documented by both platforms ("消息加解密说明", "加解密方案说明").

- AESKey = Base64_Decode(EncodingAESKey + "="): the 43-character key the console shows
  is 32 bytes of key; AES-256-CBC, IV = the first 16 bytes of the key, PKCS#7 padding to a
  multiple of 32 bytes (not AES's 16: the platforms pad to the key length).
- Plaintext = 16 random bytes + msg_len (4 bytes, network order) + msg + receiver id, where
  the receiver id is the Official Account's AppID or the WeCom CorpID, and is checked.
- msg_signature = sha1 of the token, timestamp, nonce and the Base64 ciphertext, sorted
  and joined: the signature covers the message body (the plaintext mode's does not).
- An encrypted passive reply is `<xml><Encrypt/><MsgSignature/><TimeStamp/><Nonce/></xml>`.

This module is pure (no aiohttp): the channels (wechat, wecom) and the tests' fake
platforms use it; a failure is a `CryptoError` saying what was wrong, never the plaintext.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import os
import struct
import time

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

BLOCK_BITS = 256  # PKCS#7 to 32-byte blocks, as both platforms document
MAX_CIPHERTEXT = 1 << 20  # characters of Base64 accepted before decoding (the body limit is lower)


class CryptoError(ValueError):
    """A message that cannot be decrypted, or is not addressed to this account."""


def encoding_aes_key_problem(encoding_aes_key: str) -> str | None:
    """Why a console EncodingAESKey is unusable (for configuration errors), or None."""
    if not isinstance(encoding_aes_key, str) or len(encoding_aes_key) != 43 or not encoding_aes_key.isascii():
        return "the EncodingAESKey has 43 characters (letters and digits, as the console shows it)"
    try:
        key = base64.b64decode(encoding_aes_key + "=", validate=True)
    except binascii.Error:
        return "the EncodingAESKey is not Base64 (letters and digits only)"
    return None if len(key) == 32 else "the EncodingAESKey does not decode to a 32-byte key"


def msg_signature(token: str, timestamp: str, nonce: str, encrypted: str) -> str:
    """sha1 of the four values sorted as strings and joined (the platforms' msg_signature)."""
    return hashlib.sha1("".join(sorted([token, timestamp, nonce, encrypted])).encode()).hexdigest()


class MessageCrypt:
    """Encrypts and decrypts one account's messages.

    `receiver_id` is what the platform appends to the plaintext: the Official Account's
    AppID, the WeCom CorpID."""

    def __init__(self, token: str, encoding_aes_key: str, receiver_id: str) -> None:
        problem = encoding_aes_key_problem(encoding_aes_key)
        if problem:
            raise ValueError(problem)
        if not token or not receiver_id:
            raise ValueError("message encryption needs the console's token and the AppID / CorpID")
        self.token, self.receiver_id = token, receiver_id
        self.key = base64.b64decode(encoding_aes_key + "=")

    def _cipher(self) -> Cipher:
        return Cipher(algorithms.AES(self.key), modes.CBC(self.key[:16]))

    def signature(self, timestamp: str, nonce: str, encrypted: str) -> str:
        return msg_signature(self.token, timestamp, nonce, encrypted)

    def encrypt(self, message: str | bytes, random: bytes | None = None) -> str:
        """Base64 of AES(random(16) + len(4) + message + receiver id)."""
        body = message.encode() if isinstance(message, str) else message
        random = os.urandom(16) if random is None else random
        if len(random) != 16:
            raise ValueError("the random prefix has 16 bytes")
        plain = random + struct.pack(">I", len(body)) + body + self.receiver_id.encode()
        padder = padding.PKCS7(BLOCK_BITS).padder()
        padded = padder.update(plain) + padder.finalize()
        encryptor = self._cipher().encryptor()
        return base64.b64encode(encryptor.update(padded) + encryptor.finalize()).decode()

    def decrypt(self, encrypted: str) -> bytes:
        """The message of a Base64 ciphertext addressed to this account; `CryptoError` otherwise."""
        if not isinstance(encrypted, str) or not encrypted or len(encrypted) > MAX_CIPHERTEXT:
            raise CryptoError("the ciphertext is empty or too long")
        try:
            data = base64.b64decode(encrypted, validate=True)
        except (binascii.Error, ValueError):
            raise CryptoError("the ciphertext is not Base64") from None
        if not data or len(data) % 16:
            raise CryptoError("the ciphertext is not a whole number of AES blocks")
        decryptor = self._cipher().decryptor()
        padded = decryptor.update(data) + decryptor.finalize()
        unpadder = padding.PKCS7(BLOCK_BITS).unpadder()
        try:
            plain = unpadder.update(padded) + unpadder.finalize()
        except ValueError:  # the wrong key, or a forged ciphertext
            raise CryptoError("the ciphertext does not decrypt with this EncodingAESKey") from None
        if len(plain) < 20:
            raise CryptoError("the plaintext is shorter than its header")
        (length,) = struct.unpack(">I", plain[16:20])
        if length > len(plain) - 20:
            raise CryptoError("the message length does not fit the plaintext")
        message, receiver = plain[20:20 + length], plain[20 + length:]
        if receiver != self.receiver_id.encode():
            raise CryptoError("the message is addressed to another AppID / CorpID")
        return message

    def encrypted_reply(self, message: str, timestamp: str | None = None, nonce: str | None = None) -> str:
        """A passive reply in the encrypted envelope, signed with msg_signature."""
        timestamp = timestamp or str(int(time.time()))
        nonce = nonce or str(int.from_bytes(os.urandom(4), "big"))
        encrypted = self.encrypt(message)
        return (f"<xml><Encrypt><![CDATA[{encrypted}]]></Encrypt>"
                f"<MsgSignature><![CDATA[{self.signature(timestamp, nonce, encrypted)}]]></MsgSignature>"
                f"<TimeStamp>{timestamp}</TimeStamp><Nonce><![CDATA[{nonce}]]></Nonce></xml>")


__all__ = ["CryptoError", "MessageCrypt", "encoding_aes_key_problem", "msg_signature"]
