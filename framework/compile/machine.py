"""The compiled assistant: frozen, pure data.

`framework.spec` turns YAML into these objects (after validating it); `framework.engine`
moves a session through them with pure functions. Nothing here does I/O, and nothing here
imports torch. Mappings are read-only views (`MappingProxyType`) so the whole tree is
immutable once built.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping, Union

# Names of the pseudo-states a transition may target besides the flow's own states.
END = "END"  # finish the current flow (resume the interrupted one, if any)
# A confirm step's built-in `on_no`: ask which item to change, re-collect only that slot,
# then confirm again (framework.engine.confirm).
ASK_WHAT_TO_CHANGE = "ask_what_to_change"

# HTTP statuses a state's `on_status` may map to its own states: the backend's refusals
# (404 no such card, 403 not the cardholder, 409, 422 ...), never 408 or 429, which are
# retried and stay failures, and never 5xx (the backend's own trouble).
RETRIED_4XX = frozenset({408, 429})


def refusal_status(code: object) -> bool:
    """Whether `code` is a status `on_status` may map: an integer 400-499 except 408 and 429."""
    return isinstance(code, int) and not isinstance(code, bool) and 400 <= code <= 499 and code not in RETRIED_4XX


# Slot types a domain may declare. Their options are listed in docs/DESIGN.md.
SLOT_TYPES = (
    "text", "integer", "number", "boolean", "categorical", "regex",
    "id_number", "phone", "email", "date", "money",
)


def frozen_map(items: Mapping[str, Any] | None = None) -> Mapping[str, Any]:
    """A read-only mapping view over a private copy of `items`."""
    return MappingProxyType(dict(items or {}))


@dataclass(frozen=True)
class Source:
    """Where a compiled object was declared, for runtime messages and diagrams."""
    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


# --------------------------------------------------------------------------- NLU data

@dataclass(frozen=True)
class EntitySpan:
    """An entity annotated inline in a training example: `[张三](name)`."""
    entity: str
    value: str
    start: int  # character offsets into Example.text (annotation markup removed)
    end: int
    role: str | None = None  # Rasa's roles and groups: [London]{"entity": "city", "role": "from"}
    group: str | None = None


@dataclass(frozen=True)
class Example:
    text: str  # the utterance with annotation markup removed
    entities: tuple[EntitySpan, ...] = ()


@dataclass(frozen=True)
class Intent:
    name: str
    description: str
    examples: tuple[Example, ...]
    source: Source | None = None


@dataclass(frozen=True)
class EntityMapping:
    """Which entities fill a slot (`mappings: [{entity: city, role: to}]`). An entity fills
    the slot when its name, role and group are the mapping's (None matches only None, as
    Rasa's `from_entity`); see framework.slots.mapping."""
    entity: str
    role: str | None = None
    group: str | None = None


@dataclass(frozen=True)
class Slot:
    name: str
    type: str  # one of SLOT_TYPES
    # Type-specific options, validated by the schema: min, max, min_length, max_length,
    # pattern, choices ({canonical value: (synonym, ...)}), formats ...
    options: Mapping[str, Any] = field(default_factory=frozen_map)
    error_response: str | None = None  # response said when a value is invalid
    entity: str | None = None  # entity name that fills the slot (defaults to the slot name)
    initial: Any = None
    pii: bool = False  # masked in logs and stored transcripts
    source: Source | None = None
    persist: bool = False  # kept when the flows that collect it end (default: cleared)
    label: str | None = None  # how replies name it ("姓名"); None: the slot name
    # `mappings:` as written; () means the one mapping by `entity` (or the slot's name).
    mappings: tuple[EntityMapping, ...] = ()
    # `implies:` values of other slots that come with this one's value from a message
    # ({query_type: 账单} on a bill's month; framework.engine.slot_filling.fill)
    implies: Mapping[str, Any] = field(default_factory=frozen_map)

    def entity_mappings(self) -> tuple[EntityMapping, ...]:
        return self.mappings or (EntityMapping(self.entity or self.name),)


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class ResponseVariant:
    text: str  # may contain {slot_name} placeholders; "" for a variant of only an image, say
    channel: str | None = None  # None: any channel
    buttons: tuple[Button, ...] = ()
    image: str | None = None  # a URL; {slot} placeholders are filled, as in text
    attachment: Any = None  # a URL (placeholders filled) or a JSON object, as Rasa's
    custom: Mapping[str, Any] | None = None  # JSON for the channel, passed on as it is


@dataclass(frozen=True)
class Response:
    name: str
    variants: tuple[ResponseVariant, ...]
    source: Source | None = None


# --------------------------------------------------------------------------- actions

@dataclass(frozen=True)
class WebhookAction:
    name: str
    url: str  # ${VAR} / ${VAR:-default} already expanded from the environment at load time
    method: str = "POST"
    timeout: float = 5.0  # seconds, per attempt
    retries: int = 0  # extra attempts after the first on timeout / 5xx / connection error
    headers: Mapping[str, str] = field(default_factory=frozen_map)
    sets: tuple[str, ...] = ()  # slots the webhook's JSON may set
    source: Source | None = None
    # url, header and query values may hold {slot} placeholders, filled (URL-encoded) per call
    query: Mapping[str, str] = field(default_factory=frozen_map)
    # Slots in the request body: `sends:`, else the calling flows' slots (framework.compile.sends);
    # None (an action built in code) sends every slot.
    sends: tuple[str, ...] | None = None


@dataclass(frozen=True)
class PythonAction:
    name: str
    function: str  # "package.module:function", or a name registered with framework.actions
    sets: tuple[str, ...] = ()
    source: Source | None = None
    sends: tuple[str, ...] | None = None  # slots the function receives (as WebhookAction.sends)


@dataclass(frozen=True)
class RasaSdkAction:
    """An action run by a Rasa SDK action server (framework.actions.rasa_sdk): the server's
    `/webhook` gets Rasa's action request, and its events (SlotSet, utter_message ...) apply."""
    name: str  # also the `next_action` sent: the name the action server registered
    url: str  # the action server's endpoint, e.g. http://127.0.0.1:5055/webhook
    timeout: float = 5.0
    retries: int = 0
    headers: Mapping[str, str] = field(default_factory=frozen_map)
    sets: tuple[str, ...] = ()  # slots its SlotSet events may set
    source: Source | None = None
    sends: tuple[str, ...] | None = None  # slots in the tracker (as WebhookAction.sends)
    method: str = "POST"  # Rasa's action request is always a POST


Action = Union[WebhookAction, PythonAction, RasaSdkAction]


# --------------------------------------------------------------------------- flow steps

@dataclass(frozen=True)
class Say:
    response: str


@dataclass(frozen=True)
class Collect:
    slot: str
    prompt: str  # response asking for the value
    reprompt: str | None = None  # response on an invalid value; None: the slot's error_response
    max_attempts: int = 3
    on_failure: str | None = None  # state after max_attempts invalid values; None: END
    skip_if_filled: bool = True
    # `from_trigger:` the message that started the flow is the (text) slot's value when it
    # has at least this many letters, digits or CJK characters and the slot accepts it
    # (framework.engine.trigger_text); 0 for `from_trigger: true`; None: off.
    from_trigger: int | None = None
    # `from_trigger: {request_words: [...]}`: words that only ask for the flow ("我要投诉", "投诉"),
    # left out of that count ("投诉，你们乱扣费" counts 你们乱扣费)
    request_words: tuple[str, ...] = ()
    # `default:` the slot's value (read as an answer would be: "today") when the step is
    # reached with none: the question is not asked (framework.engine.steps).
    default: Any = None
    # `value_guard: false`: every answer is read as the value, a command word or a
    # confidently classified trigger too (framework.engine.value_guard).
    value_guard: bool = True
    # `on_change:` a value of another slot of the flow changed at this question goes to this state
    # ("那我开个户吧" at the no-account ID question: the confirmation of the opening), after saying so;
    # None: the question again
    on_change: str | None = None
    # `on_unknown:` the state a customer who does not have the value goes to ("身份证忘带了"); None:
    # where to find it and a colleague (framework.engine.unknown_value)
    on_unknown: str | None = None


@dataclass(frozen=True)
class Confirm:
    response: str  # the yes/no question
    on_yes: str
    on_no: str  # a state, END, or ASK_WHAT_TO_CHANGE
    max_attempts: int = 3  # answers that are neither yes nor no before on_failure
    on_failure: str | None = None  # None: END, saying that the flow gave up
    # A value of the flow changed at this confirmation ("那59的呢" at "需要帮您办理99元套餐吗？"):
    # go to this state, unannounced, instead of confirming again (None: "changed to …", then
    # the question again)
    on_change: str | None = None


@dataclass(frozen=True)
class CallAction:
    action: str
    on_success: str | None = None  # None: the state's transitions (or the webhook's "next")
    on_failure: str | None = None  # None: END with the fallback response
    routes: tuple[str, ...] = ()  # states a webhook's "next" may choose (declared, so checkable)
    on_timeout: str | None = None  # a timed-out call; None: on_failure
    on_error: str | None = None  # any other failure (HTTP status, bad answer); None: on_failure
    # The backend's refusals (status -> state): not failures; checked by refusal_status
    on_status: Mapping[int, str] = field(default_factory=frozen_map)


@dataclass(frozen=True)
class Handoff:
    response: str | None = None


@dataclass(frozen=True)
class Link:
    flow: str  # replaces the current flow (no resume)


@dataclass(frozen=True)
class End:
    response: str | None = None


Step = Union[Say, Collect, Confirm, CallAction, Handoff, Link, End]


@dataclass(frozen=True)
class Transition:
    to: str  # a state of the same flow, or END
    intent: str | None = None  # fires on the user's next message with this intent
    condition: Any = None  # parsed by framework.conditions.parse; None: always true
    condition_text: str | None = None
    source: Source | None = None


@dataclass(frozen=True)
class State:
    name: str
    step: Step | None
    transitions: tuple[Transition, ...] = ()
    source: Source | None = None

    @property
    def listens(self) -> bool:
        """True when the state waits for the user's next message before moving on:
        it collects, confirms, or has a transition on an intent."""
        return isinstance(self.step, (Collect, Confirm)) or any(t.intent for t in self.transitions)


@dataclass(frozen=True)
class Flow:
    name: str
    description: str
    triggers: tuple[str, ...]  # intents that start this flow
    start: str
    states: Mapping[str, State]
    interruptible: bool = True
    source: Source | None = None
    keep: tuple[str, ...] = ()  # slots not cleared when the flow ends (besides `persist` ones)
    # `ends_conversation: true` (a goodbye): its trigger while another flow waits for an
    # answer asks whether to stop that flow first (framework.engine.stop_question)
    ends_conversation: bool = False
    # `not_for`: (response, words, patterns) of requests its trigger intent covers that it must not
    # serve: the response instead of the flow (framework.engine.not_for)
    not_for: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = ()
    # the `not_for` entries marked `warn: true` (a scam): said for any message that names them while no flow is
    # active, whatever the classifier read (framework.engine.not_for.warn)
    warnings: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = ()
    # `then: <flow>` of those entries: response -> the flow a message right after the warning starts when it gives that
    # flow a value (framework.engine.not_for.flow_after_warning)
    warning_then: Mapping[str, str] = field(default_factory=frozen_map)
    # `answers`: (response, words, patterns) of side questions answered while it waits, the question
    # then asked again (framework.engine.side_questions)
    answers: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = ()
    # the `answers` not marked `own: true`: those also answered with no flow under way
    # (framework.engine.side_questions.answered_without_flow)
    open_answers: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = ()
    # `notices`: (response, words, patterns) of what a message to the flow may ask that the flow does
    # differently ("send 80 to Priya from card 1234" where transfers are paid from the main account): the
    # response before the flow's next question; at its confirmation, the confirmation again
    # (framework.engine.notices)
    notices: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = ()
    # `repeats`: (response, patterns) where the message that starts the flow asks for the same thing several times, its
    # patterns' group `count` saying how many ("给店里三个伙计各办一张卡"): each run after the first starts with the same
    # values once the one before succeeds, the response said first (framework.engine.repeats); None: no repeats
    repeats: tuple[str, tuple[str, ...]] | None = None


@dataclass(frozen=True)
class Behaviour:
    """A global behaviour: an intent (or none, for fallback) and what to say."""
    intents: tuple[str, ...] = ()
    response: str | None = None


@dataclass(frozen=True)
class Behaviours:
    cancel: Behaviour = Behaviour()
    help: Behaviour = Behaviour()
    handoff: Behaviour = Behaviour()
    out_of_scope: Behaviour = Behaviour()
    fallback: Behaviour = Behaviour()  # low confidence; intents unused
    affirm: Behaviour = Behaviour()  # intents that answer "yes" to a confirm step
    deny: Behaviour = Behaviour()
    greet: Behaviour = Behaviour()  # said when no flow is active and a greet intent comes
    busy: Behaviour = Behaviour()  # a non-interruptible flow refused another flow's trigger


@dataclass(frozen=True)
class Settings:
    fallback_threshold: float | None = None  # None: "auto", the model's validated threshold
    session_timeout: int = 1800  # seconds of inactivity before a session expires
    history_limit: int = 100  # turns kept in a session's history
    max_attempts: int = 3  # default for collect steps
    pii_masking: bool = True
    # A learnt entity (extractor "model") below this confidence is confirmed before it is
    # used; None: "auto", the model's own entity threshold (framework.engine.held_values).
    entity_threshold: float | None = None


@dataclass(frozen=True)
class Assistant:
    name: str
    language: str  # "zh", "en", ...
    settings: Settings
    intents: Mapping[str, Intent]
    slots: Mapping[str, Slot]
    responses: Mapping[str, Response]
    actions: Mapping[str, Action]
    flows: Mapping[str, Flow]
    behaviours: Behaviours
    intent_fingerprint: str  # sha256 of the sorted intent names: a model must match it
    examples_fingerprint: str  # sha256 of all examples: a change suggests retraining
    source_dir: str = ""
    # Regexes, lookup tables and synonyms of the domain's `rasa_nlu:` files
    # (framework.slots.patterns.EntityPatterns); None when it names none.
    entity_patterns: Any = None

    def flow_for_intent(self, intent: str) -> Flow | None:
        for flow in self.flows.values():
            if intent in flow.triggers:
                return flow
        return None
