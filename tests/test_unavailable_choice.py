"""A choice the assistant cannot serve here, named by the customer (framework.engine.unavailable):
"我想办个宽带" where only 开户 and 换套餐 are online heard "请问您要办理开户还是变更套餐？" with no word
about 宽带 (customer trial, session 16). A categorical slot's `unavailable: {response, words}`
says so before its question, at the flow's start and at an answer (no attempt used); a choice
understood in the same message wins; other flows never hear it. Pure engine turns with set
rankings, on a small domain and on telecom_zh."""
from __future__ import annotations

import pytest

from framework.spec import load_assistant
from framework.spec.errors import SpecErrors
from tests.support.engine_turns import replies, start, turns, write_domain

DOMAIN = """\
version: "1"
language: zh
flows: [flows]
settings: {fallback_threshold: 0.5}
intents:
  办理: {examples: [我要办业务]}
  投诉: {examples: [我要投诉]}
  咨询: {examples: [有什么套餐]}
  转人工: {examples: [转人工]}
  其他: {examples: [今天天气怎么样]}
slots:
  business:
    type: categorical
    choices: {开户: [办新卡], 换套餐: [改套餐]}
    unavailable: {response: utter_offline, words: [宽带, 固话]}
    error: utter_invalid_business
  complaint: {type: text, min_length: 4}
global:
  handoff: {intent: 转人工, response: utter_handoff}
responses:
  utter_handoff: [{text: 正在为您转接人工。}]
  utter_plans: [{text: 我们有四档套餐。}]
  utter_ask_business: [{text: 开户还是换套餐？}]
  utter_invalid_business: [{text: 只能选开户或换套餐。}]
  utter_offline: [{text: 宽带和固话要到营业厅办理。}]
  utter_ask_complaint: [{text: 请描述问题。}]
  utter_done: [{text: 好的。}]
"""
FLOWS = """\
flows:
  business:
    trigger: 办理
    states:
      ask: {collect: business, next: done}
      done: {end: utter_done}
  consult:
    trigger: 咨询
    states:
      say: {say: utter_plans, next: done}
      done: {end: utter_done}
  complaint:
    trigger: 投诉
    states:
      ask: {collect: complaint, next: done}
      done: {end: utter_done}
"""
turn = turns(default_intent="其他", runner_up=("办理", "投诉"))


@pytest.fixture
def assistant(tmp_path):
    return write_domain(tmp_path, {"domain.yml": DOMAIN, "flows/f.yml": FLOWS})


def test_said_before_the_question_when_the_flow_starts(assistant):
    # only that asked: where it is done, and the flow ends (session 41; before, the question came after it)
    result = turn(assistant, start(), "我想办个宽带", "办理")
    assert replies(result) == ["宽带和固话要到营业厅办理。"] and not result.state.stack
    assert replies(turn(assistant, start(), "我要办业务", "办理")) == ["开户还是换套餐？"]
    # a choice understood in the same message wins
    assert replies(turn(assistant, start(), "宽带不要了，我要改套餐", "办理")) == ["好的。"]


def test_an_answer_naming_one_uses_no_attempt(assistant):
    state = turn(assistant, start(), "我要办业务", "办理").state
    result = turn(assistant, state, "固话", "其他", 0.3)
    assert replies(result) == ["宽带和固话要到营业厅办理。", "开户还是换套餐？"]
    assert result.state.frame.attempts == 0
    wrong = turn(assistant, state, "手机", "其他", 0.3)  # "随便" until session 33, now a hedge (no attempt)
    assert replies(wrong) == ["只能选开户或换套餐。"] and wrong.state.frame.attempts == 1


def test_before_another_flow_or_a_global_intent_but_not_a_handoff(assistant):
    """"装宽带" read as 咨询 0.82 at the question started the plans flow (a model of session 17)."""
    state = turn(assistant, start(), "我要办业务", "办理").state
    result = turn(assistant, state, "装宽带", "咨询", 0.82)
    assert replies(result) == ["宽带和固话要到营业厅办理。", "开户还是换套餐？"]
    assert result.state.frame.flow == "business"
    assert replies(turn(assistant, state, "宽带办不了就转人工吧", "转人工", 0.95)) == ["正在为您转接人工。"]


def test_other_flows_never_hear_it(assistant):
    state = turn(assistant, start(), "我要投诉", "投诉").state
    assert replies(turn(assistant, state, "宽带老是断网，三天了", "投诉", 0.3)) == ["好的。"]


def test_telecom_zh_broadband():
    telecom = load_assistant("domains/telecom_zh")
    said = replies(turn(telecom, start(), "我想办个宽带", "办理"))
    assert len(said) == 1 and said[0].startswith("补卡、挂失、流量包、国际漫游、彩铃、宽带、固话、携号转网")
    # with its values said too, the question comes: something else may be meant
    said = replies(turn(telecom, start(), "我想办宽带，王小明，11010519491231002X", "办理"))
    assert said[-1] == "请问您要办理开户（办新卡）还是变更套餐？"


@pytest.mark.parametrize("slot,message", [
    ("  x: {type: categorical, choices: [a], unavailable: {response: utter_nope, words: [b]}}",
     "unknown response 'utter_nope'"),
    ("  x: {type: text, unavailable: {response: utter_done, words: [b]}}",
     "'unavailable' is not an option of text slots"),
    ("  x: {type: categorical, choices: [a], unavailable: {response: utter_done}}", "words"),
])
def test_bad_unavailable_is_a_clear_error(tmp_path, slot, message):
    domain = DOMAIN.replace("  complaint: {type: text, min_length: 4}", "  complaint: {type: text, min_length: 4}\n" + slot)
    with pytest.raises(SpecErrors) as err:
        write_domain(tmp_path, {"domain.yml": domain, "flows/f.yml": FLOWS})
    assert message in str(err.value) and "domain.yml:" in str(err.value)


def _at_the_plan_menu(telecom):
    state = start()
    for text, intent in [("我要开户", "办理"), ("我叫李小龙", "提供信息"), ("11010519491231002X", "提供信息")]:
        result = turn(telecom, state, text, intent, 0.95)
        state = result.state
    assert replies(result) == ["请选择套餐：39元（基础）、59元、99元（5G）、129元（不限量融合）。"]
    return state


def test_telecom_zh_broadband_at_another_question_of_the_flow():
    """"我想办宽带" at the plan menu while an account is opened heard "没有这个套餐哦", as if 宽带
    were a wrong plan (customer trial, session 18): the business slot's words count at the
    flow's other questions; the plan menu again, no attempt used."""
    telecom = load_assistant("domains/telecom_zh")
    state = _at_the_plan_menu(telecom)
    result = turn(telecom, state, "我想办宽带", "办理", 0.9)
    said = replies(result)
    assert said[0].startswith("补卡、挂失、流量包、国际漫游、彩铃、宽带、固话、携号转网") and said[1].startswith("请选择套餐")
    assert result.state.frame.attempts == 0 and result.state.slots.get("business") == "开户"
    confirmation = replies(turn(telecom, result.state, "59元", "提供信息", 0.9))[0]
    assert "开户" in confirmation and "59" in confirmation


def test_a_yes_at_a_menu_asks_to_pick_one():
    """"对👌" at the plan menu heard "没有这个套餐哦" (customer trial, session 18)."""
    telecom = load_assistant("domains/telecom_zh")
    state = _at_the_plan_menu(telecom)
    for text, intent, confidence in [("对👌", "肯定", 0.6), ("好的", "肯定", 0.99), ("/肯定", "肯定", 1.0)]:
        result = turn(telecom, state, text, intent, confidence)
        assert replies(result) == ["好的，请从这几项里选一个：", "请选择套餐：39元（基础）、59元、99元（5G）、129元（不限量融合）。"]
        assert result.state.frame.attempts == 0
    # a no, or a wrong plan, is still the slot's error and uses an attempt
    for text, intent in [("不要", "否定"), ("88元", "提供信息")]:
        result = turn(telecom, state, text, intent, 0.9)
        assert replies(result) == ["没有这个套餐哦，可选的是 39、59、99、129 元四档。"] and result.state.frame.attempts == 1
