"""`ActionRefused`: how a python action says "no" the way a webhook answers 404 or 403.

    from framework.actions import ActionRefused

    def block_card(slots, context):
        if slots["card_last4"] not in CARDS:
            raise ActionRefused(404, f"no card ending {slots['card_last4']}")

The calling state's `on_status: {404: card_not_found}` takes it to that state, logged at
INFO; a status the state does not map is a failure like any other exception (`on_error`,
then `on_failure`, one WARNING). Only statuses `on_status` may map are accepted (400-499
except 408 and 429): anything else is a mistake in the action, raised as ValueError.
"""
from __future__ import annotations

from framework.compile.machine import refusal_status


class ActionRefused(Exception):
    def __init__(self, status: int, message: str = ""):
        if not refusal_status(status):
            raise ValueError(f"ActionRefused({status!r}): expected an HTTP status from 400 to 499 other than "
                             "408 and 429, such as 404 or 403")
        super().__init__(message or f"refused with {status}")
        self.status = status
        self.message = message
