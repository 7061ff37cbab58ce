"""banking_en's transfer_money without a model (rule-based extractors, set intents): a
collect step's `default: today`, values out of their slot's bounds said with the slot's
range_error wherever they are said, amounts with a currency never read as card digits,
values for slots the running flow does not use not kept, and the validator's check of a
`default`. Pure engine turns."""
from __future__ import annotations

import datetime as dt

import pytest

from framework.engine.state import SessionState
from framework.engine.turn import handle_message
from framework.nlu.interface import Entity, IntentScore, NLUResult
from framework.slots import extract_entities
from framework.spec import SpecErrors
from tests.support.example_domains import banking  # noqa: F401 (fixtures)
from tests.test_entity_slots import write_domain

NOW = dt.datetime(2026, 12, 2, 10, 0)
OVER_LIMIT = "I can send from $1 up to your daily limit of $2,500. How much would you like to send?"
DATE_RANGE = "I can send money today or on a day within the next 30 days, not earlier or later. When should I send it?"


def say(assistant, state, text, intent="inform", learnt=()):
    entities = extract_entities(assistant, text, today=NOW.date()) + tuple(learnt)
    nlu = NLUResult(text, (IntentScore(intent, 0.99),), entities)
    return handle_message(assistant, state, nlu, now=NOW)


def texts(result):
    return [r.text for r in result.replies]


def started(banking, text="I want to transfer money", learnt=()):
    return say(banking, SessionState.new("u", NOW), text, "transfer_money", learnt)


def test_the_date_is_today_unless_said(banking):
    result = say(banking, started(banking, "send 50 dollars").state, "my mum")
    assert result.state.slots["date"] == "2026-12-02"  # not asked
    assert texts(result) == ["Send $50.00 to my mum on Wednesday 2 December?"]
    result = say(banking, started(banking, "send 50 dollars tomorrow").state, "my mum")
    assert result.state.slots["date"] == "2026-12-03"
    assert texts(result) == ["Send $50.00 to my mum on Thursday 3 December?"]


def test_the_date_changed_at_the_confirmation(banking):
    state = say(banking, started(banking, "send 50 dollars").state, "my mum").state
    result = say(banking, state, "make it next friday")
    assert texts(result) == ["Okay, I've changed the date to Friday 4 December.", "Send $50.00 to my mum on Friday 4 December?"]


@pytest.mark.parametrize("said, date", [("12/20", "2026-12-20"), ("12/20/2026", "2026-12-20"), ("20/12", "2026-12-20")])
def test_a_correction_read_as_out_of_scope_still_corrects(banking, said, date):
    """Customer trial, session 12: "change the date to 12/20" at the confirmation was read
    as out of scope (0.94), its date ignored (and "12/20" was no date), and the customer's
    yes sent the money on the old date. A message that sounds like a correction keeps the
    values of the slots the flow collects, whatever the intent."""
    state = say(banking, started(banking, "send 50 dollars tomorrow").state, "my mum").state
    result = say(banking, state, f"change the date to {said}", intent="out_of_scope")
    assert result.state.slots["date"] == date
    assert texts(result) == ["Okay, I've changed the date to Sunday 20 December.", "Send $50.00 to my mum on Sunday 20 December?"]


def test_an_out_of_scope_question_still_changes_nothing(banking):
    state = say(banking, started(banking, "send 50 dollars").state, "my mum").state
    result = say(banking, state, "will it rain on 12/20", intent="out_of_scope")
    assert result.state.slots["date"] == "2026-12-02" and "entities_ignored" in [e.name for e in result.events]


def test_an_amount_over_the_limit_in_the_first_sentence_is_said_and_asked(banking):
    result = started(banking, "send 9000 dollars to John")
    assert texts(result) == [OVER_LIMIT] and "amount" not in result.state.slots
    assert "value_out_of_range" in [e.name for e in result.events]
    result = say(banking, result.state, "$3,000")  # the answer out of bounds: the same reply
    assert texts(result) == [OVER_LIMIT] and result.state.frame.attempts == 1


def test_a_date_out_of_bounds_is_said_and_the_default_not_taken(banking):
    text = "send 50 dollars to John in 60 days"
    john = Entity("recipient", "John", "John", 19, 23, "model", 0.95)  # as the trained model tags it
    result = started(banking, text, learnt=[john])
    assert result.state.slots["recipient"] == "John"
    assert texts(result) == [DATE_RANGE] and result.state.frame.state == "ask_date"
    assert "date" not in result.state.slots
    result = say(banking, result.state, "tomorrow")
    assert texts(result) == ["Send $50.00 to John on Thursday 3 December?"]
    result = started(banking, "send money yesterday")  # the date's step comes first: asked now
    assert texts(result) == [DATE_RANGE]
    assert texts(say(banking, result.state, "today")) == ["How much would you like to send?"]


INVALID_AMOUNT = "Please tell me the amount in US dollars (the only currency I can send), for example $50 or fifty dollars."


@pytest.mark.parametrize("text", ["send €50 to Anna", "send 50 euros to Anna"])
def test_an_amount_in_another_currency_is_said_and_asked(banking, text):
    """Customer trial, session 12: "send €50 to Anna tomorrow" heard only "How much would you
    like to send?", as if the 50 had not been said; the slot's error says why it was refused."""
    result = started(banking, text)
    assert texts(result) == [INVALID_AMOUNT] and "amount" not in result.state.slots
    assert result.state.frame.state == "ask_amount"
    assert texts(say(banking, result.state, "$50")) == ["Send $50.00 to Anna on Wednesday 2 December?"]


INVALID_DATE = "I didn't get the date. Say today, tomorrow, next Friday or a date such as December 20."


@pytest.mark.parametrize("date", ["the 31st of February", "February 30"])
def test_a_day_that_does_not_exist_is_said_and_no_default_taken(banking, date):
    """Customer trial, session 12: "send money to my brother on the 31st of February" went on
    with today's date (the step's default), as if no date had been said."""
    text = f"send 50 dollars to John on {date}"
    learnt = [Entity("recipient", "John", "John", 19, 23, "model", 0.95),
              Entity("date", date, date, text.index(date), len(text), "model", 0.95)]
    result = started(banking, text, learnt=learnt)
    assert texts(result) == [INVALID_DATE] and "date" not in result.state.slots
    assert result.state.frame.state == "ask_date"
    assert texts(say(banking, result.state, "tomorrow")) == ["Send $50.00 to John on Thursday 3 December?"]


@pytest.mark.parametrize("date, shown", [("on the 5th", "Saturday 5 December"), ("on January 1", "Friday 1 January")])
def test_a_day_of_the_month_and_next_januarys_days_are_dates_in_range(banking, date, shown):
    """Customer trial, session 13: "transfer 20 dollars to Tom on the 5th" got "I didn't get
    the date"; and a January day said in December was January of this year, eleven months
    ago, refused as out of the 30-day range."""
    text = f"send 50 dollars to John {date}"
    learnt = [Entity("recipient", "John", "John", 19, 23, "model", 0.95)]
    result = started(banking, text, learnt=learnt)
    assert texts(result) == [f"Send $50.00 to John on {shown}?"]


@pytest.mark.parametrize("amount", ["25.999", "$25.999"])
def test_an_amount_finer_than_a_cent_is_refused_not_rounded(banking, amount):
    """Customer trial, session 12: "25.999" at the amount question was stored as 25.999 and
    confirmed as "$26.00": the backend would have been sent another sum than the one shown."""
    result = say(banking, started(banking, "send money to Jane").state, amount)
    assert texts(result) == [INVALID_AMOUNT] and "amount" not in result.state.slots
    assert texts(say(banking, result.state, "$25.99")) == ["Send $25.99 to Jane on Wednesday 2 December?"]


def test_a_negative_amount_is_not_read_as_its_digits(banking):
    """Customer trial, session 12: "transfer -50 to bob" was confirmed as $50.00: the model
    read -50 (below min: 1), and the context template's "50", without the sign, was stored."""
    text = "transfer -50 to bob"
    fifty = Entity("amount", "-50", "-50", 9, 12, "model", 0.95)
    result = started(banking, text, learnt=[fifty])
    assert texts(result) == [OVER_LIMIT] and "amount" not in result.state.slots


def test_out_of_bounds_at_the_confirmation_is_said_and_its_question_waits(banking):
    # Session 29: the old confirmation said at once after "...How much would you like to send?" was sent on
    # "yes" (customer trial: "make it jan 30", "actually make it 3000"); the question waits, then the confirmation
    state = say(banking, started(banking, "send 50 dollars").state, "my mum").state
    result = say(banking, state, "actually make it 9000 dollars")
    assert texts(result) == [OVER_LIMIT] and result.state.frame.waiting_for == "slot:amount"
    assert result.state.slots["amount"] == {"amount": 50, "currency": "USD"} and result.state.frame.attempts == 0
    assert texts(say(banking, result.state, "90 dollars")) == ["Send $90.00 to my mum on Wednesday 2 December?"]


def test_digits_with_a_currency_are_an_amount_not_a_card(banking):
    entities = {e.entity: e.value for e in extract_entities(banking, "transfer 1000 dollars and $2500", NOW.date())}
    assert "card_last4" not in entities
    assert {e.entity for e in extract_entities(banking, "card ending 1000", NOW.date())} == {"card_last4"}
    result = started(banking, "send 1000 dollars")
    assert result.state.slots["amount"] == {"amount": 1000, "currency": "USD"}
    assert "card_last4" not in result.state.slots


def test_a_value_for_a_slot_the_running_flow_does_not_use_is_not_kept(banking):
    state = say(banking, SessionState.new("u", NOW), "I want to activate my card", "activate_card").state
    result = say(banking, state, "4821, will it work today?")
    assert result.state.slots == {"card_last4": "4821"}  # no transfer date
    assert say(banking, SessionState.new("u", NOW), "my card ends in 4821").state.slots == {"card_last4": "4821"}


def test_the_validator_checks_a_default(tmp_path):
    files = {
        "domain.yml": 'version: "1"\nlanguage: en\nflows: [flows]\nintents:\n  go: {examples: [go]}\n'
                      "slots:\n  day: {type: date, min: today}\n  n: {type: integer, max: 5}\n"
                      "responses:\n  utter_ask_day: [{text: When?}]\n  utter_ask_n: [{text: How many?}]\n",
        "flows/go.yml": "flows:\n  go:\n    trigger: go\n    states:\n"
                        "      ask_day: {collect: day, default: yesterday, next: ask_n}\n"
                        "      ask_n: {collect: n, default: 9, next: END}\n",
    }
    with pytest.raises(SpecErrors) as caught:
        write_domain(tmp_path, files)
    lines = [line.split(" ", 1)[1] for line in str(caught.value).splitlines()[:-1]]
    assert lines == [
        "E052 flows.go.states.ask_day.default: default value does not fit slot 'day'. Expected a value a date "
        f"slot accepts (must be at least {dt.date.today().isoformat()}); found 'yesterday'.",
        "E052 flows.go.states.ask_n.default: default value does not fit slot 'n'. Expected a value an integer "
        "slot accepts (must be at most 5); found 9.",
    ]


@pytest.mark.parametrize("spec, shown", [("%A %-d %B", "Saturday 5 December"), ("%-m月%-d日", "12月5日"),
                                         ("%d/%m/%Y", "05/12/2026")])
def test_a_date_placeholder_takes_strftime_directives(spec, shown):
    from framework.engine.render import display_date, interpolate

    assert interpolate(f"on {{date:{spec}}}", {"date": "2026-12-05"}) == f"on {shown}"
    assert interpolate("{name:%A}", {"name": "Jane"}) == "Jane"  # no date: shown as it is
    assert display_date("2026-12-05", "zh-CN") == "12月5日" and display_date("2026-12-05", "en") == "Saturday 5 December"
