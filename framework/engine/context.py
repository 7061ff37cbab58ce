"""The scratchpad of one turn.

The turn functions are pure: they read a frozen SessionState and return a new one. In
between, this small mutable accumulator collects slot changes, replies and events so the
step functions stay short; `result()` freezes it into a TurnResult.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from framework.compile.machine import Assistant, Button, Flow, State, frozen_map
from framework.engine.render import render
from framework.engine.results import ActionCall, Event, Reply, TurnResult
from framework.engine.state import Frame, SessionState, Turn
from framework.masking import mask_numbers


class TurnContext:
    def __init__(self, assistant: Assistant, state: SessionState, *, now: float, today: dt.date,
                 channel: str | None, text: str | None, intent: str | None,
                 confidence: float | None, new_turn: bool):
        self.assistant = assistant
        self.original = state
        self.now = now
        self.today = today
        self.channel = channel
        self.text, self.intent, self.confidence = text, intent, confidence
        self.new_turn = new_turn
        self.sender_id = state.sender_id
        self.slots: dict[str, Any] = dict(state.slots)
        self.stack: list[Frame] = list(state.stack)
        self.handoff = state.handoff
        self.stopped: dict[str, Any] | None = None  # set by a handoff or a cancel, kept for the next message only
        self.last_flow = state.last_flow  # framework.engine.follow_up
        self.last_values: dict[str, Any] = dict(state.last_values)
        self.action: ActionCall | None = None
        self.replies: list[Reply] = []
        self.events: list[Event] = []
        self.slot_changes: dict[str, Any] = {}
        self.turn_number = state.turn_count + (1 if new_turn else 0)
        self.refused_by: str | None = None  # a flow whose trigger a non-interruptible flow refused
        # "handoff" / "cancel" when the message refused that command ("不需要人工"), read as a no
        # (framework.engine.turn._negation_read)
        self.negated: str | None = None
        # The flow this turn's user message started (its trigger), for `from_trigger` steps
        # (framework.engine.trigger_text).
        self.started_by_message: str | None = None
        # Learnt values below the entity threshold, by slot, until a collect step asks about
        # them (framework.engine.slot_filling); never stored without a yes. They wait in
        # the active frame between turns.
        top = state.stack[-1] if state.stack else None
        self.held: dict[str, Any] = dict((top.held or {}).get("slots") or {}) if top else {}
        # The values of one slot said together that "which one?" waits on (Frame.choices), by slot
        self.choices: dict[str, tuple] = dict((top.choices or {}).get("slots") or {}) if top else {}
        # Values of this message understood but out of their slot's bounds ("9000 dollars"
        # over a $2,500 limit): slot -> its range_error response, said once in this turn
        # (framework.engine.slot_filling, framework.engine.turn).
        self.out_of_range: dict[str, str] = {}
        self.refusal_extra: dict[str, dict[str, Any]] = {}  # placeholders of an out_of_range response
        # The slot whose "shall I connect you to a colleague?" (after "I don't know it") this message
        # left unanswered (framework.engine.unknown_value): its hint is not said twice in a row
        self.offer_unanswered: str | None = None
        # Entities of this message kept for the other flow it asks for, and that flow's name
        # (framework.engine.other_request)
        self.held_back: tuple = ()
        self.held_back_for: str | None = None
        # The values of the same request said a second time in one message ("… and 30 dollars to
        # Ann"): a second run of the flow this message starts waits under it with them
        # (framework.engine.slot_filling._two_requests)
        self.second_values: dict[str, Any] = {}
        # The entities said in the message's second request's words, set aside from the first
        # (framework.engine.turn._without_also_values)
        self.also_entities: tuple = ()
        # (the slot asked, the slot) of a value given ahead of its question (framework.engine.turn._say_noted)
        self.noted_ahead: tuple[str, str] | None = None
        # Slots a value was said for that no reading understood ("on firday"): their default is not
        # taken in this turn, the question is asked (framework.engine.steps._take_default)
        self.unread: set[str] = set()

    # ------------------------------------------------------------------ flows

    @property
    def frame(self) -> Frame | None:
        return self.stack[-1] if self.stack else None

    def flow(self) -> Flow | None:
        return self.assistant.flows.get(self.stack[-1].flow) if self.stack else None

    def state(self) -> State | None:
        flow = self.flow()
        return flow.states.get(self.stack[-1].state) if flow else None

    def update_frame(self, **changes: Any) -> None:
        self.stack[-1] = replace(self.stack[-1], **changes)

    # ------------------------------------------------------------------ output

    def emit(self, name: str, **data: Any) -> None:
        self.events.append(Event(name, frozen_map(data)))

    def say(self, response: str | None, extra: dict[str, Any] | None = None,
            buttons: tuple[Button, ...] = ()) -> None:
        """Say a response; `extra` values fill placeholders besides the slots."""
        if response:
            seed = f"{self.sender_id}:{self.turn_number}:{len(self.replies)}"
            values = {**self.slots, **extra} if extra else self.slots
            texts = _texts(self.assistant, response)
            if "_latest}" in texts or "_earliest}" in texts:
                values = {**self.date_bounds(), **values}
            self.replies.append(render(self.assistant, response, values, channel=self.channel, seed=seed,
                                       buttons=buttons))

    def date_bounds(self) -> dict[str, str]:
        """`{<slot>_earliest}` and `{<slot>_latest}` for each date slot with bounds, as replies show a date: "the
        latest is 30 days from today" never named the day, and "what date is 30 days from today??" was read as today
        (customer trial, session 45)."""
        from framework.engine.render import display_date
        from framework.slots.bounds import resolve

        out: dict[str, str] = {}
        for name, slot in self.assistant.slots.items():
            if slot.type != "date":
                continue
            for key, bound in (("earliest", slot.options.get("min")), ("latest", slot.options.get("max"))):
                day = resolve(bound, self.today) if bound is not None else None
                if day is not None:
                    out[f"{name}_{key}"] = display_date(day.isoformat(), self.assistant.language)
        return out

    def say_refused(self, slot: str, otherwise: str | None = None) -> None:
        """Say, once, why this message's value for `slot` was refused (`out_of_range`), else `otherwise`."""
        response, extra = self.out_of_range.pop(slot, None), self.refusal_extra.pop(slot, None)
        self.say(response or otherwise, extra=extra if response else None)

    def say_text(self, text: str | Reply) -> None:
        """Say what an action sent: a text, or a whole Reply (a Rasa SDK action's buttons, image ...)."""
        self.replies.append(text if isinstance(text, Reply) else Reply(text=str(text)))

    def set_slot(self, name: str, value: Any, source: str) -> None:
        """Set (or with None, unset) a slot; an unchanged value makes no event. A free-text slot that is
        not `pii` (a complaint) keeps its ID, phone and card numbers masked: "套餐被偷偷改了，我叫何平，身份证
        5101…" answered at the complaint's question went to the ticket in clear (customer trial, session 32;
        said with the request it was masked since session 26)."""
        slot = self.assistant.slots.get(name)
        if isinstance(value, str) and slot is not None and slot.type == "text" and not slot.pii:
            value = mask_numbers(value)
        if self.slots.get(name) == value and (value is not None or name not in self.slots):
            return
        if value is None:
            self.slots.pop(name, None)
        else:
            self.slots[name] = value
        self.slot_changes[name] = value
        self.emit("slot_set", slot=name, value=value, source=source)

    def undo_slot(self, name: str) -> None:
        """Give a slot back the value it had before this turn, as if this turn had not set it:
        its change and its `slot_set` events of this turn are dropped."""
        before = self.original.slots.get(name)
        if before is None:
            self.slots.pop(name, None)
        else:
            self.slots[name] = before
        self.slot_changes.pop(name, None)
        self.events[:] = [e for e in self.events if not (e.name == "slot_set" and e.data.get("slot") == name)]

    def clear_slots(self, names, reason: str) -> None:
        """Reset slots to their `initial` value (or unset them), with one `slots_cleared`
        event naming them (values stay out of events: they may be personal data)."""
        cleared = []
        for name in sorted(names):
            slot = self.assistant.slots.get(name)
            initial = slot.initial if slot else None
            if name not in self.slots or self.slots[name] == initial:
                continue
            if initial is None:
                del self.slots[name]
            else:
                self.slots[name] = initial
            self.slot_changes[name] = initial
            cleared.append(name)
        if cleared:
            self.emit("slots_cleared", slots=tuple(cleared), reason=reason)

    def request_action(self, name: str) -> None:
        frame = self.stack[-1]
        self.action = ActionCall(name, self.sender_id, frame.flow, frame.state, frozen_map(self.slots),
                                 self.text, self.intent)
        self.emit("action_requested", action=name, flow=frame.flow, state=frame.state)

    # ------------------------------------------------------------------ freezing

    def result(self) -> TurnResult:
        history = list(self.original.history)
        reply_texts = tuple(r.text for r in self.replies)
        event_names = tuple(e.name for e in self.events)
        if self.new_turn or not history:
            history.append(Turn(self.now, self.text, self.intent, self.confidence,
                                frozen_map(self.slot_changes), reply_texts, event_names))
        else:  # an action's outcome continues the turn that requested it
            last = history[-1]
            history[-1] = replace(
                last, slot_changes=frozen_map({**last.slot_changes, **self.slot_changes}),
                replies=last.replies + reply_texts, events=last.events + event_names)
        limit = max(self.assistant.settings.history_limit, 0)
        state = replace(
            self.original,
            slots=frozen_map(self.slots),
            stack=tuple(self.stack),
            history=tuple(history[-limit:]) if limit else (),
            turn_count=self.turn_number,
            updated_at=self.now,
            handoff=self.handoff,
            stopped=frozen_map(self.stopped) if self.stopped is not None else None,
            pending_action=self.action,
            last_flow=self.last_flow,
            last_values=frozen_map(self.last_values),
        )
        return TurnResult(state, tuple(self.replies), tuple(self.events), self.action)


def _texts(assistant: Assistant, response: str) -> str:
    """The texts of a domain response's variants, joined (a built-in response has no bounds placeholders)."""
    found = assistant.responses.get(response)
    return " ".join(getattr(v, "text", "") or "" for v in found.variants) if found is not None else ""
