"""Calling an action on a Rasa SDK action server (`type: rasa_sdk`), so a Rasa project's
custom actions run unmodified.

What it is: the translation between a dialogframe ActionCall and Rasa's action protocol.
The request is Rasa's (`POST url` with `next_action`, `sender_id`, `tracker` and `domain`);
the answer's events and messages become an ActionResult:

- `SlotSet` (`{"event": "slot"}`): sets the slot, checked as a webhook's `slots` are (the
  action's `sets`, the slot's type); a refused value fails the step. `requested_slot` (a
  FormValidationAction's) is ignored: the flow decides what to ask next.
- `dispatcher.utter_message(text=..., buttons=..., image=..., attachment=...,
  json_message=...)` and `BotUttered`: said as they are, buttons, image, attachment and
  custom JSON included (each channel shows what it can, as for the domain's responses);
  `utter_message(response="utter_x")`: the domain's response, rendered with the slots (its
  buttons and image too).
- `FollowupAction(name)`: the state of the calling flow that runs action `name` (or is named
  `name`) comes next; `action_listen` changes nothing; any other name fails the step.
- `ActiveLoop` / `Form`: ignored (dialogframe's collect flows are the forms), one WARNING
  per action.
- Every other event (`Restarted`, `ReminderScheduled`, `AllSlotsReset` ...), and a message
  with `elements` (a Messenger carousel), fails the step cleanly.

What it is not: the HTTP client. Sending, retries, the Idempotency-Key and the one WARNING
per failed call are framework.actions.webhook's, reused as they are.
"""
from __future__ import annotations

import logging
import time
import uuid
from typing import Any, Mapping

import aiohttp

from framework.actions.responses import json_kind, result_from_json
from framework.actions.webhook import IDEMPOTENCY_HEADER, WebhookRequest
from framework.actions.webhook import _Failed as Failed
from framework.actions.webhook import _failed as failed
from framework.actions.webhook import _send as send
from framework.compile.machine import Assistant, Button, CallAction, Collect, RasaSdkAction, Slot, frozen_map
from framework.engine import ActionCall, ActionResult, Reply
from framework.engine.render import render

log = logging.getLogger(__name__)

RASA_VERSION = "3.6.0"  # the protocol version sent; rasa-sdk 3.x only logs a mismatch
IGNORED_EVENTS = frozenset({"active_loop", "form"})
REQUESTED_SLOT = "requested_slot"  # Rasa's form bookkeeping: here the flow decides what to ask
LISTEN = "action_listen"
_warned_loops: set[str] = set()  # actions whose ActiveLoop was already reported


def rasa_slot_type(slot: Slot) -> dict[str, Any]:
    """How the action server's domain describes a slot (Rasa 3 slot types)."""
    if slot.type in ("integer", "number"):
        spec: dict[str, Any] = {"type": "float"}
        for key, rasa_key in (("min", "min_value"), ("max", "max_value")):
            if isinstance(slot.options.get(key), (int, float)):
                spec[rasa_key] = slot.options[key]
    elif slot.type == "boolean":
        spec = {"type": "bool"}
    elif slot.type == "categorical":
        spec = {"type": "categorical", "values": list(slot.options.get("choices") or ())}
    elif slot.type == "money":
        spec = {"type": "any"}
    else:
        spec = {"type": "text"}
    return spec | {"influence_conversation": False, "initial_value": slot.initial, "mappings": [{"type": "custom"}]}


def rasa_domain(assistant: Assistant) -> dict[str, Any]:
    """The `domain` of the action request: what a Rasa action reads from it."""
    return {
        "version": "3.1",
        "session_config": {"session_expiration_time": assistant.settings.session_timeout / 60,
                           "carry_over_slots_to_new_session": True},
        "intents": sorted(assistant.intents),
        "entities": sorted({s.entity or s.name for s in assistant.slots.values()}),
        "slots": {name: rasa_slot_type(slot) for name, slot in assistant.slots.items()},
        "responses": {name: [_variant(v) for v in r.variants] for name, r in assistant.responses.items()},
        "actions": sorted(assistant.actions),
        # Each flow that collects, as a form of its collected slots: a FormValidationAction
        # `validate_<flow>` reads its required slots from here.
        "forms": {name: {"required_slots": slots} for name, flow in assistant.flows.items()
                  if (slots := [s.step.slot for s in flow.states.values() if isinstance(s.step, Collect)])},
    }


def _variant(variant) -> dict[str, Any]:
    data: dict[str, Any] = {"text": variant.text}
    if variant.channel:
        data["channel"] = variant.channel
    if variant.buttons:
        data["buttons"] = [{"title": b.title, "payload": b.payload} for b in variant.buttons]
    return data


def action_request(action: RasaSdkAction, call: ActionCall, assistant: Assistant, now: float) -> dict[str, Any]:
    """Rasa's action request. The tracker holds the slots the action `sends` (the others are
    declared with null, so `tracker.get_slot` works for every slot); its events are a
    summary of the session, not Rasa's full history: the user message, then the slots set,
    last, where a FormValidationAction looks for the values to validate
    (`tracker.slots_to_validate()`)."""
    sent = {k: v for k, v in call.slots.items() if action.sends is None or k in action.sends}
    slots = {name: None for name in assistant.slots} | sent
    intent = {"name": call.intent} if call.intent else {}
    latest = {"text": call.text, "intent": intent, "entities": [],
              "intent_ranking": [intent] if intent else [], "metadata": {}}
    events = [{"event": "session_started", "timestamp": now}, {"event": "action", "timestamp": now, "name": LISTEN},
              {"event": "user", "timestamp": now, "text": call.text, "parse_data": latest}]
    events += [{"event": "slot", "timestamp": now, "name": k, "value": v} for k, v in sent.items() if v is not None]
    tracker = {
        "sender_id": call.sender_id, "conversation_id": call.sender_id, "slots": slots,
        "latest_message": latest, "latest_event_time": now, "followup_action": None, "paused": False,
        "events": events, "latest_input_channel": None, "active_loop": {},
        "latest_action": {"action_name": LISTEN}, "latest_action_name": LISTEN,
    }
    return {"next_action": action.name, "sender_id": call.sender_id, "tracker": tracker,
            "domain": rasa_domain(assistant), "version": RASA_VERSION}


def result_from_answer(answer: Any, action: RasaSdkAction, call: ActionCall, assistant: Assistant) -> ActionResult:
    """The ActionResult of an action server's answer `{"events": [...], "responses": [...]}`;
    a failure names the first thing that cannot be applied."""
    if not isinstance(answer, dict):
        return ActionResult.failure(f"{action.name}: expected Rasa's answer {{\"events\": [...], "
                                    f"\"responses\": [...]}}, found {json_kind(answer)}")
    events = answer.get("events") or []
    messages = answer.get("responses") or []
    if not isinstance(events, list) or not isinstance(messages, list):
        return ActionResult.failure(f"{action.name}: 'events' and 'responses' must be lists")
    slots: dict[str, Any] = {}
    said: list[Reply] = []
    next_state = None
    for event in events:
        kind = event.get("event") if isinstance(event, dict) else None
        if kind == "slot":
            if event.get("name") != REQUESTED_SLOT:
                slots[str(event.get("name"))] = event.get("value")
        elif kind == "bot":  # BotUttered: its rich parts are in `data`
            data = event.get("data") if isinstance(event.get("data"), dict) else {}
            reply, problem = _reply({**data, "text": event.get("text")})
            if problem:
                return ActionResult.failure(f"{action.name}: BotUttered: {problem}")
            if reply is not None:
                said.append(reply)
        elif kind == "followup":
            name = event.get("name")
            if name != LISTEN:
                next_state = _followup_state(assistant, call, name)
                if next_state is None:
                    return ActionResult.failure(
                        f"{action.name}: FollowupAction({name!r}) has no state in flow '{call.flow}' "
                        f"(a state named so, or one that runs that action)")
        elif kind in IGNORED_EVENTS:
            if action.name not in _warned_loops:
                _warned_loops.add(action.name)
                log.warning("rasa_sdk %s: ActiveLoop ignored: collect flows take the place of forms", action.name)
        else:
            return ActionResult.failure(f"{action.name}: the event {kind or json_kind(event)!r} is not supported "
                                        f"(supported: slot, bot, followup; active_loop is ignored)")
    result = result_from_json({"slots": slots}, action.sets, action.name, assistant.slots)
    if not result.ok:
        return result
    merged = dict(call.slots) | dict(result.slots)
    for message in messages:
        reply, problem = _message_reply(message, assistant, merged, f"{call.sender_id}:{action.name}")
        if problem:
            return ActionResult.failure(f"{action.name}: {problem}")
        said.append(reply)
    return ActionResult(ok=True, slots=result.slots, next_state=next_state, responses=tuple(said))


def _followup_state(assistant: Assistant, call: ActionCall, name: Any) -> str | None:
    flow = assistant.flows.get(call.flow)
    if flow is None or not isinstance(name, str):
        return None
    if name in flow.states:
        return name
    return next((s.name for s in flow.states.values()
                 if isinstance(s.step, CallAction) and s.step.action == name), None)


def _message_reply(message: Any, assistant: Assistant, slots: Mapping[str, Any], seed: str) -> tuple[Reply | None, str]:
    """(reply, problem) of one dispatcher message."""
    if not isinstance(message, dict):
        return None, f"a message must be an object, found {json_kind(message)}"
    name = message.get("response") or message.get("template")
    if name:
        if name not in assistant.responses:
            return None, f"utter_message(response={name!r}): no such response in the domain"
        return render(assistant, name, slots, seed=seed), ""
    reply, problem = _reply(message)
    if reply is None and not problem:
        problem = "utter_message without text, response, buttons, image, attachment or json_message"
    return reply, problem


def _reply(message: Mapping[str, Any]) -> tuple[Reply | None, str]:
    """(reply, problem) of a message's text, buttons, image, attachment and custom JSON
    (utter_message's json_message); (None, "") when it holds none of them."""
    if message.get("elements"):
        return None, "utter_message with elements (a Messenger carousel) is not supported; send it as json_message"
    text, image, attachment, custom = (message.get(k) for k in ("text", "image", "attachment", "custom"))
    custom = custom or None  # rasa_sdk's dispatcher sends "custom": {} without a json_message
    buttons = message.get("buttons") or []
    if text is not None and not isinstance(text, str):
        return None, f"text must be text, found {json_kind(text)}"
    if image is not None and not (isinstance(image, str) and image):
        return None, f"image must be a URL, found {json_kind(image)}"
    if attachment is not None and not isinstance(attachment, (str, dict)):
        return None, f"attachment must be a URL or an object, found {json_kind(attachment)}"
    if custom is not None and not isinstance(custom, dict):
        return None, f"json_message must be an object, found {json_kind(custom)}"
    if not isinstance(buttons, list) or not all(isinstance(b, dict) and isinstance(b.get("title"), str)
                                                for b in buttons):
        return None, "buttons must be a list of objects with a title (and a payload)"
    if not (text or buttons or image or attachment or custom):
        return None, ""
    return Reply(text or "", buttons=tuple(Button(b["title"], str(b.get("payload", b["title"]))) for b in buttons),
                 image=image, attachment=attachment, custom=frozen_map(custom) if custom is not None else None), ""


async def call_rasa_sdk(session: aiohttp.ClientSession, action: RasaSdkAction, call: ActionCall,
                        assistant: Assistant) -> ActionResult:
    """Never raises: every problem becomes a failed ActionResult, logged once at WARNING
    (masked) by framework.actions.webhook, as a webhook's failure is."""
    started = time.monotonic()
    headers = {IDEMPOTENCY_HEADER: uuid.uuid4().hex, **action.headers}
    request = WebhookRequest("POST", action.url, headers, {}, action_request(action, call, assistant, time.time()))
    status, answer, failure, attempts = await send(session, action, request)
    if failure is None:
        result = result_from_answer(answer, action, call, assistant)
        if result.ok:
            log.debug("rasa_sdk %s answered in %.0f ms", action.name, (time.monotonic() - started) * 1000)
            return result
        failure = Failed(result.error.removeprefix(f"{action.name}: "), status=status)
    return failed(action, call, assistant.slots, failure, f"POST {action.url}", attempts, started)
