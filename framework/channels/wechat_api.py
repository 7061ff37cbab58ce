"""Sending through the WeChat and WeCom server APIs with an access token.

Both platforms answer JSON with `errcode` (0: ok) and take `?access_token=` on each call.
The token comes from `/cgi-bin/token` (Official Account: appid + secret) or
`/cgi-bin/gettoken` (WeCom: corpid + corpsecret), lives `expires_in` seconds (7200), and
each fetch counts against a daily quota: so it is cached in Redis by
framework.channels.platform_tokens (the one token cache of every platform), which also
holds the table of error codes meaning "expired token" (WeChat 40001/40014/42001, WeCom
40014/42001). A call answered one of those gets a new token and is tried once more;
other failures (network, errcode -1 "system busy", HTTP 5xx) are retried a few times
with a short pause. Images are uploaded as temporary media (`upload`, the same
/cgi-bin/media/upload on both platforms) for framework.channels.media; a message naming a
media id the platform no longer knows is refused with errcode 40007 "invalid media_id"
(both platforms' global error code tables), which `unknown_media_id` tells. The API base
URL is configurable so tests point it at a local fake.
"""
from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import aiohttp

from framework.channels.media import Image, ImageRules, MediaError, MediaIds
from framework.channels.platform_tokens import PlatformTokens, expired_token
from framework.masking import masked_prefix

log = logging.getLogger("framework.channels")

BUSY = {-1}  # "系统繁忙": the platforms ask to retry


INVALID_MEDIA_ID = 40007  # "invalid media_id": both platforms' global error codes


class PlatformApiError(Exception):
    """A call that failed for good; the message says which call and what the platform said,
    `errcode` the platform's code when it answered one."""

    def __init__(self, message: str, errcode: Any = None) -> None:
        super().__init__(message)
        self.errcode = errcode


def unknown_media_id(err: Exception) -> bool:
    """A send refused because the platform no longer knows its media id (errcode 40007)."""
    return isinstance(err, PlatformApiError) and err.errcode == INVALID_MEDIA_ID


@dataclass(frozen=True)
class TokenSource:
    """Where an access token comes from: `path` on the API base with `params`
    (e.g. /cgi-bin/token with grant_type, appid, secret); `platform` ("wechat", "wecom")
    and `app_id` name it in the token cache and choose its expired-token codes."""

    path: str
    params: Mapping[str, str]
    platform: str
    app_id: str


class PlatformApi:
    def __init__(self, session: aiohttp.ClientSession, redis: Any, prefix: str, api_base: str, source: TokenSource,
                 attempts: int = 3, pause: float = 0.5, timeout: float = 10.0) -> None:
        self.session, self.source = session, source
        self.api_base = api_base.rstrip("/")
        self.attempts, self.pause, self.timeout = attempts, pause, timeout
        self.tokens = PlatformTokens(redis, prefix)

    async def access_token(self, rejected: str | None = None) -> str:
        """The cached token, else a new one; `rejected`: the platform just refused that
        token, so a new one is fetched unless another call has replaced it meanwhile."""
        source = self.source
        if rejected is None:
            return await self.tokens.get(source.platform, source.app_id, self._fetch)
        return await self.tokens.refresh(source.platform, source.app_id, self._fetch, rejected)

    async def _fetch(self) -> tuple[str, int]:
        data = await self._request("GET", self.source.path, params=dict(self.source.params))
        token, expires_in = data.get("access_token"), data.get("expires_in", 7200)
        if not isinstance(token, str) or not token:
            raise PlatformApiError(f"{self.source.path} answered no access_token: {_brief(data)}")
        return token, expires_in if isinstance(expires_in, int) and expires_in > 0 else 7200

    async def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST `body` as UTF-8 JSON (not \\u escapes: WeChat shows those literally) with a
        token, fetching a new token once when the platform says it expired."""
        return await self._authorized(path, {}, body=body)

    def media_ids(self, channel: str, rules: ImageRules) -> MediaIds:
        """The cache of this account's uploaded images (framework.channels.media)."""
        return MediaIds(channel, self.source.app_id, self.session, self.tokens, rules, self.upload)

    async def upload(self, image: Image) -> str:
        """Upload an image as temporary media (the media id lives 3 days): POST
        /cgi-bin/media/upload?access_token=...&type=image, multipart/form-data whose file
        field is `media` with its filename and content type, as both platforms document it
        (Official Account: uploadTempMedia; WeCom: 上传临时素材). MediaError when refused."""
        def form() -> aiohttp.FormData:  # a FormData is sent once: a new one per attempt
            data = aiohttp.FormData()
            data.add_field("media", image.content, filename=image.filename, content_type=image.content_type)
            return data

        try:
            data = await self._authorized("/cgi-bin/media/upload", {"type": "image"}, form=form)
        except PlatformApiError as err:
            raise MediaError(str(err)) from None
        if not isinstance(data.get("media_id"), str) or not data["media_id"]:
            raise MediaError(f"/cgi-bin/media/upload answered no media_id: {_brief(data)}")
        return data["media_id"]

    async def _authorized(self, path: str, params: dict[str, str], body: dict[str, Any] | None = None,
                          form: Callable[[], aiohttp.FormData] | None = None) -> dict[str, Any]:
        token = await self.access_token()
        data = await self._request("POST", path, params={**params, "access_token": token}, body=body, form=form)
        if expired_token(self.source.platform, 200, data):
            token = await self.access_token(rejected=token)
            data = await self._request("POST", path, params={**params, "access_token": token}, body=body, form=form)
        if data.get("errcode", 0) != 0:
            raise PlatformApiError(f"{path} answered errcode {data.get('errcode')}: {_brief(data)}",
                                   data.get("errcode"))
        return data

    async def _request(self, method: str, path: str, params: dict[str, str], body: dict[str, Any] | None = None,
                       form: Callable[[], aiohttp.FormData] | None = None) -> dict[str, Any]:
        """One call, retried on network errors, HTTP 5xx and "system busy"."""
        payload = json.dumps(body, ensure_ascii=False).encode() if body is not None else None
        headers = {"Content-Type": "application/json; charset=utf-8"} if body is not None else None
        problem = ""
        for attempt in range(self.attempts):
            if attempt:
                await asyncio.sleep(self.pause * attempt)
            try:
                async with self.session.request(method, self.api_base + path, params=params,
                                                data=form() if form is not None else payload, headers=headers,
                                                timeout=aiohttp.ClientTimeout(total=self.timeout)) as resp:
                    if resp.status >= 500:
                        problem = f"HTTP {resp.status}"
                        continue
                    data = await resp.json(content_type=None)
            except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as err:
                problem = f"{type(err).__name__}: {err}"
                continue
            if not isinstance(data, dict):
                raise PlatformApiError(f"{path} answered {type(data).__name__}, not a JSON object")
            if data.get("errcode") in BUSY:
                problem = f"errcode {data['errcode']}: {_brief(data)}"
                continue
            return data
        raise PlatformApiError(f"{path} failed {self.attempts} times, last: {problem}")


def _brief(data: dict[str, Any]) -> str:
    """The platform's answer for a log line, without the token."""
    return masked_prefix(str({k: v for k, v in data.items() if k != "access_token"}), 300)


def official_account_api(session: aiohttp.ClientSession, redis: Any, prefix: str, app_id: str, app_secret: str,
                         api_base: str) -> PlatformApi:
    source = TokenSource("/cgi-bin/token", {"grant_type": "client_credential", "appid": app_id, "secret": app_secret},
                         "wechat", app_id)
    return PlatformApi(session, redis, prefix, api_base, source)


def wecom_api(session: aiohttp.ClientSession, redis: Any, prefix: str, corp_id: str, secret: str, agent_id: str,
              api_base: str) -> PlatformApi:
    # One token per application (its secret), so the agent id is in the key.
    source = TokenSource("/cgi-bin/gettoken", {"corpid": corp_id, "corpsecret": secret},
                         "wecom", f"{corp_id}:{agent_id}")
    return PlatformApi(session, redis, prefix, api_base, source)


__all__ = ["PlatformApi", "PlatformApiError", "TokenSource", "official_account_api", "unknown_media_id", "wecom_api"]
