"""Values that name the flow, with no flow active: "我叫孙丽，身份证…，开户，要39的" as a first
message was read as 提供信息 (no flow's trigger), heard "这个超出我的服务范围啦" and lost every value
(customer trial, session 20). The choices of categorical slots it gave (开户, 39) name the one
flow that collects them: it starts with its answered questions skipped (framework.engine.turn.
_implied_flow). A choice two flows collect, an out-of-scope reading, or a flow already
active: as before. Pure engine turns with set rankings."""
from __future__ import annotations

from tests.support.engine_turns import replies, start, turns
from tests.support.example_domains import telecom  # noqa: F401 (fixtures)

zh = turns(default_intent="提供信息", runner_up=("其他",))
ID = "11010519491231002X"


def test_values_that_name_the_flow_start_it(telecom):
    result = zh(telecom, start(), f"我叫孙丽，身份证{ID}，开户，要39的", "提供信息", 0.9)
    assert result.state.frame.flow == "business" and result.state.frame.waiting_for == "confirm"
    assert result.state.slots["name"] == "孙丽" and result.state.slots["plan"] == "39"
    assert replies(result)[0].endswith("确认办理吗？")
    assert ("flow_started", "values") in [(e.name, e.data.get("reason")) for e in result.events]


def test_otherwise_as_before(telecom):
    assert not zh(telecom, start(), "要39的", "提供信息", 0.9).state.stack  # the plan: consult's too
    assert not zh(telecom, start(), "外卖39元太贵了，开户那种事别找我", "其他", 0.9).state.stack  # out of scope
    assert not zh(telecom, start(), "开户，不对", "否定", 0.99).state.stack  # a no that carried the value
