"""Images of Rasa's responses shown natively on the platforms that want them uploaded first
(WeChat Official Accounts, WeCom, Feishu): fetch the image from its URL, upload it to the
platform once, and remember the platform's media id in Redis.

- Fetching (`fetch_image`): only http(s) URLs, at most `MAX_REDIRECTS` redirects (aiohttp
  refuses a redirect to another scheme), a total timeout, the platform's size cap checked
  on Content-Length before reading and again while reading, and the type checked twice: the
  Content-Type header must be one the platform takes (or application/octet-stream) and the
  first bytes must be a JPEG, PNG or GIF (...) the platform takes. A server's word alone is
  not trusted: an HTML error page served as image/png is refused before any upload.
- Caching (`MediaIds`): `<prefix>:media:<channel>:<account>:<sha256 of the URL>`, in the
  Redis of framework.channels.platform_tokens (the same client and prefix), with the
  platform's TTL (`ImageRules.ttl`): WeChat and WeCom temporary media live three days, so
  two days; Feishu's image_key is not documented to expire, so thirty days. An image that
  changes behind the same URL is shown as it was for that long: give a new image a new URL.
  One upload at a time per process and key, so eight replies with the same new image upload
  it once.
- Replies (`image_parts`, `MediaIds.resolve`): a reply's image becomes a part of its own
  after the text (`{"image": url}`), then `{"image": url, "media_id": id}` once uploaded. A
  download or upload that fails never loses the reply: the part becomes the URL as a text
  line, and one WARNING line names the channel, the URL and what went wrong (the platform's
  answer included). Rasa's image attachment ({"type": "image", "payload": {"src": url}}) is
  an image too; an attachment that is not an image stays a link line (base.plain_replies),
  and custom JSON is left out as on every text channel.
- A media id the platform no longer knows (`MediaIds.sending`): the platform may drop an
  uploaded image earlier than documented. A send that names it is refused with the
  platform's own code (WeChat and WeCom errcode 40007 "invalid media_id"; Feishu 230001
  "invalid image_key", or 230099 with 200570 "card contains invalid image keys", in a card);
  the id is dropped from the cache, the image uploaded again once and the message sent once
  more. A second failure sends the URL as a text line, with the one WARNING line. A passive
  WeChat reply gets no answer to tell this by: WeChat shows the user nothing.

Nothing here knows a platform's wire format: each channel passes an `upload(image)` that
returns the media id (framework.channels.wechat_api.PlatformApi.upload, FeishuChannel.upload).
"""
from __future__ import annotations

import asyncio
import hashlib
import logging
from dataclasses import dataclass
from typing import Any, Awaitable, Callable

import aiohttp
from yarl import URL

from framework.channels.base import attachment_url, plain_replies
from framework.channels.platform_tokens import PlatformTokens

log = logging.getLogger("framework.channels")

MAX_REDIRECTS = 3
FETCH_TIMEOUT = 10.0  # seconds for the whole download
MB = 1024 * 1024
# The first bytes of each image type, and the type's name as a Content-Type.
SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"), (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"), (b"BM", "image/bmp"),
)
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp", "image/bmp": "bmp"}


class MediaError(Exception):
    """An image that could not be fetched or uploaded; the message says why."""


@dataclass(frozen=True)
class ImageRules:
    """What a platform takes: image types (Content-Types), the largest file, and how long an
    uploaded image's media id is kept (seconds)."""

    types: frozenset[str]
    max_bytes: int
    ttl: int


@dataclass(frozen=True)
class Image:
    url: str
    content: bytes
    content_type: str

    @property
    def filename(self) -> str:
        return "image." + EXTENSIONS.get(self.content_type, "bin")


def image_type(content: bytes) -> str | None:
    """The image type of `content` by its first bytes (WebP: RIFF....WEBP), or None."""
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    return next((kind for magic, kind in SIGNATURES if content.startswith(magic)), None)


async def fetch_image(session: aiohttp.ClientSession, url: str, rules: ImageRules,
                      timeout: float = FETCH_TIMEOUT) -> Image:
    """The image at `url` if it is one the platform takes (`rules`); MediaError otherwise."""
    try:
        parsed = URL(url)
    except (ValueError, TypeError):
        raise MediaError("not a URL") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise MediaError("not an http(s) URL")
    accepted = ", ".join(sorted(rules.types))
    try:
        async with session.get(parsed, allow_redirects=True, max_redirects=MAX_REDIRECTS,
                               timeout=aiohttp.ClientTimeout(total=timeout)) as resp:
            if resp.status != 200:
                raise MediaError(f"the download answered HTTP {resp.status}")
            if resp.content_type not in rules.types and resp.content_type != "application/octet-stream":
                raise MediaError(f"the download is {resp.content_type}, not an image the platform takes ({accepted})")
            if resp.content_length is not None and resp.content_length > rules.max_bytes:
                raise MediaError(f"the image has {resp.content_length} bytes; the platform takes at most "
                                 f"{rules.max_bytes}")
            content = bytearray()
            async for chunk in resp.content.iter_chunked(64 * 1024):
                content += chunk
                if len(content) > rules.max_bytes:
                    raise MediaError(f"the image has more than {rules.max_bytes} bytes, the most the platform takes")
    except aiohttp.TooManyRedirects:
        raise MediaError(f"more than {MAX_REDIRECTS} redirects") from None
    except (aiohttp.NonHttpUrlRedirectClientError, aiohttp.InvalidUrlRedirectClientError) as err:
        raise MediaError(f"redirected to {err.args[0] if err.args else 'another scheme'}, not an http(s) URL") from None
    except (aiohttp.ClientError, asyncio.TimeoutError) as err:
        raise MediaError(f"the download failed: {type(err).__name__} {err}".rstrip()) from None
    kind = image_type(bytes(content))
    if kind not in rules.types:
        raise MediaError(f"the download is not an image the platform takes ({accepted}); its first bytes "
                         f"are {bytes(content[:8])!r}")
    return Image(url, bytes(content), kind)


Upload = Callable[[Image], Awaitable[str]]  # an image to the platform -> its media id (MediaError if refused)
Send = Callable[[dict[str, Any]], Awaitable[Any]]  # one part of a reply to the platform


class MediaIds:
    """The media ids of one channel and account (an AppID, a CorpID, a Feishu app)."""

    def __init__(self, channel: str, account: str, session: aiohttp.ClientSession, cache: PlatformTokens,
                 rules: ImageRules, upload: Upload) -> None:
        self.channel, self.account, self.session, self.cache = channel, account, session, cache
        self.rules, self.upload = rules, upload
        self._uploading: dict[str, asyncio.Lock] = {}

    def key(self, url: str) -> str:
        digest = hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        return f"{self.cache.prefix}:media:{self.channel}:{self.account}:{digest}"

    async def media_id(self, url: str, rejected: str | None = None) -> str:
        """The platform's id of the image at `url`: cached, or fetched and uploaded now.
        `rejected`: the platform no longer knows that id; it leaves the cache (even if the new
        upload fails) and the image is uploaded again, unless another reply did so meanwhile."""
        key = self.key(url)
        async with self._uploading.setdefault(key, asyncio.Lock()):
            cached = await self._cached(key)
            if cached and cached != rejected:
                return cached
            if cached:
                await self.forget(url)
            media_id = await self.upload(await fetch_image(self.session, url, self.rules))
            if self.cache.client is not None:
                try:
                    await self.cache.client.set(key, media_id.encode(), ex=self.rules.ttl)
                except Exception as err:  # Redis down: this reply still gets its image
                    log.warning("%s: media id of %s not cached (%r)", self.channel, url, err)
            return media_id

    async def forget(self, url: str) -> None:
        """Drop a cached id the platform no longer knows (it expired earlier than said)."""
        if self.cache.client is None:
            return
        try:
            await self.cache.client.delete(self.key(url))
        except Exception as err:  # Redis down: the next send finds the id refused again
            log.warning("%s: media id of %s not forgotten (%r)", self.channel, url, err)

    async def _cached(self, key: str) -> str | None:
        if self.cache.client is None:
            return None
        try:
            cached = await self.cache.client.get(key)
        except Exception as err:  # Redis down: upload again rather than lose the image
            log.warning("%s: media id cache unreadable (%r); uploading the image again", self.channel, err)
            return None
        return cached.decode() if isinstance(cached, bytes) else cached

    async def resolve(self, parts: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """`parts` with each image's `media_id` added; an image that cannot be had becomes its
        URL on a text line (one WARNING line each)."""
        out = []
        for part in parts:
            if not part.get("image"):
                out.append(part)
                continue
            try:
                out.append({**part, "media_id": await self.media_id(part["image"])})
            except Exception as err:  # MediaError, or anything unforeseen: the reply is not lost
                self.warn(part["image"], err)
                out.append(as_link(part))
        return out

    def sending(self, send: Send, stale: Callable[[Exception], bool]) -> Send:
        """`send` (one resolved part to the platform) such that a part whose media id the
        platform refuses as unknown (`stale(error)`) is uploaded again once and sent once
        more, and after a second failure sent as its link (one WARNING line). Other errors,
        and those of parts without an image, reach the caller as they are."""
        async def send_part(part: dict[str, Any]) -> Any:
            try:
                return await send(part)
            except Exception as err:
                if not part.get("media_id") or not stale(err):
                    raise
                log.info("%s: media id of %s refused as unknown (%s); uploading the image again", self.channel,
                         part["image"], err)
            try:
                return await send({**part, "media_id": await self.media_id(part["image"], part["media_id"])})
            except Exception as err:  # a refused upload, the new id refused too, anything unforeseen
                self.warn(part["image"], err)
            return await send(as_link(part))
        return send_part

    def warn(self, url: str, err: Exception) -> None:
        """The one WARNING line of an image sent as its link."""
        log.warning("%s: image %s sent as a link: %s", self.channel, url,
                    err if isinstance(err, MediaError) else repr(err))


def as_link(part: dict[str, Any]) -> dict[str, Any]:
    """An image part as text: its text (if any) and the image's URL on a line of its own."""
    rest = {k: v for k, v in part.items() if k not in ("image", "media_id")}
    return {**rest, "text": "\n".join(t for t in (part.get("text"), part["image"]) if t)}


def image_parts(replies: list[dict[str, Any]], images_with_buttons: bool = False) -> list[dict[str, Any]]:
    """The replies as a channel with native images sends them: text (with attachment links)
    and buttons as `plain_replies` makes them, and each image as a part of its own after its
    reply's text, `{"image": url}`. `images_with_buttons`: a reply that has buttons keeps its
    image in the same part (a Feishu card shows both). Applying it twice changes nothing."""
    out: list[dict[str, Any]] = []
    for reply in replies:
        url, reply = _image(reply)
        if url is None:
            out += plain_replies([reply])
        elif images_with_buttons and reply.get("buttons"):
            out += [{**plain_replies([{**reply, "image": None}])[0], "image": url}]
        else:
            text = plain_replies([{"text": reply.get("text"), "buttons": reply.get("buttons")}])
            attachment = plain_replies([{"attachment": reply.get("attachment")}])
            out += text + [{"image": url}] + attachment
    return out


def _image(reply: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    """The URL of the reply's image, or of its attachment when that is Rasa's image
    attachment ({"type": "image", "payload": {"src": url}}, as rasa-webchat sends it),
    and the reply without that attachment."""
    url, attachment = reply.get("image"), reply.get("attachment")
    if isinstance(url, str) and url:
        return url, reply
    if isinstance(attachment, dict) and attachment.get("type") == "image" and attachment_url(attachment):
        return attachment_url(attachment), {**reply, "attachment": None}
    return None, reply


def wechat_rules(types: frozenset[str]) -> ImageRules:
    """WeChat and WeCom temporary media (cgi-bin/media/upload): 10 MB, kept 3 days by the
    platform, so cached 2."""
    return ImageRules(types, 10 * MB, 2 * 24 * 3600)


# Official Account temporary media: "图片（image）: 10M，支持PNG\\JPEG\\JPG\\GIF格式" (the
# uploadTempMedia page; the same page's notes also say 2 MB, the English page and developers'
# measurements say 10 MB: a refused upload falls back to the link anyway).
WECHAT_IMAGES = wechat_rules(frozenset({"image/jpeg", "image/png", "image/gif"}))
# WeCom 上传临时素材 (document/path/90253): "图片（image）：10MB，支持JPG,PNG格式".
WECOM_IMAGES = wechat_rules(frozenset({"image/jpeg", "image/png"}))
# Feishu 上传图片 (im/v1/images): at most 10 MB; JPG, JPEG, PNG, WEBP, GIF, BMP, ICO, TIFF, HEIC
# (this module recognizes the first five). The image_key has no documented expiry.
FEISHU_IMAGES = ImageRules(frozenset({"image/jpeg", "image/png", "image/gif", "image/webp", "image/bmp"}), 10 * MB,
                           30 * 24 * 3600)

__all__ = ["FEISHU_IMAGES", "Image", "ImageRules", "MediaError", "MediaIds", "WECHAT_IMAGES", "WECOM_IMAGES",
           "as_link", "fetch_image", "image_parts"]
