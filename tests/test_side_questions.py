"""A flow's `answers:` (framework.engine.side_questions): side questions answered while it waits, then the
question again; found in the customer trials of sessions 27 and 28 ("how long for the new one?", "卡多久能寄到",
"月租多少", "这个有没有合约期" at a confirmation heard "I can't answer that here" or started another flow)."""
from __future__ import annotations

import shutil

import pytest

from framework.spec import load_assistant
from framework.spec.errors import SpecErrors
from tests.conftest import ROOT
from tests.support.engine_turns import replies, start, turns
from tests.support.example_domains import banking, telecom  # noqa: F401 (fixtures)

en = turns(default_intent="inform", runner_up=("affirm", "deny"))
zh = turns(default_intent="提供信息", runner_up=("其他", "否定"))


def _names(result):
    return [e.name for e in result.events]


def _transfer(banking):
    state = en(banking, start(), "send 50 dollars to Tom", "transfer_money", 0.99).state
    assert state.frame.waiting_for == "confirm"
    return state


@pytest.mark.parametrize("text, intent, answer", [
    ("wait is there a fee for that?", "out_of_scope", "There's no fee"),
    ("how long does it take to arrive?", "out_of_scope", "arrives within minutes"),
    ("what's the daily limit", "check_balance", "daily limit of $2,500"),
])
def test_a_transfers_side_questions(banking, text, intent, answer):
    result = en(banking, _transfer(banking), text, intent, 0.9)
    said = replies(result)
    assert "question_answered" in _names(result) and answer in said[0] and said[-1].startswith("Send $50.00 to Tom")
    assert result.state.frame.waiting_for == "confirm" and result.state.slots["amount"]["amount"] == 50
    assert "action_requested" not in _names(result)


def test_the_confirmation_still_takes_its_yes_after_an_answer(banking):
    state = en(banking, _transfer(banking), "any fees?", "out_of_scope", 0.9).state
    result = en(banking, state, "ok yes go ahead", "affirm", 0.99)
    assert "action_requested" in _names(result)


def test_a_block_answers_when_the_new_card_comes(banking):
    state = en(banking, start(), "i lost my card 4821", "lost_card", 0.99).state
    assert state.frame.waiting_for == "confirm"
    result = en(banking, state, "how long for the new one?", "greet", 0.88)
    assert "5 to 7 business days" in replies(result)[0] and result.state.frame.waiting_for == "confirm"


@pytest.mark.parametrize("text, answer", [("这个有没有合约期", "没有合约期"), ("卡多久能寄到", "3 个工作日"), ("月租多少", "39、59、99、129")])
def test_an_openings_side_questions(telecom, text, answer):
    state = zh(telecom, start(), "开户 要39的 身份证310115198807042316", "办理", 0.99).state
    state = zh(telecom, state, "陈晓明", "提供信息", 0.99).state
    result = zh(telecom, state, text, "查询", 0.95)
    assert answer in replies(result)[0] and result.state.frame.waiting_for == "confirm"
    assert result.state.slots["plan"] == "39" and "flow_started" not in _names(result)


def test_a_question_in_a_complaint_is_the_complaint(telecom):
    result = zh(telecom, start(), "投诉", "投诉", 0.99)
    assert result.state.frame.waiting_for == "slot:complaint"
    result = zh(telecom, result.state, "网断了三天了 你们到底多久能处理好？", "投诉", 0.9)
    assert "question_answered" not in _names(result) and "多久" in result.state.slots["complaint"]


@pytest.mark.parametrize("text", ["投诉一般多久有结果？", "投诉了多久能处理？"])
def test_a_question_about_complaints_at_the_complaint_is_answered(telecom, text):
    # it became the complaint (customer trial, session 33): it names the flow by a request word of its step
    result = zh(telecom, zh(telecom, start(), "投诉", "投诉", 0.99).state, text, "投诉", 0.5)
    assert "question_answered" in _names(result) and "24 小时" in replies(result)[0]
    assert "complaint" not in result.state.slots and result.state.frame.waiting_for == "slot:complaint"


def test_a_statement_with_the_word_is_no_question(banking):
    result = en(banking, _transfer(banking), "yes, no fee needed", "affirm", 0.99)
    assert "question_answered" not in _names(result)


def _copy_with(tmp_path, old, new):
    shutil.copytree(ROOT / "domains" / "banking_en", tmp_path / "d", ignore=shutil.ignore_patterns("eval", "tests"))
    shutil.copytree(ROOT / "flows" / "banking_en", tmp_path / "flows" / "banking_en")
    domain = (tmp_path / "d" / "domain.yml").read_text(encoding="utf-8")
    (tmp_path / "d" / "domain.yml").write_text(domain.replace("../../flows/banking_en", "../flows/banking_en"),
                                               encoding="utf-8")
    path = tmp_path / "flows" / "banking_en" / "transfer_money.yml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return tmp_path / "d"


@pytest.mark.parametrize("old, new, words", [
    ("- response: utter_transfer_fee", "- response: utter_transfer_feez", ["unknown response 'utter_transfer_feez'"]),
    ("words: [fee, fees, charge, charges, cost, costs, free]", "", ["missing key 'words' or 'patterns'",
                                                                    "the questions answered"]),
    ("'\\bhow (?:long", "'\\bhow ((?:long", ["patterns"]),
    # a flow's `notices` are checked the same way (session 35)
    ("notices:\n      - response: utter_transfer_from_main_account", "notices:\n      - response: utter_transfer_from_main",
     ["unknown response"]),
    ("notices:\n      - response: utter_transfer_from_main_account\n        patterns:",
     "notices:\n      - response: utter_transfer_from_main_account\n        x:", ["what the flow does differently"]),
])
def test_a_bad_answers_entry_names_its_place(tmp_path, old, new, words):
    domain = _copy_with(tmp_path, old, new)
    with pytest.raises(SpecErrors) as err:
        load_assistant(domain, environ={})
    message = str(err.value)
    assert "transfer_money.yml:" in message and all(w in message for w in words), message
