"""W004: a response's `image` or `attachment` URL whose scheme or host comes from a slot.

The server downloads a response's image to upload it to WeChat, WeCom and Feishu
(framework.channels.media), and the user's client opens what it is sent. A slot placed after
the URL's scheme and host is percent-encoded when the response is rendered
(framework.response_urls), so it cannot leave its own segment; one placed before (`{url}`,
`https://{host}/x.png`) is filled as it is, so the server would fetch whatever the user or a
webhook put in that slot. That is reported once per URL, at its first such slot.
"""
from __future__ import annotations

import re

from framework.response_urls import origin_fixed
from framework.spec.checks import Context, items, mapping
from framework.spec.errors import describe

_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")  # "{{" and "}}" are literal braces


def check_response_urls(ctx: Context) -> None:
    for name, variants in mapping(ctx.tree.domain.get("responses")).items():
        for i, variant in enumerate(items(variants)):
            for key in ("image", "attachment"):
                url = mapping(variant).get(key)
                if isinstance(url, str):
                    _check_url(ctx, ("responses", name, i, key), key, url)


def _check_url(ctx: Context, path: tuple, key: str, url: str) -> None:
    for m in _PLACEHOLDER.finditer(url):
        if m.group(1) is None or origin_fixed(url[:m.start()]):
            continue
        slot = re.split(r"[.:!\[]", m.group(1), maxsplit=1)[0].strip()
        ctx.add("W004", path, f"the {key} URL takes its scheme or host from slot '{slot}': the server would fetch "
                              "whatever the user or a webhook put in that slot", offset=m.start(),
                expected="a fixed scheme and host before any slot, such as "
                         "'https://cdn.example.com/plans/{plan}.png' (a slot after the host is percent-encoded)",
                found=describe(url))
        return
