"""A question at a yes/no confirmation that the assistant cannot answer: "wait is this
going to cancel my direct debits?" at "I'll block the card ending 4821 ... Go ahead?"
heard "Sorry, I didn't quite get that. Could you rephrase?" (customer trial, session 16),
which no rephrasing answers. Now `utter_question_at_confirmation` and the confirmation
again, with no attempt used, whether the classifier was unsure or called it out of scope.
Pure engine turns with set rankings.
"""
from __future__ import annotations

from tests.support.engine_turns import replies, start, turns, write_domain

DOMAIN = """\
version: "1"
language: %s
flows: [flows]
settings: {fallback_threshold: 0.5}
intents:
  block: {examples: [block my card]}
  affirm: {examples: ["yes"]}
  deny: {examples: ["no"]}
  out_of_scope: {examples: [what's the weather]}
slots:
  card: {type: text}
global:
  affirm: {intent: affirm}
  deny: {intent: deny}
  out_of_scope: {intent: out_of_scope, response: utter_out_of_scope}
  fallback: {response: utter_fallback}
responses:
  utter_ask_card: [{text: Which card?}]
  utter_confirm_block: [{text: "Block {card}? Go ahead?"}]
  utter_blocked: [{text: Blocked.}]
  utter_kept: [{text: Kept.}]
  utter_out_of_scope: [{text: That's outside what I can do.}]
  utter_fallback: [{text: "Sorry, could you rephrase?"}]
"""
FLOW = """\
flows:
  block:
    trigger: block
    states:
      ask: {collect: card, next: confirm}
      confirm: {confirm: utter_confirm_block, on_yes: done, on_no: kept, max_attempts: 2}
      done: {end: utter_blocked}
      kept: {end: utter_kept}
"""
turn = turns(default_intent="out_of_scope", runner_up=("block",))


def at_confirmation(assistant):
    state = turn(assistant, start(), "block my card", "block").state
    result = turn(assistant, state, "the gold one", "block", 0.3)
    assert replies(result) == ["Block the gold one? Go ahead?"]
    return result.state


def test_english_unsure_or_out_of_scope(tmp_path):
    en = write_domain(tmp_path, {"domain.yml": DOMAIN % "en", "flows/f.yml": FLOW})
    state = at_confirmation(en)
    question = "wait is this going to cancel my direct debits?"
    for confidence in (0.3, 0.9):  # below the threshold; out of scope
        result = turn(en, state, question, "out_of_scope", confidence)
        assert replies(result) == ["I can't answer that here, sorry. To go on, please answer yes or no:",
                                   "Block the gold one? Go ahead?"]
        assert result.state.frame.attempts == 0
        state = result.state
    assert replies(turn(en, state, "yes", "affirm")) == ["Blocked."]
    # no question: the fallback (unsure) and the out-of-scope reply (sure) as before
    assert replies(turn(en, state, "the weather is nice", "out_of_scope", 0.9))[0] == "That's outside what I can do."
    assert "rephrase" in replies(turn(en, state, "purple monkey", "out_of_scope", 0.3))[0]


def test_chinese(tmp_path):
    zh = write_domain(tmp_path, {"domain.yml": DOMAIN % "zh", "flows/f.yml": FLOW})
    state = at_confirmation(zh)
    assert replies(turn(zh, state, "冻结以后自动扣款还能用吗？", "out_of_scope", 0.3))[0] == \
        "这个问题我在这里回答不了。请先回答“是”或“否”："
