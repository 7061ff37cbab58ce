"""A text answer over its slot's max_length hears `utter_text_too_long`, not the slot's `error`:
a 564-character complaint heard "请再具体描述一下问题（至少 4 个字）" (customer trial, session 19).
telecom_zh's complaint now takes up to 2,000 characters (a message is capped at 5,000)."""
from __future__ import annotations

from framework.spec import load_assistant
from tests.support.engine_turns import replies, start, turns

turn = turns(default_intent="提供信息", runner_up=("其他", "投诉"))
RANT = "你们的网络从上个月开始就一直断断续续，打客服电话没人接，营业厅也说处理不了，"


def test_a_long_complaint_is_taken_and_a_too_long_one_is_told_so():
    telecom = load_assistant("domains/telecom_zh")
    state = turn(telecom, start(), "我要投诉", "投诉").state
    assert state.frame.waiting_for == "slot:complaint"
    long = (RANT * 20)[:600]
    taken = turn(telecom, state, long, "投诉", 0.9)
    assert taken.state.slots.get("complaint") == long
    too_long = turn(telecom, state, (RANT * 80)[:2100], "投诉", 0.9)
    assert replies(too_long) == ["这段话有点长，麻烦简短一些，说说最主要的情况。"]
    assert "complaint" not in too_long.state.slots
    short = turn(telecom, state, "差", "投诉", 0.3)
    assert replies(short)[0].startswith("请再具体描述一下")
