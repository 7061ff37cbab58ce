"""What the store does to a state before it reaches Redis, and undoes after: the values of
the domain's `pii` slots are sealed (encrypted, see `encryption`), and the history is
masked (IDs, phones, cards, e-mails by pattern; `pii` slot values by value).

Masking is incremental. The history read at checkout was masked when it was written, and
the engine only appends a turn, rewrites the last one and drops the oldest; so only the
entries that differ from the stored ones are masked again, and the whole history is
scanned by value (a cheap `str.replace`) only when a `pii` slot gets a value it did not
have before (a name said two turns before it was asked for is masked then).
"""
from __future__ import annotations

import json
from typing import Any, Iterable, Mapping, Sequence

from framework.masking import Masker, mask_values
from framework.store.encryption import EncryptionKeyError, SlotCipher

SEALED = "sealed"  # the state field holding the sealed values: {slot name: token}
LAST_SEALED = "last_sealed"  # the same for `last_values` (framework.engine.follow_up), sealed since session 27


def _secret_values(values: Iterable[Any]) -> list[str]:
    return [v for v in values if isinstance(v, str) and len(v) >= 2]


class StatePrivacy:
    def __init__(self, prefix: str, pii_slots: Iterable[str] = (), cipher: SlotCipher | None = None,
                 masker: Masker | None = None) -> None:
        self.prefix, self.pii_slots, self.cipher, self.masker = prefix, tuple(pii_slots), cipher, masker

    # ------------------------------------------------------------------ sealing
    def _context(self, sender_id: str, slot: str) -> str:
        return f"{self.prefix}:{sender_id}:{slot}"

    def _seal_slots(self, holder: dict[str, Any], sender_id: str) -> None:
        slots = dict(holder.get("slots") or {})
        sealed = {name: self.cipher.seal(slots.pop(name), self._context(sender_id, name))
                  for name in self.pii_slots if slots.get(name) is not None}
        holder["slots"] = slots
        if sealed:
            holder[SEALED] = sealed

    def _open_slots(self, holder: dict[str, Any], sender_id: str) -> None:
        sealed = holder.pop(SEALED, None)
        if not sealed:
            return
        if self.cipher is None:
            raise EncryptionKeyError("the stored state has sealed values but no encryption key is configured")
        slots = dict(holder.get("slots") or {})
        for name, token in sealed.items():
            slots[name] = self.cipher.open(token, self._context(sender_id, name))
        holder["slots"] = slots

    def open(self, data: dict[str, Any], sender_id: str) -> dict[str, Any]:
        """The state as the engine knows it, from what Redis holds."""
        self._open_slots(data, sender_id)
        if isinstance(data.get("pending_action"), dict):
            self._open_slots(data["pending_action"], sender_id)
        for frame in data.get("stack") or ():  # a learnt value awaiting "did you mean ...?", values saved
            for key in _FRAME_VALUES:
                if isinstance(frame, dict) and isinstance(frame.get(key), dict):
                    self._open_slots(frame[key], sender_id)
        if isinstance(data.get("stopped"), dict):  # the values a handoff or a cancel stopped, for one message
            data["stopped"] = dict(data["stopped"])
            self._open_slots(data["stopped"], sender_id)
        if isinstance(data.get(LAST_SEALED), dict):  # the last request's values, kept for its follow-up
            holder = {"slots": data.get("last_values") or {}, SEALED: data.pop(LAST_SEALED)}
            self._open_slots(holder, sender_id)
            data["last_values"] = holder["slots"]
        return data

    # ------------------------------------------------------------------ preparing a write
    def prepare(self, state: Mapping[str, Any], sender_id: str, history_limit: int, secrets: Iterable[Any] = (),
                previous: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """What Redis will hold for `state`; `previous` is the (opened) state read at
        checkout, whose history is already masked."""
        data = dict(state)
        # The values before the turn too: a completed flow clears its slots, and its last
        # turn may still mention them.
        before = self._slot_values(previous) if previous else []
        secrets = _secret_values([*secrets, *self._slot_values(data), *before])
        history = data.get("history")
        if isinstance(history, list):
            if history_limit and len(history) > history_limit:
                history = history[-history_limit:]
            if self.masker is not None:
                history = self._mask_history(history, secrets, previous)
            data["history"] = history
        pending = data.get("pending_action")
        if isinstance(pending, dict):
            pending = dict(pending)
            if self.masker is not None and isinstance(pending.get("text"), str):
                pending["text"] = mask_values(self.masker.mask(pending["text"]), secrets)
            if self.cipher is not None:
                self._seal_slots(pending, sender_id)
            data["pending_action"] = pending
        if self.cipher is not None:
            self._seal_slots(data, sender_id)
            if isinstance(data.get("stack"), list):
                data["stack"] = [_sealed_frame(self, f, sender_id) for f in data["stack"]]
            if isinstance(data.get("stopped"), dict):
                data["stopped"] = dict(data["stopped"])
                self._seal_slots(data["stopped"], sender_id)
            if isinstance(data.get("last_values"), dict):
                holder = {"slots": data["last_values"]}
                self._seal_slots(holder, sender_id)
                data["last_values"] = holder["slots"]
                if SEALED in holder:
                    data[LAST_SEALED] = holder[SEALED]
        return data

    def _slot_values(self, data: Mapping[str, Any]) -> list[Any]:
        slots, last = data.get("slots") or {}, data.get("last_values") or {}
        stopped = (data.get("stopped") or {}).get("slots") or {}
        return [held.get(name) for held in (slots, last, stopped) for name in self.pii_slots]

    def _mask_history(self, history: list[Any], secrets: Sequence[str],
                      previous: Mapping[str, Any] | None) -> list[Any]:
        old = previous.get("history") if previous else None
        kept = _unchanged_prefix(history, old) if isinstance(old, list) else 0
        known = set(_secret_values(self._slot_values(previous))) if previous else set()
        fresh = [s for s in secrets if s not in known]
        head = history[:kept]
        if fresh and head:  # a new pii value: the stored part may mention it too
            head = json.loads(mask_values(json.dumps(head, ensure_ascii=False), fresh))
        tail = self.masker.mask_tree(history[kept:])
        if secrets and tail:
            tail = json.loads(mask_values(json.dumps(tail, ensure_ascii=False), secrets))
        return head + tail


# A frame's values besides the slots: a learnt value awaiting "did you mean ...?"
# (framework.engine.slot_filling), values saved for its resumption (framework.engine.other_request) and the
# values said together that "which one?" waits on (framework.engine.slot_filling.both_chosen), and the last request's
# values "the same card" may take (framework.engine.steps.referred_answer)
_FRAME_VALUES = ("held", "saved", "choices", "before")


def _sealed_frame(privacy: StatePrivacy, frame: Any, sender_id: str) -> Any:
    """A frame whose held, saved, choices and before values are sealed like slots'."""
    if not (isinstance(frame, dict) and any(isinstance(frame.get(k), dict) for k in _FRAME_VALUES)):
        return frame
    frame = dict(frame)
    for key in _FRAME_VALUES:
        if isinstance(frame.get(key), dict):
            frame[key] = dict(frame[key])
            privacy._seal_slots(frame[key], sender_id)
    return frame


def _unchanged_prefix(history: list[Any], old: list[Any]) -> int:
    """How many leading entries of `history` are entries of `old` (already masked), given
    that the engine only drops the oldest entries, rewrites the last and appends."""
    if not history or not old:
        return 0
    try:
        offset = old.index(history[0])
    except ValueError:
        return 0
    kept = 0
    for new_entry, old_entry in zip(history, old[offset:]):
        if new_entry != old_entry:
            break
        kept += 1
    return kept
