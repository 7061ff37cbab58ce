"""The English assistant written by `dialog init NAME --language en` (`__NAME__` is replaced)."""

DOMAIN = '''\
# __NAME__: an assistant created by `dialog init`. Everything it knows is in this folder:
#   domain.yml   intents (what people say), slots (what it remembers), responses (what it
#                says), global behaviour; every *.yml file directly in this folder is merged
#   flows/       the conversations it leads, as states and transitions
#   tests/       conversation tests: what users say and what must follow (`dialog test`)
# After an edit: `dialog validate __NAME__` names every problem with file:line:column.
version: "1"
language: en                    # picks the base model and the built-in yes/no words
flows: [flows]                  # flow files or folders, relative to this folder

settings:
  fallback_threshold: auto      # below this confidence: "sorry?"; auto = chosen at training
  session_timeout: 1800         # seconds without a message before a conversation starts over
  max_attempts: 3               # wrong answers to a question before its on_failure

# ---------------------------------------------------------------------------- intents
# What a message means. The classifier is fine-tuned on these examples: give each intent
# many (30 or more is better), short and long, with the typos people really type.
# Inline annotations mark slot values: [Anna Lee](name) fills the slot `name`.
intents:
  greet:
    examples: [hi, hello, hey, hey there, good morning, good evening, hello there, hiya, "hi!", howdy,
               good afternoon, greetings]
  affirm:                       # "yes" at a confirmation (see global: affirm)
    examples: ["yes", yes please, yeah, yep, sure, correct, "that's right", right, ok, okay, absolutely,
               sounds good, go ahead, of course]
  deny:                         # "no" at a confirmation
    examples: ["no", nope, nah, no thanks, not really, "that's wrong", incorrect, "no, that's not right",
               not quite, negative, "don't", no way]
  cancel:
    examples: [cancel, stop, never mind, forget it, cancel that, I changed my mind, abort, quit,
               stop this, "I don't want to do this anymore", leave it, skip it]
  human_agent:                  # hand the conversation to a person (global: handoff)
    examples: [talk to a human, I want to speak to a person, agent please, connect me to an agent,
               real person please, can I talk to someone, human, get me a human, operator,
               speak to customer service, I need a real person, transfer me to an agent]
  help:                         # what can this assistant do? (global: help)
    examples: [help, what can you do, what can I ask you, how does this work, what are my options, menu,
               I need help, how do I use this, what can you help me with, what do you do, options, help me]
  out_of_scope:                 # everything this assistant does not do: catches them politely
    examples: ["what's the weather like", tell me a joke, who won the game last night,
               "what's the capital of France", can you order me a pizza, what time is it, sing me a song,
               can you recommend a movie, how old are you, book me a flight, what is the meaning of life]
  goodbye:                      # starts the flow in flows/goodbye.yml, which ends the conversation
    examples: [bye, goodbye, see you, "thanks, bye", "that's all, thank you", talk to you later, have a nice day,
               bye bye, "thanks for your help, goodbye", "nothing else, thanks", "that's everything",
               catch you later, "cheers, bye", "thank you, that's all I needed", "I'm all set, bye"]
  request_callback:             # starts the flow in flows/callback.yml
    examples: [I want a call back, please call me back, can someone call me, request a callback,
               call me tomorrow, I'd like a phone call, have someone ring me, schedule a call back,
               can you call me later, book a callback, I need someone to call me, arrange a call]
  inform:                       # answers to the flow's questions
    examples: ["[Anna Lee](name)", "my name is [John Smith](name)", "I'm [Maria Garcia](name)",
               "it's [David Brown](name)", "[Wei Chen](name)", "name is [Sara Khan](name)",
               tomorrow, next Monday, "on Friday", the day after tomorrow, "in 3 days", next week on Tuesday]

# ---------------------------------------------------------------------------- slots
# Typed memory. A value that does not fit its type gets the slot's `error` response.
# Types: text, integer, number, money, boolean, categorical, regex, date, phone, email, id_number.
slots:
  name:         {type: text, min_length: 2, max_length: 40, error: utter_invalid_name, pii: true}
  callback_day: {type: date, min: today, max: +30d, error: utter_invalid_day, range_error: utter_day_out_of_range,
                 label: day}    # label: how replies name it ("which item? day")

# ---------------------------------------------------------------------------- responses
# What the assistant says. Several variants: one is picked; {slot} inserts a slot's value.
responses:
  utter_greet:
    - text: Hi! I can arrange for one of our team to call you back. Just ask.
  utter_help:
    - text: I can book a call back from our team. Say "cancel" to stop, or "agent" to talk to a person.
  utter_cancelled:
    - text: Okay, cancelled. Anything else?
  utter_handoff:
    - text: I'm passing you to a member of our team now.
  utter_out_of_scope:
    - text: Sorry, I can only arrange call backs.
  utter_fallback:
    - text: Sorry, I didn't get that. Could you rephrase?
  utter_goodbye:
    - text: Thanks for getting in touch. Goodbye!
  utter_ask_stop_flow_request_callback:   # "bye" while the call back is being booked (flows/goodbye.yml)
    - text: Shall I stop booking the call back?
  utter_ask_name:
    - text: Who should we ask for?
  utter_invalid_name:
    - text: Please tell me a name of 2 to 40 characters.
  utter_ask_day:
    - text: Which day suits you for the call?
  utter_invalid_day:
    - text: "I didn't catch a day: try \\"tomorrow\\" or \\"next Monday\\"."
  utter_day_out_of_range:
    - text: We can call on any day from today to 30 days ahead. Which day suits you?
  utter_confirm_callback:
    - text: "A call back for {name} on {callback_day}. Shall I book it?"
      buttons: [{title: "Yes", payload: /affirm}, {title: "No", payload: /deny}]
  utter_callback_booked:
    - text: Booked! We'll call {name} on {callback_day}.

# ---------------------------------------------------------------------------- actions
# Calls to your systems, used by a flow state's `action:`. A webhook receives the
# conversation's slots as JSON and may answer {"slots": {...}}; for example:
# actions:
#   book_callback:
#     type: webhook
#     url: ${CALLBACK_API:-http://127.0.0.1:5055}/callbacks
#     sets: [booking_id]

# ---------------------------------------------------------------------------- global
# Behaviour that works anywhere in a conversation.
global:
  greet:        {intent: greet, response: utter_greet}
  cancel:       {intent: cancel, response: utter_cancelled}
  handoff:      {intent: human_agent, response: utter_handoff}
  help:         {intent: help, response: utter_help}
  out_of_scope: {intent: out_of_scope, response: utter_out_of_scope}
  fallback:     {response: utter_fallback}
  affirm:       {intent: affirm}
  deny:         {intent: deny}
'''

FLOW = '''\
# A flow is a state machine: each state has one step (say, collect, confirm, action, handoff,
# link, end) and says where to go next. `dialog graph __NAME__` draws it.
flows:
  request_callback:
    description: Book a call back from our team
    trigger: request_callback           # the intent that starts it
    states:
      ask_name:                         # the first state is the start
        collect: name                   # asks utter_ask_name until a valid name comes
        prompt: utter_ask_name
        on_failure: to_agent            # after settings.max_attempts wrong answers
        next: ask_day
      ask_day:
        collect: callback_day
        prompt: utter_ask_day
        on_failure: to_agent
        next: confirm
      confirm:
        confirm: utter_confirm_callback # takes a clear yes or no only
        on_yes: booked                  # a real assistant would call an action here
        on_no: ask_what_to_change       # built in: asks which item, re-asks it, confirms again
      booked:
        say: utter_callback_booked
        next: END                       # the flow ends; its slots are cleared
      to_agent:
        handoff: utter_handoff
'''

TESTS = '''\
# Conversation tests: each step is what the user says and what must follow it. Run them with
# `dialog test __NAME__` (against the trained model). Expectations, all optional:
#   intent: the top intent       bot: every reply, in order (response name or exact text)
#   flow / state: where it is    slots: {slot: value}, null = not set
#   handoff: true                end: true = no flow is active any more
tests:
  books_a_callback:
    steps:
      - user: hello
        intent: greet
        bot: [utter_greet]
      - user: I want a call back
        intent: request_callback
        bot: [utter_ask_name]
        flow: request_callback
        state: ask_name
      - user: Anna Lee
        slots: {name: Anna Lee}
        bot: [utter_ask_day]
      - user: tomorrow
        bot: [utter_confirm_callback]
        state: confirm
      - user: "yes"
        bot: [utter_callback_booked]
        end: true

  changes_the_name_before_booking:
    steps:
      - user: please call me back
        bot: [utter_ask_name]
      - user: John Smith
        bot: [utter_ask_day]
      - user: tomorrow
        bot: [utter_confirm_callback]
      - user: "no"
        bot: [utter_ask_what_to_change]
      - user: name
        bot: [utter_ask_name]
      - user: Maria Garcia
        slots: {name: Maria Garcia}
        bot: [utter_confirm_callback]
      - user: "yes"
        bot: [utter_callback_booked]
        end: true

  cancels:
    steps:
      - user: I want a call back
        bot: [utter_ask_name]
      - user: cancel
        intent: cancel
        bot: [utter_cancelled]
        end: true

  asks_for_a_person:
    steps:
      - user: talk to a human
        intent: human_agent
        bot: [utter_handoff]
        handoff: true

  says_what_it_can_do:
    steps:
      - user: what can you do
        intent: help
        bot: [utter_help]

  says_it_is_a_bot:        # built in: no intent needed (framework/engine/bot_challenge.py)
    steps:
      - user: are you a robot?
        bot: [utter_bot_identity]

  says_goodbye:
    steps:
      - user: bye
        intent: goodbye
        bot: [utter_goodbye]
        end: true

  goodbye_while_booking_asks_whether_to_stop:
    steps:
      - user: I want a call back
        bot: [utter_ask_name]
      - user: thanks, bye
        state: ask_name
        bot: [utter_ask_stop_flow_request_callback]
      - user: "yes"
        bot: [utter_goodbye]
        end: true

  says_what_it_cannot_do:
    steps:
      - user: tell me a joke
        intent: out_of_scope
        bot: [utter_out_of_scope]
'''

README = '''\
# __NAME__

An assistant created by `dialog init`: it books a call back from your team, and already
knows greetings, yes and no, cancel, asking for a person, help ("what can you do?"),
goodbye, and what it does not do.

| file | what it holds |
|---|---|
| `domain.yml` | intents with examples, slots, responses, global behaviour (comments explain each part) |
| `flows/callback.yml` | the `request_callback` flow: a name, a day, a confirmation |
| `flows/goodbye.yml` | the `goodbye` flow: says goodbye and ends the conversation; a goodbye in the middle of the call back asks whether to stop it first |
| `tests/conversations.yml` | conversation tests: user messages and what must follow |

## Try it

```bash
dialog validate __NAME__          # every problem with file:line:column
dialog train __NAME__             # fine-tunes the intent classifier into models/__NAME__/
dialog test __NAME__              # runs tests/*.yml against that model
dialog shell __NAME__             # talk to it; /debug shows intent, confidence and slots
dialog serve __NAME__             # serve it over HTTP
```

## Make it yours

1. Add an intent with many examples in `domain.yml` (30 or more is better).
2. Add a flow in `flows/` that the intent triggers; `dialog graph __NAME__` draws it.
3. Add a test in `tests/` for each way the conversation can go, then train and `dialog test`.
'''

GOODBYE_FLOW = '''\
# Says goodbye. `ends_conversation: true` marks it as the conversation's end: a goodbye while
# another flow waits for an answer ("thanks, bye" at "Who should we ask for?") asks
# utter_ask_stop_flow_request_callback first. Yes: that flow is cancelled and this one says
# goodbye. No: the question is asked again. Anything else answers the question.
flows:
  goodbye:
    description: Say goodbye
    trigger: goodbye
    ends_conversation: true
    states:
      bye:
        end: utter_goodbye              # says it, then the flow ends
'''

FILES = {"domain.yml": DOMAIN, "flows/callback.yml": FLOW, "flows/goodbye.yml": GOODBYE_FLOW,
         "tests/conversations.yml": TESTS, "README.md": README}
