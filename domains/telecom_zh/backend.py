"""Demo business backend for the telecom_zh example domain (port 5055).

A small stand-in for the operator's real systems, called by the domain's webhook actions:

    POST /business    开户 or 换套餐  -> {"slots": {"account_no": "..."}}
    POST /complaints  log a complaint -> {"slots": {"ticket_no": "..."}}

Each request is the engine's webhook JSON: {"action", "sender_id", "flow", "state",
"slots": {...}, "latest_message": {"text", "intent"}}. A repeated Idempotency-Key header (a
retry of one call, e.g. after a timeout) gets the first answer again, so a slow backend
never opens two accounts. Data lives in memory and is lost on restart. Errors answer 4xx with
{"error": "..."}. 409 and 404 are the customer's situation, not a fault: the business flow
maps them with `on_status` (flows/telecom_zh/business.yml); try them from the shell:

- 110101199003077774 already holds 5 numbers: 开户 answers 409 (state id_full).
- 换套餐 needs an existing account: 11010519491231002X has one (holder 王小明, on the 39 plan);
  other IDs answer 404 (state no_account: the ID is asked again once).
- 换套餐 is for the holder only: a name other than the holder's (the name the ID's first account
  was opened with) answers 403 (state not_holder; customer trial, session 28: 张三 changed 李娜's
  plan). Checked before the plan, so a stranger learns nothing of the account. An account opened here
  in another name under the same ID is that name's to change (customer trial, session 37).
- 换套餐 to the plan the account has now answers 422 (state same_plan: nothing to change). A change
  takes effect next month: asking again for the plan already asked for is accepted again (the
  same answer), and asking for the current plan while another change waits cancels that change.
- a request without the needed slots answers 400 (unmapped: the flow's on_failure).

Run it on its own with `python domains/telecom_zh/backend.py`, or let `shell --demo-backend`
/ `serve --demo-backend` start it. Point the assistant elsewhere with TELECOM_BACKEND_URL.
"""
from __future__ import annotations

import itertools
import unicodedata

from aiohttp import web

from framework.actions.idempotency import idempotency_middleware

PORT = 5055  # the default in domain.yml's ${TELECOM_BACKEND_URL:-http://127.0.0.1:5055}
MAX_NUMBERS_PER_ID = 5


class Registry:
    """Accounts by ID number, and complaints, in memory.

    A plain class, not a dataclass: the framework loads this file without registering it
    in sys.modules, and dataclasses with postponed annotations need that.
    """

    def __init__(self) -> None:
        self.accounts: dict[str, list[str]] = {
            "11010519491231002X": ["TZ20240001"],
            "110101199003077774": [f"TZ2023000{i}" for i in range(1, MAX_NUMBERS_PER_ID + 1)],
        }
        # the holder of each ID's accounts: the name its first account was opened with
        self.holders: dict[str, str] = {"11010519491231002X": "王小明", "110101199003077774": "李小龙"}
        # the name each account opened here was opened with (a seeded account's is its ID's holder): "李娜" opened an
        # account with 王小明's ID and could not change its plan right after (customer trial, session 37)
        self.openers: dict[str, str] = {}
        # each account's plan now, and the plan it changes to next month (换套餐)
        self.plans: dict[str, str] = {"TZ20240001": "39", **{n: "59" for n in self.accounts["110101199003077774"]}}
        self.next_plans: dict[str, str] = {}
        self.complaints: dict[str, str] = {}
        self.serial = itertools.count(10001)


REGISTRY = web.AppKey("registry", Registry)


def _fail(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


async def _slots(request: web.Request) -> dict:
    try:
        body = await request.json()
    except ValueError:
        raise web.HTTPBadRequest(text='{"error": "body is not JSON"}', content_type="application/json")
    slots = body.get("slots") if isinstance(body, dict) else None
    if not isinstance(slots, dict):
        raise web.HTTPBadRequest(text='{"error": "no slots"}', content_type="application/json")
    return slots


async def business(request: web.Request) -> web.Response:
    registry = request.app[REGISTRY]
    slots = await _slots(request)
    id_number = str(slots.get("id_number") or "").upper()
    kind, plan = slots.get("business"), slots.get("plan")
    if not id_number or not slots.get("name") or kind not in ("开户", "换套餐") or not plan:
        return _fail(400, "name, id_number, business and plan are required")
    plan = str(plan)
    if kind == "换套餐":
        return _change_plan(registry, id_number, str(slots["name"]), plan)
    owned = registry.accounts.setdefault(id_number, [])
    if len(owned) >= MAX_NUMBERS_PER_ID:
        return _fail(409, f"an ID number may hold at most {MAX_NUMBERS_PER_ID} numbers")
    account_no = f"TZ{next(registry.serial):08d}"
    owned.append(account_no)
    registry.holders.setdefault(id_number, _plain_name(str(slots["name"])))
    registry.openers[account_no] = _plain_name(str(slots["name"]))
    registry.plans[account_no] = plan
    return web.json_response({"slots": {"account_no": account_no}})


def _change_plan(registry: Registry, id_number: str, name: str, plan: str) -> web.Response:
    """换套餐 of the ID's first account the name holds: 404 no account, 403 not the holder's name, 422 the
    plan it has now (in this order: a stranger learns nothing of the account's plan)."""
    owned = registry.accounts.get(id_number)
    if not owned:
        return _fail(404, "no account for this ID number")
    mine = [a for a in owned if registry.openers.get(a, registry.holders.get(id_number)) == _plain_name(name)]
    if not mine:
        return _fail(403, "the name is not the account holder's")
    account_no = mine[0]
    if plan == registry.plans.get(account_no) and account_no not in registry.next_plans:
        return _fail(422, "the account is already on this plan")
    if plan == registry.plans.get(account_no):
        del registry.next_plans[account_no]  # back to the plan it has: the waiting change is cancelled
    else:
        registry.next_plans[account_no] = plan
    return web.json_response({"slots": {"account_no": account_no}})


def _plain_name(name: str) -> str:
    """A name as compared with the holder's: no spaces, full-width letters as ASCII, any case
    ("李 娜" is 李娜; "Ｌｉ Ｎａ" is "lina")."""
    return "".join(unicodedata.normalize("NFKC", name).split()).casefold()


async def complaints(request: web.Request) -> web.Response:
    registry = request.app[REGISTRY]
    slots = await _slots(request)
    text = str(slots.get("complaint") or "").strip()
    if not text:
        return _fail(400, "complaint is required")
    ticket_no = f"TS{next(registry.serial):08d}"
    registry.complaints[ticket_no] = text
    return web.json_response({"slots": {"ticket_no": ticket_no}})


def init() -> web.Application:
    # A retried webhook call (same Idempotency-Key) gets the first answer, never a second one.
    app = web.Application(middlewares=[idempotency_middleware()])
    app[REGISTRY] = Registry()
    app.router.add_post("/business", business)
    app.router.add_post("/complaints", complaints)
    return app


if __name__ == "__main__":
    web.run_app(init(), host="127.0.0.1", port=PORT)
