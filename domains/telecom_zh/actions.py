"""Python actions of the telecom_zh example domain.

A Python action is a plain function named in domain.yml (`function: actions:lookup_account`;
the module is looked up first as this file, `<domain dir>/actions.py`):

    def f(slots: dict, context: dict) -> dict

- `slots`: the session's current slot values (a copy; changing it changes nothing).
- `context`: the rest of what a webhook would receive: "action", "sender_id", "flow",
  "state" and "latest_message" ({"text", "intent"}).
- returns {"slots": {...}, "next": "state name" (optional)}. Only slots listed in the
  action's `sets` may be returned. Raising an exception takes the state's `on_failure`.

Keep these functions quick and free of blocking I/O: anything that talks to a real system
belongs in a webhook (see backend.py).
"""
from __future__ import annotations

import hashlib

# Demo accounts: (balance, this month's bill) in yuan; last month's bill is made up. Any other valid mobile number gets
# stable made-up figures derived from the number, so every demo conversation works.
_ACCOUNTS = {
    "13800138000": (5.35, 268.45),    # low balance and a high bill: both tips are shown
    "13912345678": (158.00, 59.00),
    "18688886666": (0.00, 129.00),
}


def lookup_account(slots: dict, context: dict) -> dict:
    """Balance, and the bill of the month in slot `bill_month` (本月, the default, or 上月),
    of the mobile number in slot `phone`."""
    phone = str(slots.get("phone") or "")
    if not phone:
        raise ValueError("lookup_account needs the phone slot")
    balance, bill = _ACCOUNTS.get(phone) or _made_up_figures(phone)
    if slots.get("bill_month") == "上月":
        bill = _made_up_figures(phone, "上月")[1]
    return {"slots": {"balance": balance, "bill_amount": bill}}


def _made_up_figures(phone: str, month: str = "") -> tuple[float, float]:
    digest = hashlib.sha256((phone + month).encode()).digest()
    balance = int.from_bytes(digest[:2], "big") % 30000 / 100   # 0.00 .. 299.99
    bill = 39 + int.from_bytes(digest[2:4], "big") % 25000 / 100  # 39.00 .. 288.99
    return round(balance, 2), round(bill, 2)
