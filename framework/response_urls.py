"""Slots in the URL of a response's `image` or `attachment`: where a slot's value goes
decides whether the user's words (or a webhook's answer) can choose where the server, which
downloads images to upload them (framework.channels.media), and the user's client fetch from.

    image: https://cdn.example.com/plans/{plan}.png   the value is percent-encoded: its own segment only
    image: "{url}"  or  https://{host}/x.png           the value chooses the scheme or host: W004

A placeholder whose URL text before it already fixes the scheme and host
(`origin_fixed`) has its value percent-encoded whole (urllib.parse.quote with safe="":
"/", "?", "#", ":" and "@" too), so "../../admin" or "x.png?u=https://evil" stays inside its
segment. One before that point is filled as it is, as the domain's author wrote it, and
`dialog validate` warns about it (W004): encoding it would break the URL the author meant
("{url}" holding a whole URL). Text responses are not URLs: they are filled as they are.
"""
from __future__ import annotations

import re
from urllib.parse import quote

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_FIRST_SEGMENT_ENDED = re.compile(r"[^:/?#]*[/?#]")


def origin_fixed(before: str) -> bool:
    """Whether a URL whose text before a placeholder is `before` has fixed its scheme and
    host by then: `scheme://host` (or `//host`) ended by "/", "?" or "#"; a scheme without
    an authority whose text goes on (data:image/png,...); a relative reference whose first
    segment has ended (/plans/, plans/, ?plan=). Not fixed: nothing before it ("{url}"), a
    scheme or host not ended yet ("https://{host}", "https://cdn.example.com{path}"),
    "https:" or "https:/" (the value could add "//host")."""
    scheme = _SCHEME.match(before)
    rest = before[scheme.end():] if scheme else before
    if rest.startswith("//"):  # an authority: fixed once "/", "?" or "#" has ended it
        return any(c in rest[2:] for c in "/?#")
    if scheme:
        return rest not in ("", "/")
    return _FIRST_SEGMENT_ENDED.match(rest) is not None


def encoded(value: str) -> str:
    """A slot's value inside a URL: percent-encoded whole (UTF-8), nothing left to delimit."""
    return quote(value, safe="")


__all__ = ["encoded", "origin_fixed"]
