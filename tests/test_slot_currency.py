"""Money-only keys on slots that are not money (issue 10): `currency:` declared on a number
slot is E050; `slots.x.currency` in a condition and `{x.currency}` in a response on a slot
whose value has no such key are E066 (a key that reads as unset at run time, so a condition
on it would silently never be true). The texts are golden: what `dialog validate` prints.
The E066 fixture of tests/test_spec_golden.py shows the same for the base domain."""
from __future__ import annotations

from pathlib import Path

import pytest

from framework.spec import SpecErrors, load_assistant

DOMAIN = """\
version: "1"
language: en
flows: [flows]
intents:
  pay: {examples: [pay a bill, i want to pay]}
slots:
  price: {type: money, currency: USD}
  tip: {type: number}
responses:
  utter_ask_price: [{text: How much?}]
  utter_ask_tip: [{text: Any tip?}]
  utter_done: [{text: "Paid {price.amount} {price.currency}, tip {tip}."}]
"""
FLOW = """\
flows:
  pay:
    trigger: pay
    states:
      ask_price:
        collect: price
        prompt: utter_ask_price
        on_failure: END
        next: ask_tip
      ask_tip:
        collect: tip
        prompt: utter_ask_tip
        on_failure: END
        transitions:
          - if: slots.price.currency == "USD" and slots.price.amount > 100
            to: done
          - to: done
      done:
        end: utter_done
"""


def problems(tmp_path: Path, monkeypatch, domain: str = DOMAIN, flow: str = FLOW) -> list[str]:
    (tmp_path / "flows").mkdir()
    (tmp_path / "domain.yml").write_text(domain, encoding="utf-8")
    (tmp_path / "flows" / "pay.yml").write_text(flow, encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # messages name files relative to the current directory
    try:
        load_assistant(Path("."), environ={})
    except SpecErrors as err:
        return [e.format() for e in err.errors]
    return []


def test_amount_and_currency_of_a_money_slot_are_fine(tmp_path, monkeypatch):
    assert problems(tmp_path, monkeypatch) == []


def test_currency_declared_on_a_number_slot_is_e050(tmp_path, monkeypatch):
    domain = DOMAIN.replace("tip: {type: number}", "tip: {type: number, currency: USD}")
    assert problems(tmp_path, monkeypatch, domain) == [
        "domain.yml:8:23: E050 slots.tip.currency: 'currency' is not an option of number slots. Expected one of "
        "'max', 'min' or 'zero_words'; found 'currency'. 'currency' is for money slots."]


def test_currency_of_a_number_slot_in_a_condition_is_e066(tmp_path, monkeypatch):
    flow = FLOW.replace('slots.price.currency == "USD"', 'slots.tip.currency == "USD"')
    assert problems(tmp_path, monkeypatch, flow=flow) == [
        "flows/pay.yml:15:17: E066 flows.pay.states.ask_tip.transitions[0].if: 'slots.tip.currency' reads key "
        "'currency' of slot 'tip', a number slot. Expected 'slots.tip' itself (a number slot's value has no keys); "
        "found 'currency'. 'currency' is a key of a money slot's value: declare 'tip' with 'type: money'."]


def test_amount_of_a_number_slot_in_a_response_is_e066_at_its_column(tmp_path, monkeypatch):
    domain = DOMAIN.replace("tip {tip}.", "tip {tip.amount:.2f}.")
    assert problems(tmp_path, monkeypatch, domain) == [
        "domain.yml:12:66: E066 responses.utter_done[0].text: '{tip.amount}' reads key 'amount' of slot 'tip', "
        "a number slot. Expected '{tip}' itself (a number slot's value has no keys); found 'amount'. 'amount' is "
        "a key of a money slot's value: declare 'tip' with 'type: money'."]


@pytest.mark.parametrize("written,column", [("slots.price.cents > 100", 51), ("not slots.price.curency", 55)])
def test_an_unknown_key_of_a_money_slot_is_e066_with_the_keys_it_has(tmp_path, monkeypatch, written, column):
    flow = FLOW.replace("slots.price.amount > 100", written)
    (found,) = problems(tmp_path, monkeypatch, flow=flow)
    key = written.split("slots.price.")[1].split()[0]
    assert found.startswith(f"flows/pay.yml:15:{column}: E066 flows.pay.states.ask_tip.transitions[0].if: "
                            f"'slots.price.{key}' reads key '{key}' of slot 'price', a money slot. Expected a key "
                            f"of a money value: one of 'amount' or 'currency'; found '{key}'."), found
    assert found.endswith("Did you mean 'currency'?") == (key == "curency")
