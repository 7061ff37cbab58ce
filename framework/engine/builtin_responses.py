"""Responses the engine says on its own, in the domain's language, unless the domain
defines a response of the same name (which then wins, variants and buttons included).

They exist so that the defaults do the right thing without new YAML: a correction is
acknowledged, a flow that gives up says so, /restart answers. Placeholders are the
session's slots plus the extra values named in each comment.
"""
from __future__ import annotations

BUILTIN_RESPONSES: dict[str, dict[str, str]] = {
    # A slot of the active flow got a new value: {changed_slot} (its label), {changed_value}.
    # A domain may also define utter_corrected_<slot> for one slot.
    "utter_corrected": {
        "zh": "好的，已将{changed_slot}改为 {changed_value}。",
        "en": "Okay, I've changed the {changed_slot} to {changed_value}.",
    },
    # The value a slot already has, said again at a confirmation ("to my landlord" at "Send
    # $450.00 to my landlord on Saturday?": customer trial, session 20, which heard "I'm not sure
    # I understood"): {changed_slot} (its label), {changed_value}. Said before the confirmation
    # is asked again, no attempt used (framework.engine.corrections.restated).
    "utter_value_unchanged": {
        "zh": "{changed_slot}还是 {changed_value}，没有变。",
        "en": "The {changed_slot} stays {changed_value}.",
    },
    # A new value for a slot that an action of the active flow has already sent (a
    # complaint filed, then "不对，损失是八十块" at "需要转人工吗？"): the value is not
    # changed, since what was sent stays as it was (framework.engine.corrections.too_late);
    # {changed_slot} (its label). Said before the current question is asked again.
    "utter_too_late_to_change": {
        "zh": "{changed_slot}已经随前面的申请提交了，这里改不了。如需更改，可以联系人工客服。",
        "en": "Your {changed_slot} was already sent with your request, so I can't change it here. "
              "A person from our team can change it for you.",
    },
    # A learnt value below the entity threshold, asked about before it is used
    # (framework.engine.slot_filling): {checked_slot} (its label), {checked_value}. A domain
    # may also define utter_confirm_value_<slot> for one slot.
    "utter_confirm_value": {
        "zh": "您说的{checked_slot}是{checked_value}吗？",
        "en": "Did you mean {checked_value} as your {checked_slot}?",
    },
    # A "no" at a confirm step with `on_no: ask_what_to_change`: {changeable}, the labels.
    "utter_ask_what_to_change": {
        "zh": "请问要修改哪一项？可以改：{changeable}。",
        "en": "What would you like to change? You can change: {changeable}.",
    },
    # A request below the fallback threshold whose intent starts a flow, with no flow active
    # (framework.engine.intent_check): {intent_label}, the intent's description (or name). A
    # domain may define utter_ask_intent_<intent> for one intent. Yes starts the flow.
    "utter_ask_intent": {
        "zh": "请问您是想{intent_label}吗？",
        "en": "Did you mean: {intent_label}?",
    },
    # A value said with no request, no flow active (framework.engine.value_noted): {given_values}, each slot's label and
    # value ("last four digits 1234", "手机号 138****8000"). The values are kept for the next request.
    "utter_value_without_request": {
        "zh": "好的，记下了：{given_values}。请问要帮您办理什么？",
        "en": "Noted: {given_values}. What would you like me to do with it?",
    },
    # The no to utter_ask_intent.
    "utter_intent_denied": {
        "zh": "抱歉，我理解错了。能换个说法再说一遍吗？",
        "en": "Sorry, I got that wrong. Could you say it another way?",
    },
    # A message with no letter, digit or CJK character (only emoji, punctuation) while a
    # question waits (framework.engine.unreadable): said before the question is asked again.
    "utter_not_understood": {
        "zh": "抱歉，我没看懂这条消息。",
        "en": "Sorry, I couldn't make out that message.",
    },
    # A plain "no" to a question that wants a value (framework.engine.stop_question): yes
    # cancels the flow, no asks the question again. A domain may also define
    # utter_ask_stop_flow_<flow> for one flow.
    "utter_ask_stop_flow": {
        "zh": "要取消当前的办理吗？",
        "en": "Do you want to stop here?",
    },
    # "I don't remember the number" at a question (framework.engine.unknown_value), in a
    # domain with a handoff behaviour: yes hands off, no asks the question again.
    # {unknown_slot}, the slot's label. A domain may add utter_unknown_<slot>, said first
    # (where to find the value).
    "utter_offer_handoff_unknown": {
        "zh": "需要为您转接人工客服吗？人工客服可以帮您核实。",
        "en": "Would you like me to connect you with a colleague who can help without it?",
    },
    # The no to that offer, before the question is asked again.
    "utter_value_later": {
        "zh": "好的，您找到{unknown_slot}后直接告诉我就行。",
        "en": "Okay. Whenever you have the {unknown_slot}, just tell me.",
    },
    # The same message in a domain without a handoff behaviour, before the question again.
    "utter_value_unknown": {
        "zh": "没关系，您找到{unknown_slot}后直接告诉我就行；不想继续的话，说“取消”。",
        "en": "No problem. Whenever you have the {unknown_slot}, just tell me, or say \"cancel\" to stop.",
    },
    # "Why do you need my ID?" at a collect step (framework.engine.why_asked), when the domain
    # has no utter_why_<slot>: {why_slot}, the slot's label; the question follows. The _pii
    # one for a `pii: true` slot.
    "utter_why_value": {
        "zh": "需要{why_slot}才能继续办理这件事。",
        "en": "I need the {why_slot} to go on with this request.",
    },
    "utter_why_value_pii": {
        "zh": "需要{why_slot}来核实身份、办理这件事；它只用于本次服务，记录里会打码保存。",
        "en": "I need your {why_slot} to check it's you and go on with this request; it is used for nothing else "
              "and is masked in our records.",
    },
    # A request withdrawn in the message that makes it ("can you block my card … wait no dont, i
    # found it"): no flow starts (framework.engine.turn._withdrawal_read).
    "utter_request_withdrawn": {
        "zh": "好的，那就先不办了。还有什么可以帮您的吗？",
        "en": "Okay, I'll leave it then. Anything else I can help with?",
    },
    # Two requests in one message ("block my card and also tell me my balance"): the second waits
    # under the first (framework.engine.turn._defer_also); said before the first one's question.
    "utter_both_requests": {
        "zh": "好的，两件事我都记下了：先办这一件，另一件接着办。",
        "en": "Sure, I've got both: this one first, then the other right after.",
    },
    # a value for a later question given at another (framework.engine.turn._only_another_answer):
    # {noted_slot}, its label; the question asked is said again after it
    "utter_value_noted": {
        "zh": "好的，{noted_slot}记下了。",
        "en": "Got it, I've noted the {noted_slot}.",
    },
    # three requests or more in one message: the others wait in the order said
    "utter_all_requests": {
        "zh": "好的，这几件事我都记下了：先办这一件，其余的按顺序接着办。",
        "en": "Sure, I've got all of them: this one first, then the others in the order you said them.",
    },
    # "稍等，我去找一下" / "hold on, let me grab my card" at a question (framework.engine.hold_on):
    # {wait_slot}, the slot's label; the question is not asked again. A domain may also define
    # utter_take_your_time_<slot> for one slot.
    "utter_take_your_time": {
        "zh": "好的，不着急，准备好{wait_slot}后直接发给我就行。",
        "en": "Sure, take your time. Send me the {wait_slot} when you have it.",
    },
    # "maybe", "可能吧" at a confirmation (framework.slots.answers.is_hedge): no yes, no no, no attempt
    # used; the confirmation waits.
    "utter_clear_yes_no": {
        "zh": "这一步需要您明确答复：要办就回复“确认”，不办就回复“不用”。",
        "en": "I need a clear yes or no for this one: say yes to go ahead, or no if not.",
    },
    # An ID number said as another person's ("我老婆的是440306…") at or before the question for the
    # customer's own (framework.slots.number_labels.someone_elses): said with the question.
    "utter_own_value": {
        "zh": "这里需要您本人的{own_label}，不能用家人或别人的。",
        "en": "I need your own {own_label} here, not someone else's.",
    },
    # A value changed after the request that carried it was refused ("换个身份证" after "该身份证名下号码已满"):
    # nothing went through, and the flow cannot send it again from here (framework.engine.corrections).
    "utter_request_refused_no_change": {
        "zh": "刚才的申请没有办成，什么都没有提交；这里改不了{changed_slot}。要换信息办理，可以重新发起，或者转人工。",
        "en": "That request didn't go through, so nothing was sent; I can't change the {changed_slot} here. "
              "You can start the request again with it, or talk to a person.",
    },
    # After a request that did not go through, new values for it said as the request again ("那重新开户 用我闺女的 …"):
    # it starts over with them and reads them back (framework.engine.turn._request_again).
    "utter_request_again": {
        "zh": "好的，用新的信息重新办理。",
        "en": "Alright, let's try again with the new details.",
    },
    # A cancel right after a flow's action went through ("cancel that" after "Done: $90.00 to Kevin"):
    # it cannot be undone here (framework.engine.turn).
    "utter_already_done": {
        "zh": "这件事刚才已经办好了，这里撤销不了。如果办错了，请说“转人工”，人工客服会帮您处理。",
        "en": "That has already gone through, and I can't undo it here. If it was a mistake, say \"agent\" "
              "and a colleague will help.",
    },
    # The same, for a request whose date is still ahead (a transfer set for Wednesday): it has not happened yet, and a
    # person can stop it before then; {scheduled_date} (framework.engine.turn._say_already_done).
    "utter_scheduled_not_undone": {
        "zh": "这件事定在{scheduled_date}，还没有执行，但这里取消不了。请说“转人工”，人工客服可以在那之前帮您取消。",
        "en": "That is set for {scheduled_date}, so it hasn't gone out yet, but I can't cancel it here. Say \"agent\" "
              "and a colleague can stop it before then.",
    },
    # The same request twice in one message ("send 50 dollars to Tom and 30 dollars to Ann"): the
    # second waits under the first (framework.engine.slot_filling._two_requests).
    # A change for the request that waits for its turn, said at the first one's read-back ("Bob should get 250
    # actually" with $100 to Ann read back and $200 to Bob Stone next: framework.engine.slot_filling._for_the_next_run)
    "utter_next_one_changed": {
        "zh": "好的，这个改动记在下一笔上，轮到它时我会再跟您核对。先确认这一笔：",
        "en": "Okay, that change is for the next one; I'll read it back when we get to it. First, this one:",
    },
    # "随便" / "whatever" at a menu of choices (framework.engine.turn._collect_whole): the menu again after it
    "utter_choose_yourself": {
        "zh": "这个需要您自己选一个。",
        "en": "I need you to pick one yourself.",
    },
    "utter_one_at_a_time": {
        "zh": "好的，两件我都记下了，一件一件来：先办第一件。",
        "en": "Sure, I'll do them one at a time, starting with the first.",
    },
    # A PIN, password, CVV or one-time code typed in ("my pin is 4321": framework.masking.SECRET_RE,
    # masked in logs and the stored history); said before whatever else the message gets.
    "utter_secret_warning": {
        "zh": "温馨提示：请不要在这里发送密码、验证码等信息，我们不会向您索要。",
        "en": "Please don't share your PIN, passwords or security codes here: we will never ask for them.",
    },
    # "are you a robot?", "你是机器人还是真人啊" (customer trials, session 40: "That's outside what I can do", the help
    # menu): what the assistant is, and that a person is there (framework.engine.bot_challenge).
    "utter_bot_identity": {
        "zh": "我是智能客服助手，不是真人。需要人工客服的话，说\"转人工\"就行。",
        "en": "I'm an automated assistant, not a person. If you'd like to talk to someone, just say \"agent\".",
    },
    # The same at a confirmation ("hang on", "等一下"): the confirmation is not asked again.
    "utter_take_time_to_confirm": {
        "zh": "好的，不着急，想好了告诉我就行。",
        "en": "Sure, take your time. Tell me when you're ready.",
    },
    # A message the classifier was unsure of, mostly in a script the domain's language does
    # not use (framework.engine.foreign_language): said instead of the fallback.
    "utter_language_unsupported": {
        "zh": "抱歉，我目前只能用中文交流。",
        "en": "Sorry, I can only chat in English.",
    },
    # A checked value of another slot (a phone number at the ID question) as the answer to a
    # question (framework.engine.turn): {found_label}, {wanted_label}; the question follows.
    "utter_other_kind_of_value": {
        "zh": "这看起来是{found_label}，这里需要的是{wanted_label}。",
        "en": "That looks like your {found_label}, but I need the {wanted_label} here.",
    },
    # A question the assistant cannot answer (unsure, or out of scope) at a yes/no
    # confirmation (framework.engine.confirm.question_instead_of_answer); the confirmation follows.
    "utter_question_at_confirmation": {
        "zh": "这个问题我在这里回答不了。请先回答“是”或“否”：",
        "en": "I can't answer that here, sorry. To go on, please answer yes or no:",
    },
    # The same at a question that wants a value (the question follows).
    "utter_question_at_question": {
        "zh": "这个问题我在这里回答不了。",
        "en": "I can't answer that here, sorry.",
    },
    # The running flow's own trigger ("开户" while opening an account) given as the answer
    # to a question that wants a name (framework.engine.value_guard): said before the
    # question is asked again. A domain may also define utter_already_in_flow_<flow>.
    "utter_already_in_flow": {
        "zh": "好的，正在为您办理这件事。",
        "en": "Sure, that's what we're doing now.",
    },
    # A collect or confirm step ran out of attempts and has no on_failure.
    "utter_gave_up": {
        "zh": "抱歉，这件事我们没能办成。您可以稍后再试，或者说“转人工”。",
        "en": "Sorry, I couldn't get that done. You can try again later, or ask for an agent.",
    },
    # A turn would otherwise end without a word (a flow that ends silently); also the
    # answer to a yes with no flow active ("ok" after a flow ended:
    # framework.engine.nothing_pending).
    "utter_anything_else": {
        "zh": "还有什么可以帮您的吗？",
        "en": "Is there anything else I can help you with?",
    },
    # The last digits alone of an ID or phone number asked for (framework.engine.slot_filling.tail_only)
    "utter_whole_number_again": {
        "zh": "好的，后几位是 {tail}。请把完整的{tail_label}再发我一次，我需要全部的号码。",
        "en": "Got it, it ends in {tail}. Please type the whole {tail_label} once more: I need all of it.",
    },
    # "anything else I need to do?" right after a flow ended (framework.engine.nothing_pending.nothing_more_needed)
    "utter_nothing_more_needed": {
        "zh": "这样就好了，不需要您再做什么。还有什么可以帮您的吗？",
        "en": "That's all: nothing more is needed from you. Is there anything else I can help you with?",
    },
    # "one more thing" / "还有一件事" with no flow active (framework.engine.nothing_pending.more_to_ask)
    "utter_go_on": {
        "zh": "好的，您请说，还需要办什么？",
        "en": "Sure, go ahead: what else can I do for you?",
    },
    # A nudge ("快点", "hello??") right after a handoff (framework.engine.handoff.still_waiting).
    "utter_handoff_waiting": {
        "zh": "正在为您转接人工客服，请再稍等一下，接通后会马上为您处理。",
        "en": "You're in the queue for a colleague: please hold on a little longer, they'll pick this up as soon as they join.",
    },
    # A yes right after "Sorry, I didn't quite get that" or an out-of-scope reply: nothing was asked, nothing done
    # (framework.engine.nothing_pending; "Is there anything else?" there sounded like a job done: customer trial, s44)
    "utter_nothing_done_yet": {
        "zh": "抱歉，刚才那句我没能办理，现在还什么都没做。请换个说法再说一次您要办的事，比如“查余额”或“我要开户”。",
        "en": "Sorry, nothing has been done yet: I didn't manage to act on that. Could you say again what you'd like, "
              "in other words?",
    },
    # "办好了吗？" at a read-back: nothing is done before the yes (framework.engine.outcome); the read-back follows.
    "utter_not_done_yet": {
        "zh": "还没有办理：您确认之后才会办。",
        "en": "Not yet: nothing is done until you say yes.",
    },
    # "办好了没" at a question asked again after the backend refused the request (framework.engine.outcome).
    "utter_not_done_refused": {
        "zh": "还没有办成。",
        "en": "No, it didn't go through.",
    },
    # "did anything get sent?" after a request was cancelled before its action (framework.engine.outcome).
    "utter_cancelled_yes": {
        "zh": "是的，那件事在办理之前就取消了，什么都没有办。",
        "en": "Yes: that was cancelled before anything was done, so nothing went through.",
    },
    "utter_nothing_done": {
        "zh": "没有，那件事在办理之前就取消了，什么都没有办。",
        "en": "No: that was stopped before anything was done, so nothing went through.",
    },
    # A no with no flow active ("no" to "Anything else?": framework.engine.nothing_pending).
    "utter_nothing_else": {
        "zh": "好的，有需要随时找我。",
        "en": "Alright. If you need anything else, just ask.",
    },
    # What was under way dropped for another request in the same message ("算了先不投诉了，我要换套餐", "never mind,
    # block my card instead": framework.engine.turn._dropped_for_another); the other flow's question follows.
    "utter_stopped_for_another": {
        "zh": "好的，刚才的事不办了。",
        "en": "Okay, I've stopped that.",
    },
    # A cancel taken back in the next message ("哎还是办吧", "please do send it after all": framework.engine.handoff);
    # the flow it stopped starts again after it.
    "utter_cancel_taken_back": {
        "zh": "好的，那我们接着办。",
        "en": "Okay, let's carry on with it.",
    },
    # A handoff asked for at a confirmation: nothing was done (framework.engine.steps.hand_off), said
    # before the handoff response.
    "utter_not_done_before_handoff": {
        "zh": "刚才的事项还没确认，没有办理。",
        "en": "Nothing has gone through, since it wasn't confirmed.",
    },
    # A goodbye confirmed while a confirmation waited (framework.engine.stop_question): nothing was done; said before
    # the goodbye.
    "utter_not_done_before_goodbye": {
        "zh": "刚才的事项还没确认，没有办理；需要的话随时再来。",
        "en": "Just so you know, that hasn't gone through, since it wasn't confirmed.",
    },
    # A handoff taken back in the next message ("那算了不转了，继续办吧": framework.engine.handoff); the
    # flow it stopped starts again after it, or, with none, utter_anything_else.
    "utter_handoff_taken_back": {
        "zh": "好的，不转人工了。",
        "en": "Okay, I won't connect you.",
    },
    # The cancel intent with no flow active (framework.engine.turn): nothing was cancelled.
    "utter_nothing_to_cancel": {
        "zh": "目前没有正在办理的事项。请问有什么可以帮您？",
        "en": "There's nothing in progress to cancel. What can I do for you?",
    },
    # "ok now back to the transfer" with nothing under way (after it was cancelled: a goodbye in a
    # customer trial of session 28; framework.engine.turn): nothing to go on with, no goodbye either.
    "utter_nothing_to_continue": {
        "zh": "目前没有正在办理的事项，取消了的需要重新开始。请问要办什么？",
        "en": "There's nothing in progress right now; anything stopped has to be started again. What would you like to do?",
    },
    # Two different values for one slot in one message, without a correction ("block card 4821
    # and 1234"; framework.engine.slot_filling): nothing is stored, this asks which one.
    # A change of a number slot's value that does not say which way ("change it by 20", "差20";
    # framework.engine.corrections.relative): the value stays; {which_label} (its label),
    # {which_delta} (the amount said), {which_value} (the value now).
    # a second misunderstanding in a row, in a domain with a handoff (framework.engine.turn._fallback)
    # "so what do I do now" right after a request that cannot be undone or changed here (framework.engine.turn)
    "utter_what_now_person": {
        "zh": "这件事人工客服可以帮您处理：说“转人工”，我帮您转接。",
        "en": "A colleague can look into it for you: say \"agent\" and I'll pass you over.",
    },
    # "那我把手机给他，让他自己说" read as the handoff intent (framework.engine.turn._global)
    "utter_holder_speaks": {
        "zh": "好的，请机主本人直接告诉我要办的业务，以及他的姓名和身份证号。",
        "en": "Sure: the account holder can tell me what they need, with their name as on the account.",
    },
    # "那怎么办" at an offer of a person (framework.engine.turn._what_now_at_a_persons_offer)
    "utter_what_now_offer": {
        "zh": "这件事人工客服可以帮您处理，需要的话回复“需要”，我马上帮您转接。",
        "en": "A colleague can sort this out for you: say yes and I'll pass you over.",
    },
    "utter_offer_person": {
        "zh": "看来我没能理解您的意思，抱歉。需要的话可以说“转人工”，我帮您联系人工客服。",
        "en": "Sorry, I'm not getting it. If you'd like a person to help, just say \"agent\".",
    },
    # a whole card number typed where its last four digits are asked (framework.engine.slot_filling._card_end)
    "utter_full_card_number": {
        "zh": "为了安全，请不要发送完整的银行卡号，我只需要后四位，已经按后四位处理。",
        "en": "For your safety, please don't type your full card number here: I only need the last four digits, "
              "and I've used those.",
    },
    # a cancel that ends one flow and goes back to the one under it (framework.engine.turn._cancel): no "anything else?"
    "utter_cancelled_resume": {
        "zh": "好的，这个不办了。我们接着刚才那件事：",
        "en": "Okay, I've dropped that. Back to what we were doing:",
    },
    # the request under way said again at its confirmation, nothing changed (framework.engine.turn)
    "utter_same_request": {
        "zh": "您说的就是正在办的这一件，请确认：",
        "en": "That's the one I have ready:",
    },
    # an out-of-scope message about money taken ("I never bought this", "被盗刷了"; framework.engine.turn)
    # A no to an offer of a person (framework.engine.nothing_pending): what only a person can do stays with them.
    "utter_person_declined": {
        "zh": "好的，先不转人工。这件事我这里处理不了，只有人工客服能办；您改主意了随时说“转人工”。",
        "en": "Okay, I won't put you through. I can't fix that one myself, only our team can, so if you change your "
              "mind, just say \"agent\".",
    },
    # Who to turn to, asked out of scope ("那我到底找谁啊", "who do I talk to then?"): a person, where the domain has one
    # (framework.engine.turn._person_for_money)
    "utter_offer_person_who": {
        "zh": "这件事人工客服可以帮您查清楚：说“转人工”，我就帮您联系。",
        "en": "A colleague can look into that for you: just say \"agent\" and I'll put you through.",
    },
    "utter_offer_person_for_money": {
        "zh": "涉及被扣钱、被盗刷的问题，可以说“转人工”，让人工客服帮您看看怎么处理。",
        "en": "If money was taken that you didn't agree to, one of our agents can look into it: just say \"agent\".",
    },
    # An amount that is no one amount ("两三百", "五六十", "every month 10 more", "not much, a few dollars") at a money
    # slot's question (framework.engine.turn._collect_whole): why it is asked again; the question follows
    "utter_amount_not_exact": {
        "zh": "需要一个确切的总金额（比如 250 元）。",
        "en": "I need one exact total amount (for example 250).",
    },
    "utter_which_way": {
        "zh": "{which_label}现在是 {which_value}。请问是加 {which_delta}，还是减 {which_delta}？",
        "en": "The {which_label} is {which_value} now. Should I add {which_delta} or take {which_delta} off?",
    },
    "utter_which_value": {
        "zh": "您说了不止一个{which_label}（{which_values}），一次只能用一个。请问用哪一个？",
        "en": "You gave more than one {which_label} ({which_values}), and I can take one at a time. Which one should I use?",
    },
    # More of the request that started the flow, said at another of its questions ("断网断了两
    # 天，影响我工作了" at the complaint's name question; framework.engine.trigger_text): added to
    # the free text, said before the question again.
    "utter_detail_added": {
        "zh": "好的，这个情况我也记下了。",
        "en": "Got it, I've added that.",
    },
    # A surname alone ("我姓李", "王女士", "Mr Smith") at a name question
    # (framework.engine.value_guard): {partial_label}, the slot's label. Said instead of the
    # question; no attempt is used up.
    "utter_full_name": {
        "zh": "请告诉我完整的{partial_label}，姓和名都要。",
        "en": "I need the full name for the {partial_label}, first and last name. Could you give it to me?",
    },
    # A clear yes at a menu (a categorical slot's question: "对👌" at "请选择套餐：39元、59元…"),
    # which picks none of its choices (framework.engine.stop_question.yes_at_menu); the
    # question follows, and no attempt is used up.
    "utter_pick_one": {
        "zh": "好的，请从这几项里选一个：",
        "en": "Sure. Which one would you like? Please pick one:",
    },
    # At a menu of choices, the only ones the message names are turned down ("129的太贵了，不要" at the plan question
    # heard "没有这个套餐哦", as if 129 did not exist: customer trial, session 31). Said before the menu again; no
    # attempt used.
    "utter_other_choice": {
        "zh": "好的，不选这个。请从其他几项里选一个：",
        "en": "Okay, not that one. Which of the others would you like?",
    },
    # A message that declines to give the value asked for ("不告诉你", "I'd rather not say";
    # framework.engine.stop_question): {refused_label}, the slot's label. The stop question
    # ("Do you want to stop here?") follows.
    "utter_value_refused": {
        "zh": "没有{refused_label}的话，这件事没法继续办理。",
        "en": "I'm afraid I can't go on without the {refused_label}.",
    },
    # A text over its slot's max_length (framework.slots.values), instead of the slot's
    # `error` (written for a short answer); an attempt is used, as for any invalid answer.
    "utter_text_too_long": {
        "zh": "这段话有点长，麻烦简短一些，说说最主要的情况。",
        "en": "That's a bit long for me. Could you say it more briefly?",
    },
    "utter_restarted": {  # /restart
        "zh": "好的，我们重新开始。请问有什么可以帮您？",
        "en": "Okay, let's start over. How can I help?",
    },
    "utter_session_started": {  # /session_start, when the domain has no greet response
        "zh": "您好，请问有什么可以帮您？",
        "en": "Hello! How can I help?",
    },
}
# Words that join the labels of {changeable}.
LIST_SEPARATOR = {"zh": "、", "en": ", "}
DEFAULT_LANGUAGE = "en"


def language_code(language: str) -> str:
    """'zh-CN' -> 'zh'; a language without built-in texts uses English."""
    code = language.split("-")[0].split("_")[0].lower()
    return code if code in LIST_SEPARATOR else DEFAULT_LANGUAGE


def builtin_text(name: str, language: str) -> str | None:
    texts = BUILTIN_RESPONSES.get(name)
    return texts[language_code(language)] if texts else None
