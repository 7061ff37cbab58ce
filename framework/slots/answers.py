"""Yes / no answers and what is not an answer at all. Pure, no model.

A confirmation files a claim or blocks a card, so the engine decides one only on a clear
answer (framework.engine.confirm). This module supplies the parts that need no classifier:

- `yes_no(text, language)`: the whole message is a yes or a no word of the language
  ("是的！", "nope"), emoji around it aside ("对👌", "yes 👍"; "好的👎" says two things and
  is neither). Without a language every listed language's words count (a boolean
  slot's value). An emoji alone is never a yes or a no.
- `is_question(text, language)`: "是不是？", "在不在", "can you do it?" ask something; they
  never answer one, whatever an intent classifier makes of them.
- `has_words(text)`: emoji, punctuation and digits alone carry no yes or no.
- `has_content(text)`: a letter, a digit or a CJK character; a message without one (emoji,
  punctuation, whitespace) answers no question at all (framework.engine.unreadable).
- `is_hesitation(text, language)`: "hmm", "um, let me think", "呃……", "我想想" buy time;
  a fine-tuned model scored "hmm" as affirm at 0.88 (benchmarks/confirm_non_answers.py).
- `dont_know(text, language, whole=False)`: "I don't remember the number", "no idea",
  "不记得了", "忘带了": the customer does not have the value asked for
  (framework.engine.unknown_value); with `whole`, only when that is all the message says
  (a text slot's answer such as "I don't know why it keeps dropping" is a description).
- `refuses(text, language)`: "不告诉你", "保密", "I'd rather not say": the whole message
  declines to give the value asked for (framework.engine.stop_question).
- `sounds_like_correction(text, language)`: "不对，…", "改成…", "actually …": a number in
  such a message may correct an earlier answer (framework.engine.corrections).
"""
from __future__ import annotations

import functools
import re
import unicodedata

YES_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset({
        "yes", "y", "yeah", "yep", "yup", "ya", "sure", "ok", "okay", "correct", "right", "confirm",
        "confirmed", "affirmative", "absolutely", "definitely", "certainly", "of course", "yes please",
        "go ahead", "that's right", "that's correct", "true",
        # customer trial, session 21: "sure why not" (deny 0.55), "ok cool" (a wrong four digits)
        "sure why not", "why not", "obviously", "ok cool", "okay cool", "cool", "alright", "all right",
        "sounds good", "sure thing", "perfect", "go for it", "do it", "yes do it", "k", "kk",
        # session 44: text-speak ("yh" at "Who should I send it to?" became the payee: "Done: $45.00 to yh")
        "yh", "ye", "yah", "yas", "yass", "yesss", "yess", "yea yea",
        # session 23: spoken and regional forms
        "uh huh", "uh-huh", "mhm", "mm-hmm", "yea", "aye", "spot on", "bang on", "yessir",
        # session 24's held-out file: "deffo, block it" was read as cancel 0.49-0.95 by all three
        # banking_en models (at "Go ahead?" the card would have stayed unblocked); Filipino "opo"
        "deffo", "defo", "too right", "righto", "right-o", "opo", "yes po", "oo po", "sige", "for sure",
        # and its second file: "I agree, please proceed with the transfer" (cancel 0.80 on one seed)
        "i agree", "agreed", "by all means",
        # session 25's held-out file: Hindi-English "haan ji" (goodbye 0.67-0.83 on all three models)
        "haan", "haan ji", "ji haan", "han ji", "that's the one", "thats the one",
        # session 26's trial: "ok go" after "hold on" was read as goodbye, and the "yes" to "Do you want
        # to stop?" that followed cancelled the transfer
        "ok go", "okay go", "go on", "ok go ahead", "okay go ahead", "proceed", "ok proceed",
        # session 29's trial: "okey dokey" (goodbye 0.55) and "go on then" were no answer; other languages' yeses
        "okey dokey", "okey-dokey", "okie dokie", "okie-dokie", "go on then", "ok then", "okay then",
        "si", "sí", "ja", "oui", "sim", "evet", "да", "tak",
        # session 47's trial: "100%" at a transfer's read-back heard "I'm not sure I understood"
        "100%", "100 %", "100 percent", "a hundred percent", "hundred percent", "one hundred percent",
        # tried by hand, session 41: "grand, go" (Irish English) at a transfer's read-back was read as goodbye 1.00
        # and asked whether to stop the transfer
        "grand", "grand so", "that's grand", "thats grand", "grand go", "grand go ahead", "grand go on", "yeah go",
        # trial round 4, session 42: "yeah nah all good send it" (Australian: "no worries, it's fine") at a read-back
        # ("all good" alone also closes a chat: no yes word)
        "all good send it", "all good go ahead", "yeah nah all good send it", "nah all good send it",
        # tried by hand, session 42: "sound" (Irish English) at a read-back was not understood; fresh_test_57 (session
        # 43): "Sho nuff" read as deny 0.96-1.00, "Abeg do am" (Nigerian Pidgin) below the threshold
        "sound", "sound so", "sound out", "that's sound", "thats sound", "sho nuff", "shonuff", "abeg do am",
        "do am", "fr fr",
        # fresh_test_59 (session 44): "alrighty" (greet 0.94-1.00), "I don't see why not" (deny 0.88-0.98 on two models),
        # "well I'm not going to say no, am I" (deny 1.00 on all three)
        "alrighty", "alrighty then", "gladly", "aye aye", "aye aye captain", "i don't see why not", "i dont see why not",
        "don't see why not", "i'm not going to say no", "im not going to say no", "well i'm not going to say no",
        "well i'm not going to say no am i", "i'm not going to say no, am i", "im not going to say no, am i",
        "i'm not gonna say no", "not going to say no", "sharp sharp", "sharp sharp do am",
    }),
    "zh": frozenset({
        "是", "是的", "对", "对的", "对啊", "好", "好的", "嗯", "嗯嗯", "可以", "确认", "确定", "没错",
        "没问题", "行", "要", "需要", "同意", "当然", "是滴", "确认无误", "对对对",
        "好嘞", "好滴", "好呀", "可以的", "行的", "妥", "没毛病",
        # dialect and chat forms (session 22's held-out file: "对头，…", "嗯呐，…")
        "对头", "对滴", "嗯呐", "嗯哪",
        # session 23's held-out file: "恩恩" (a common slip for 嗯嗯: 问候 / 提供信息 on all three models)
        "恩", "恩恩", "嗯呢", "恩呢",
        # and its second file: dialect and pinyin yeses (粤语 系, 东北 妥了, 河南 中, "shide")
        "系", "系滴", "系呀", "系啊", "妥了", "中", "得嘞", "要得", "shide", "shi de", "haode", "hao de", "dui",
        # session 24's second file: "成，给我开通" (办理 / 肯定 below the threshold)
        "成", "成嘞", "成啊",
        # session 25's held-out file: "可不嘛" read as 否定 1.00 by all three models (a yes said as "isn't it so")
        "可不嘛", "可不是嘛", "可不是", "那可不", "可不", "那是", "那必须的",
        # the customer trial of session 25: "那好吧，我姓林" stored the name "那好"
        "那好", "那好吧", "那行", "那行吧", "也行", "那也行", "那就这样", "那就这样吧",
        # the customer trial of session 33: "也不是不行" at a read-back (否定 1.00) asked what to change
        "也不是不行", "也不是不可以", "倒也不是不行", "倒也不是不可以", "不是不行", "也不是不能",
        "ok", "okay", "yes",  # Chinese users type these too
    }),
}
NO_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset({
        "no", "n", "nope", "nah", "wrong", "incorrect", "no thanks", "no thank you", "not really",
        # the customer trial of session 33: "yeah no" at a read-back (deny 1.00) heard "Say help"
        "yeah no", "yeah nah", "yea no",
        "that's wrong", "negative", "false",
        # session 23's held-out file: "nuh uh" was read as affirm at 0.96-0.99 by all three
        # banking_en models, which at a confirmation would have sent the money
        "nuh uh", "nuh-uh", "uh uh", "uh-uh", "naw", "nay", "no way", "not at all",
        # session 25's held-out file: "hard pass" read as affirm 0.49-0.95 by all three models
        "hard pass", "i'll pass", "ill pass", "pass", "nahh", "nope nope", "no no",
        # customer trial, session 29: "nyet" (affirm 0.94), "niet" (0.85) and Romanian "nu" (0.98) blocked the
        # card at "Go ahead?"; other languages' noes typed in an English chat
        "nyet", "niet", "nu", "nein", "nee", "nej", "non", "não", "nao", "no gracias", "non merci", "nein danke",
        "hayır", "hayir", "нет", "ні", "iie", "hindi po", "nahi", "nahin", "nahi ji",
        # session 29's second held-out file: Jamaican "nuh, a nuh dat" read as affirm 0.65-0.89 by all three models
        "nuh", "a nuh dat", "a nuh so", "nuh man",
        # fresh_test_59 (session 44): at a read-back "don't go ahead" (affirm 0.93 on one model), "ain't happening", and
        # Xhosa "hayi" and Setswana "aowa" (greet or affirm on all three) would have sent the money
        "don't go ahead", "dont go ahead", "do not go ahead", "don't do it", "dont do it", "do not do it",
        "don't send it", "dont send it", "don't you dare", "dont you dare", "ain't happening", "aint happening",
        "not happening", "hayi", "hayi bo", "aowa", "aowa nna", "tjo hayi",
    }),
    "zh": frozenset({
        "否", "不", "不是", "不对", "不要", "不用", "不行", "不可以", "不需要", "没有", "不同意",
        "算了", "错了", "不确定", "不好", "不确认", "有误", "不对不对", "不是的", "木有", "没得",
        # the customer trial of session 33: "那算了" at the phone question (取消 1.00) heard the phone's error twice
        "那算了", "那就算了", "那算了吧", "那就算了吧", "算了吧",
        # session 23's second held-out file: dialect noes ("莫得" was read as 肯定 0.92 by one served model:
        # at a confirmation it would have said yes)
        "莫得", "唔系", "唔好", "唔要", "弗对", "勿要", "不得行", "冇", "bushi", "bu shi", "buyao", "bu yao",
        # session 25's held-out file: "甭了甭了" read as 肯定 0.99 by one model (a yes at a confirmation)
        "甭了", "甭了甭了", "甭", "不用不用", "不要不要",
        # session 32's customer trial: "拉倒吧" read as 肯定 0.95 at two read-backs (an account opened, a complaint filed)
        "拉倒", "拉倒吧", "得了吧", "nah", "nope", "no way", "bu ban le", "bu yao le", "不办了",
        "no",
    }),
}
# Trailing/leading punctuation people add to a one-word answer: 是的！ / yes.
_PUNCT = " \t\r\n,.!;:~，。！；：、…～\"'“”‘’"
_PARTICLES = "呢啊呀吧哦了"
_QUESTION_MARKS = "?？"
# Chinese questions without a question mark: a final particle, an A-not-A pair (在不在,
# 是不是, 可不可以, 有没有; not inside "不对不对", a no said twice: read as a question, it heard "这个问题我在这里
# 回答不了" at a confirmation, and the plan the customer had just refused went through: trial of session 25),
# a final 呢 ("上个月的呢", stored as a name in the same trial; not "嗯呢", "在呢"), or a question word.
_ZH_QUESTION = re.compile(
    # "你们靠谱不" at the name question was stored as the name (customer trial, session 33): the A-not(-A) question
    # "你是真人还是机器人啊" at the name question was checked as the name 机器人 (customer trial, session 33)
    r"(?:是[^，,。！!]{1,8}还是[^，,。吧]{1,8}[啊呀呢]?\s*$|[吗么]\s*$|(?<=[\u4e00-\u9fff])(?<![我你他她也都还就可并绝决要说])[不没]\s*$|(?<![嗯好在着])呢\s*$|(?<![不没])([^不没\W\d])[不没]\1|(?<!没)什么|怎么|为什么|为啥|哪|几[个点时号天张条次块分岁年月位]|多少|多久|多长|多大|是否|谁|(?<!没)(?<!莫得)(?<!没得)(?<!没有)啥"
    # dialect question words: "超了咋个算钱" (Sichuanese) at a plan's offer was no question (customer trial, session 42);
    # 啷个 (Chongqing), Cantonese 几多 / 点样 / 乜嘢
    # ... and Sichuanese 好多 = 多少 before what is counted ("99嘞那个有好多流量哦": session 44)
    r"|咋(?:个|样|算|收|计|回事)|啷个|几多|点样|乜嘢|有好多(?:流量|钱|分钟|G|g|个G))")
# English: a question word first, or an auxiliary before its subject ("can you", "is it");
# "do it" is an order, so bare "do" does not count.
# Words that may open a question before its question word: "ok so how long will it take", "yes what is the
# fee", "wait what's the fee" (each sent the money at a transfer's confirmation: customer trial, session 29)
_QUESTION_LEAD_EN = (r"(?:(?:ok(?:ay)?|so|yes|yeah|yep|sure|and|but|wait|well|hmm+|alright|right|oh|um+|uh+|cool|fine"
                     r"|sorry|also|just|quick question"
                     # "I dont understand, what is activating" heard the help list (customer trial, session 40)
                     r"|i\s+(?:don'?t|do\s+not)\s+(?:understand|get\s+it|get\s+that|follow)|i'?m\s+(?:confused|lost))"
                     r"[,.!\s]+)*")
_EN_QUESTION_START = re.compile(
    # an indirect yes-or-no question: "and she wants to know if her card can be used abroad" started an activation
    # (customer trial, session 44)
    r"\b(?:wants?|wanted|would like|'d like) to know (?:if|whether)\b|\b(?:i'?m |was |just )?wondering (?:if|whether)\b"
    # ("whats" as typed in a chat: "oh ok, whats the latest date i can pick then" heard that only card services are
    # served, customer trial, session 42)
    r"|"
    rf"^{_QUESTION_LEAD_EN}(?:what|whats|why|how|hows|when|where|wheres|who|whos|whom|whose|which)\b"
    rf"|^{_QUESTION_LEAD_EN}(?:is|are|am|was|were|can|could|does|did|will|would|should|shall|may|might|has|have|"
    r"isn't|aren't|don't|doesn't|won't|wouldn't|can't)\s+(?:you|i|we|they|he|she|it|this|that|there|my|your)\b"
    rf"|^{_QUESTION_LEAD_EN}do\s+(?:you|i|we|they)\b")
# A pattern that matches nothing: the default of a per-language pattern for a language that has none
NEVER = re.compile(r"(?!)")
# A whole English message asking for a moment: what may open it and its wait phrase ("no wait", "one
# sec"); framework.engine.hold_on.bare_wait builds on the same two
# "hmm actually wait" at a read-back heard "I'm not sure I understood" (customer trial, session 46): up to three lead words
WAIT_LEAD_EN = r"^(?:(?:no|oh|uh|um+|h+m+|ok|okay|sorry|actually|but|well)[,.\s]+){0,3}"
WAIT_PHRASE_EN = r"(?:hold on|hang on|wait|one sec(?:ond)?|one moment|(?:just |wait |give me )?a (?:sec|second|moment|minute))"
# Hesitations: at the start of the message (English "hmm"/"um"/"uh"/"er"; Chinese 呃/额,
# 嗯 followed by an ellipsis: a bare 嗯 is a yes), or a "let me think" phrase anywhere.
_HESITATION = {
    "en": re.compile(r"^(?:h+m+|m{2,}|u+m+|u+h+|e+r+m*|e+h+m*|e+m{2,}|well)\b|\blet me (?:think|see|check)\b|\bnot sure\b"
                     # the whole message asks for a moment: "hold on", "no wait", "one sec please"
                     rf"|{WAIT_LEAD_EN}{WAIT_PHRASE_EN}(?:[,\s]+(?:please|pls|a sec(?:ond)?|a moment|a minute))?[\s.!…]*$"),
    # ("行 我考虑下 谢谢" at a plan's offer heard "没听明白": customer trial, session 42)
    "zh": re.compile(r"^(?:[呃额]|e+m{2,}|嗯+(?:…|\.\.\.|。。|[啊呃额]))|我想想|再想想|让我想|考虑一下|考虑考虑|考虑下|想一想|等一下|稍等"
                     r"|^(?:等等|等下|等会儿?)[。.!！…]*$"),  # whole-message only: 等等 is also "and so on"
}
_CORRECTION_MARKERS = {
    # "损失其实有 大概30块" at a complaint's read-back of 0 元 was not taken (customer trial, session 28)
    # "少了个零，是一万五" at a read-back of 1500 元 heard "没听明白", and "对" filed 1500 (customer trial, session 34)
    "zh": re.compile(r"不对|不是|错了|改成|改为|换成|换个|换一个|换张|应该是|更正|改一下|搞错|其实|^不[，,\s]"
                     r"|[少多]了?(?:一|个|一个|两个)?[零0]|[少多]打了|[少多]写了|[少多]说了"
                     # "哦不，还是99吧", "嗯…要不还是39吧" (肯定 0.68-0.75) at a read-back of 129 / 59 heard "没听明白", and
                     # "确认" opened the account on the plan given up (customer trial, session 34)
                     r"|^(?:哦|啊|呃|额|嗯)+[，,\s…。.]*不[，,\s]|要不还是|要不然还是"
                     r"|^(?:嗯|呃|哦|那)?[…，,\s]*还是[^，,。？?]{1,8}吧[。.!！]*$"
                     # "等等我翻了下短信，是一千二百八十块" at a read-back of a 200 元 loss: "还是 200元，没有变", and "确认"
                     # filed 200 (customer trial, session 44): a wait, then what it is
                     r"|^(?:等等|等一下|等下|稍等|哦|噢|诶|哎)[^。！？?]{0,14}?[，,。…\s]*(?:是|应该是|其实是|一共是|总共是)"
                     r"\s*[\d零一二两三四五六七八九十百千万]"
                     # "算了算了，三十九的就行，反正我也不怎么用" at a read-back of 59 heard "套餐还是 59"，and "嗯呐" opened 59
                     # (customer trial, session 47, round 3): a value with "就行" is the one chosen now
                     r"|[\d一二两三四五六七八九十百]\s*(?:元|块)?(?:钱)?(?:的|那个|那档)?(?:套餐)?就(?:行|好|可以|够)(?:了)?"),
    # "ends in 4821 I think, or maybe 1234, I am not sure" took 1234 as corrected and blocked it (customer trial,
    # session 32): "not sure" is a doubt, no correction
    "en": re.compile(r"\b(?:actually|make (?:it|that)|change|instead|wrong|should be|meant|correction|rather"
                     r"|not(?!\s+(?:(?:totally|quite|really|too|so|that|100\s*%?|a\s+hundred\s+percent)\s+)?"
                     r"(?:sure|certain|positive)\b)"
                     r"|no,?\s+wait|wait,?\s+no|i mean|scratch that|oops|typo|(?:missed|missing|forgot) a (?:zero|0|digit)"
                     r"|(?:one|a) (?:zero|0) (?:too many|short|missing))\b"
                     # "can I schedule it for the 1st of next month?" at a transfer's read-back was ignored, and "yes"
                     # sent it today (customer trial, session 39): a change asked as a question
                     r"|\b(?:can|could|may|would)\s+(?:i|you|we)\s+(?:please\s+)?(?:schedule|move|push|set|make|change|put|"
                     r"postpone|delay|bring)\s+(?:it|that|this|the (?:transfer|payment|date|amount))\b"
                     # "oh no sorry that's my other bank's card. the one with you is 1234" at 5678's block read-back
                     # heard "The last four digits stays 5678" (customer trial, session 44)
                     r"|^(?:(?:oh|ah|uh|um|er|ugh)[,.!\s]+)?(?:no|nope|sorry|wait|oops)\b"
                     r"|\bthe one (?:with you|(?:that )?i (?:lost|meant)|(?:that )?(?:was|got|is|'s) (?:lost|stolen|nicked|missing))\b"
                     # "hmm maybe it's the 9876 one then" at 5678's block read-back: "The last four digits stays 5678"
                     # (customer trial, session 44); the value is read back again before anything is done
                     r"|\b(?:maybe|perhaps|probably) (?:it'?s|its|it is|it was)\b|\bthe \d{4} one(?: then)?\b"),
}

# Markers after which the customer says the right value: "我叫赵六，不对，我叫赵大六", "4821, no
# wait, 4321". Not "不是"/"not"/"instead"/"rather": they negate what follows ("张三，不是张珊")
# or come after the value ("Alice instead").
_CORRECTION_TAIL = {
    # "三千块 哦不 三千五" stored 3000, "不是八百 是八十" at a read-back asked what to change (trial, session 27)
    # "我想从三十九的换到五十九的" asked which of the two (hand try, session 46): a move from one choice to another
    "zh": re.compile(r"不对|错了|搞错了?|说错了?|改成|改为|换成|应该是|更正(?:一下)?|我是说|我的意思是"
                     r"|换到|改到|换为|(?:升|降)(?:级|档)?到|调到|调成|变成"
                     r"|[哦噢喔啊呃额哎诶]\s*不(?=[，,、。\s]|$)|不不|不是[^，,。\s]{1,10}[，,\s]+(?=是)"
                     # "我叫张三，不是，我叫张山": 不是 as a clause of its own (张三 was kept: customer trial, session 35)
                     r"|(?<=[，,、。\s])不是(?=[，,、。！!\s])"),
    # "block my card ending 4821. wait no, not that one. the one ending 1234" (deny 0.59): the fallback (trial,
    # session 27)
    "en": re.compile(r"\b(?:actually|make (?:it|that)|should be|i meant?|correction|no,?\s+wait|wait,?\s+no|scratch that"
                     r"|oops|sorry)\b", re.IGNORECASE),
}  # searched in the text as given, so that offsets stay the text's own
# An apology that ends a message corrects nothing by itself: "oops i mean John Davis, sorry typo" at a read-back changed
# the recipient to "typo" and sent $75 to it (customer trial, session 45); what it says after "sorry" is no value
_APOLOGY_END = re.compile(r"[\s,;.!-]*\b(?:sorry|oops|my bad)(?:\s+(?:for|about)\s+(?:the|that|this|my))?"
                          r"(?:\s+(?:typo|typos|my bad|mistake|spelling|autocorrect|auto-correct|about that))*[\s.!]*$",
                          re.IGNORECASE)

# "I don't have the value": not knowing, not remembering, not finding, not having it at hand.
# "多扣了多少我哪知道，你们查啊" at the loss question started a bill query (customer trial, session 43)
RHETORICAL_DONT_KNOW_ZH = r"(?:我|俺)(?:哪|怎么|咋|哪里|上哪)(?:能|会)?知道|谁知道"
RHETORICAL_DONT_KNOW = r"\bhow\s+(?:am|would|should|do|could|can|on earth am|the hell am)\s+i\s+(?:(?:be\s+)?(?:supposed|meant|expected)\s+to\s+)?know\b"
_DONT_KNOW = {
    "en": re.compile(
        r"\b(?:do\s*n[o']?t|dont|did\s*n[o']?t|can'?t|cannot|can\s+not|could\s*n[o']?t|have\s*n[o']?t)\s+"
        r"(?:really\s+|even\s+|actually\s+)?(?:know|remember|recall|find|locate|see|have|got|get)\b"
        # "forget the transfer, I need to block my card" is no "I forgot" (customer trial, session 28)
        r"|\bno\s+(?:idea|clue)\b|\bnot\s+sure\b|\bforgot(?:ten)?\b|\b(?:i|i always|i just|i keep)\s+forget\b"
        r"|\bdunno\b|\bidk\b"
        r"|\b(?:not|isn'?t|aren'?t)\s+(?:with|on|near)\s+me\b|\bout\s+of\s+my\s+head\b"
        # "how am I supposed to know the numbers, it's been STOLEN" (customer trial, session 39): a rhetorical question
        r"|" + RHETORICAL_DONT_KNOW),
    "zh": re.compile(r"不知道|不晓得|不清楚|不记得|记不[得清住起]|想不起|没记住|忘[了记掉带]|找不[到着]|没带|不在身边|不在手[边上]"
                     r"|没在身[边上]|手[边上头]没有|查不到"
                     r"|" + RHETORICAL_DONT_KNOW_ZH),
}
# What may stand beside such a phrase in a message that says nothing else ("I don't know it,
# sorry", "我的卡号忘了啊"): pronouns, fillers, and the names of what was asked for.
_DONT_KNOW_REST = {
    "en": frozenset("""i it that this the my a an one number numbers digits code id name card account details
        them those sorry um uh hmm oh well so really actually honestly right now offhand anymore any more yet
        off hand top of head to be honest by heart exactly either at all what is it's its all of them last four
        i'm im afraid unfortunately on me with in at home left""".split()),
    "zh": frozenset("我的了啊呀呢哦吧诶哎嗯这个那个号码卡号身份证件名字账户号具体现在一下还真暂时都全也实在确实抱歉"
                    "不好意思后四位数字手机姓名金额多少是"),
}


def dont_know(text: str, language: str | None = None, whole: bool = False) -> bool:
    """True when the message says the customer does not know or have the value asked for;
    with `whole`, only when it says nothing besides (pronouns, fillers, the thing's name)."""
    code = language_key(language)
    lowered = text.strip().lower().replace("\u2019", "'")
    for c, pattern in _DONT_KNOW.items():
        if code not in (None, c) and c != "en":
            continue
        match = pattern.search(lowered)
        if match is None:
            continue
        if not whole:
            return True
        rest = lowered[:match.start()] + " " + lowered[match.end():]
        if c == "zh":
            rest = re.sub(r"[\W_]+", "", rest)
            if all(ch in _DONT_KNOW_REST["zh"] for ch in rest):
                return True
        elif all(word in _DONT_KNOW_REST["en"] for word in re.findall(r"[a-z']+", rest)):
            return True
    return False


@functools.lru_cache(maxsize=32)  # called ~30 times a turn (turn_profile, session 38)
def language_key(language: str | None) -> str | None:
    """'zh-CN', 'zh_TW' -> 'zh'; None stays None."""
    return language.split("-")[0].split("_")[0].lower() if language else None


def _bare(text: str) -> str:
    return text.strip(_PUNCT + _QUESTION_MARKS).lower()


# Emoji that say yes or no by themselves; beside a word of the other answer they make the
# message unclear ("好的👎"). Any other emoji beside a yes or no word is decoration.
_YES_EMOJI = frozenset("👍👌✅✔🆗🙆")
_NO_EMOJI = frozenset("👎❌✖🚫🙅⛔")


def _symbols(text: str) -> str:
    """The emoji and other symbols of a message (Unicode S*, with the joiners, variation
    selectors and skin tones that build emoji)."""
    return "".join(ch for ch in text if unicodedata.category(ch)[0] == "S"
                   or unicodedata.category(ch) in ("Cf", "Mn"))


def is_yes_word(text: str, language: str | None = None) -> bool:
    """The whole message is one of the language's yes words ("uh huh", "嗯嗯"), as listed."""
    code = language_key(language)
    return any(_bare(text) in YES_WORDS[c] for c in ([code] if code in YES_WORDS else list(YES_WORDS)))


_CACHED_TEXT = 200  # characters: a turn asks yes_no of the same short message several times (3.4 calls a turn)


def yes_no(text: str, language: str | None = None) -> bool | None:
    """True for a yes word, False for a no word, None otherwise (the whole utterance).
    With a language, only that language's words count; without, any listed language's.
    Emoji beside the word are set aside unless they say the other answer ("对👌" is yes,
    "好的👎" neither: customer trial, session 18, "对👌" at a menu)."""
    return _cached_yes_no(text, language) if len(text) <= _CACHED_TEXT else _yes_no(text, language)


@functools.lru_cache(maxsize=1024)
def _cached_yes_no(text: str, language: str | None) -> bool | None:
    return _yes_no(text, language)


def _yes_no(text: str, language: str | None) -> bool | None:
    symbols = _symbols(text)
    if not symbols:
        return _word_yes_no(text, language)
    word = _word_yes_no("".join(ch for ch in text if ch not in symbols), language)
    if word is None or (_NO_EMOJI if word else _YES_EMOJI).intersection(symbols):
        return None
    return word


# Laughter and emphasis around a yes or a no: "lol yes obviously", "哈哈好的" (customer trial, session 21:
# no answer, the question again)
_AROUND_YES_NO = re.compile(r"^(?:(?:lol|haha+|hehe+|lmao|oh|ah|well|哈+|嘿+|呵+|嗯)[\s,，]*)+"
                            r"|(?:[\s,，]*(?:lol|haha+|obviously|of course|definitely|for sure|哈+|嘿+))+$")


def _word_yes_no(text: str, language: str | None) -> bool | None:
    code = language_key(language)
    codes = [code] if code in YES_WORDS else list(YES_WORDS) if code is None else []
    bare = _bare(text)
    around = _AROUND_YES_NO.sub("", bare).strip(_PUNCT)
    if around and around != bare:
        word = _word_yes_no(around, language)
        if word is not None:
            return word
    # One trailing particle at most: "好的呢" is yes, "嗯嗯啊啊" is hesitation.
    for candidate in (bare, bare[:-1] if bare[-1:] in _PARTICLES else bare):
        for unit in (candidate, _repeated_unit(candidate)):
            if any(unit in YES_WORDS[c] for c in codes):
                return True
            if any(unit in NO_WORDS[c] for c in codes):
                return False
    return _chained(bare, codes)


# Sounds of thinking between the words of an answer: "hmm ok yes", "嗯 好的 确认"
_THINKING = re.compile(r"h+m+|u+m+|u+h+|e+r+m*|a+h+|o+h+|嗯+|呃+|额+|啊+|哦+|噢+")


def _chained(bare: str, codes) -> bool | None:
    """Yes words one after another, or no words, with sounds of thinking between: "hmm ok yes", "ok yes
    do it", "uhh yes please", "嗯 好的 确认" (no answer, the question again: customer trial, session 28).
    Any word that is neither, or a yes beside a no ("ok no"), is no answer."""
    tokens = [t for t in re.split(r"[\s,，、.。!！~～]+", bare) if t]
    if not 2 <= len(tokens) <= 8:
        return None
    said: set[bool] = set()
    pieces: set[str] = set()
    i = 0
    while i < len(tokens):
        if _THINKING.fullmatch(tokens[i]):
            i += 1
            continue
        for n in (3, 2, 1):
            piece = " ".join(tokens[i:i + n])
            if i + n > len(tokens):
                continue
            if any(piece in YES_WORDS[c] for c in codes):
                said.add(True)
            elif any(piece in NO_WORDS[c] for c in codes):
                said.add(False)
            else:
                continue
            pieces.update(tokens[i:i + n])
            i += n
            break
        else:
            return None
    # one word said over and over is _repeated_unit's (2-4 times; "no no no no no" is none)
    return said.pop() if len(said) == 1 and len(pieces) > 1 else None


def _repeated_unit(text: str) -> str:
    """The word a message repeats 2-4 times ("没有没有", "no, no", "是是是" -> "没有", "no", "是"),
    else "". People say a yes or a no twice for emphasis; a model fine-tuned on single
    answers scored "没有没有" as affirm at 0.85-0.90 (BENCHMARKS.md, session 11)."""
    squeezed = "".join(ch for ch in text if ch not in _PUNCT)
    for k in (2, 3, 4):
        if squeezed and len(squeezed) % k == 0 and squeezed[:len(squeezed) // k] * k == squeezed:
            return squeezed[:len(squeezed) // k]
    return ""


SURPRISE_LEAD = re.compile(r"^(?:啊|哈|啥|什么|嗯|诶|欸|咦|what|huh|eh|wait what)\s*[?？!！]+\s*(?=\S)", re.IGNORECASE)


@functools.lru_cache(maxsize=256)  # pure; asked ~5 times a turn of the same message
def is_question(text: str, language: str | None = None) -> bool:
    """True when the message asks something (a question mark, or the language's question form). A surprised "what?" /
    "啊？" before what follows asks nothing by itself ("what? no, Kathryn Johnson" at a read-back heard "I can't answer
    that here", and the payee stayed "its Kathryn": customer trial, session 47)."""
    stripped = SURPRISE_LEAD.sub("", text.strip()) or text.strip()
    if any(mark in stripped for mark in _QUESTION_MARKS):
        return True
    code = language_key(language)
    if code in (None, "zh") and _ZH_QUESTION.search(stripped):
        return True
    if code in (None, "en") and _EN_QUESTION_START.search(stripped.lower()):
        return True
    return False


# A question that compares values rather than choosing one: "99和129有啥区别" (customer trial, session 36: "一次只能用一
# 个，请问用哪一个？"), "what's the difference between the 59 and the 99", "which is better, 59 or 99?"
_COMPARES = {
    "zh": re.compile(r"区别|不同|不一样|差别|差在哪|哪个好|哪个更|哪个划算|哪个合适|哪个便宜|哪个贵|对比|比较|比一下|比一比"),
    "en": re.compile(r"\b(?:difference|differences|differ|compare[ds]?|comparison|versus|vs\.?)\b"
                     r"|\bwhich (?:one )?is (?:better|cheaper|best)\b", re.IGNORECASE),
}


# What to do now, asked: "so what do I do now", "那怎么办", "咋整" (no question by is_question's forms: 咋整 at a question is
# as often a wait, "那咋整，俺再看看"); framework.engine.turn and side_questions
# ("so what am I supposed to do now?? they're spending my money" at the offer of an agent heard the help menu:
# customer trial, session 44)
_WHAT_TO_DO = re.compile(r"\bwhat (?:do|should|can|shall) (?:i|we) do\b|\bwhat now\b|\bnow what\b|\bhow do i fix\b"
                         r"|\bwhat (?:am|are) (?:i|we) (?:supposed|meant) to do\b|\bwhat (?:do|should) (?:i|we) do now\b"
                         r"|\bwhat (?:can|could) (?:i|we) do\b|\bwhat are my options\b"
                         r"|怎么办|咋办|咋整|咋弄|咋搞|怎么整|那我该怎么|那怎么弄|那咋弄", re.IGNORECASE)


def asks_what_to_do(text: str) -> bool:
    """Whether the message asks what to do now ("so what do I do now", "那怎么办", "咋整")."""
    return bool(_WHAT_TO_DO.search(text))


def compares_values(text: str, language: str | None = None) -> bool:
    """True when a question compares the values it names ("99和129有啥区别"): none of them is chosen."""
    pattern = _COMPARES.get(language_key(language) or "en")
    return bool(pattern and is_question(text, language) and pattern.search(text))


# A filler that opens a message before its answer: "hmm ok" (the offer of a colleague accepted:
# read as a hesitation, the question again, trial of session 24), "呃，行吧"
_FILLER_LEAD = re.compile(r"^(?:(?:h+m+|m{2,}|u+m+|u+h+|e+r+m*|e+h+m*|well|[呃额]+|嗯+(?:…+|\.{2,}|。。+))"
                          r"[\s,，.。…!！~]*)+", re.IGNORECASE)


def after_filler(text: str) -> str | None:
    """What a message says after the filler that opens it ("hmm ok" -> "ok"), or None."""
    match = _FILLER_LEAD.match(text.strip())
    rest = text.strip()[match.end():].strip() if match else ""
    return rest if match and has_words(rest) else None


# A whole message that neither agrees nor refuses: "maybe" (affirm 0.85) blocked a card, "perhaps" (affirm
# 0.98) sent a transfer in session 26's customer trial; "可能吧", "也许吧"
_HEDGE = {
    "en": re.compile(r"^(?:(?:um+|uh+|er+m*|hmm+|well|yeah|yes|yep|ok|okay|i mean|sure|fine|alright|all right)[,\s]+)*"
                     r"(?:maybe|perhaps|possibly|probably|i guess(?: so)?|i suppose(?: so)?|i think so|might be|could be|"
                     r"kinda|sort of|kind of|dunno|idk|not sure(?: really)?|not really sure"
                     # "I think so sir", "I believe so", "should be fine", "yes I think", "hopefully", "ok thanks" at a
                     # read-back sent money or blocked a card (customer trial, session 33)
                     r"|i think|i believe(?: so)?|i hope so|hopefully|should be (?:fine|ok(?:ay)?|good|alright|right)"
                     r"|if you say so)"
                     r"(?:[,\s]+(?:yes|yeah|not|no|lol|idk|then|po|sir|madam|ma'?am|dear|mate|boss|bro|la+h?))*[\s.!…]*$"
                     r"|^(?:(?:ok(?:ay)?|alright|fine|cool)[,\s]+)?(?:thanks|thank you|thx|ty)(?: so much| a lot)?[\s.!…]*$"),
    "zh": re.compile(r"^(?:[嗯呃额]+[，,\s]*)?(?:可能|也许|或许|大概|说不定|应该|估计|好像|兴许|似乎)"
                     r"(?:是|行|可以|要|吧|没问题|没什么问题|对|没错)?(?:吧|啊|呢|哦|吗|嗯)*[。.!！…]*$"
                     # "没问题吧": asking back whether it is all right (submitted in session 26's trial)
                     r"|^(?:没问题|没啥问题|应该没问题)吧[。.!！…]*$"),
}


_KIN = r"(?:老公|老婆|爱人|家里人?|家人|爸|妈|孩子|儿子|女儿|领导|对象|朋友)"
# Said anywhere in the message: unsure, leaving it to the assistant, or only listening. "应该是吧 我也不太确定",
# "你看着办吧", "嗯嗯 我听着呢 你继续说" (肯定 0.71-1.00) changed a plan at its confirmation (trial, session 27)
_UNSURE = {
    "en": re.compile(r"\b(?:not (?:really |too |that )?sure|unsure|up to you|whatever you think|you decide|your call"
                     r"|i'?m listening|go on then explain|i (?:don'?t|do not|dont) (?:really )?know|no idea"
                     # "ok but I need to ask my wife first" (customer trial, session 30: its Chinese twin changed a plan)
                     r"|(?:need|have|got) to (?:ask|check with|talk to|speak to|run it by)|let me (?:ask|check with|talk to)"
                     r"|(?:think|sleep) (?:about it|on it)"
                     # "hold on, maybe it's in my car" (cancel) stopped a block (customer trial, session 30)
                     r"|maybe|perhaps)\b"),
    # "嗯 应该没问题吧 我再想想", "对吧 我也不知道" (肯定 0.97-1.00) filed a complaint (customer trial, session 28)
    # "差不多", "还行吧", "无所谓", "maybe吧", "应该啱嘅", "估摸着是吧", "大概是额", "大差不差", "I guess so" at a read-back
    # opened accounts, changed a plan and filed complaints (customer trial, session 33)
    "zh": re.compile(r"不太?确定|拿不准|说不好|不太?懂|看着办|你说了算|你决定|随你|随便吧|听着呢|你继续说|你接着说"
                     r"|^(?:嗯+[，,\s]*)?(?:差不多|大差不差|还行|无所谓|估摸着?|大概是|应该啱|应该系|大约是|八九不离十|随便|凑合)"
                     r"(?:是|对|吧|啦|嘅|额|的|了|呗|咯|哈)*[。.!！…~～]*$"
                     r"|\b(?:maybe|perhaps|probably|i guess|i think so|whatever|not sure)(?:\s*so)?(?![a-z])"
                     r"|不知道|不清楚|没想好|再想想|我(?:再)?考虑(?:一?下|考虑)"  # "行 我考虑下 谢谢" (customer trial, session 42)
                     # "可以是可以，就是我还得问问我老公" (肯定 0.99) changed a plan at its confirmation (customer trial,
                     # session 30): a yes conceded and then held back, or someone else still to be asked
                     r"|((?!是)\w{1,2})是\1[，,、\s]*(?:就是|不过|但是?|只是|可是)|还得问|得先问|先问问"
                     rf"|问(?:问|一下)(?:我)?{_KIN}|(?:跟|和)(?:我)?{_KIN}.{{0,4}}商量|商量(?:一下|商量)|考虑(?:一下|考虑)"),
}


def is_hedge(text: str, language: str | None = None) -> bool:
    """True when the message hedges instead of answering yes or no ("maybe", "可能吧", "应该是吧 我也不太确定")."""
    code = language_key(language)
    lowered = text.strip().lower()
    return (any(pattern.match(lowered) for c, pattern in _HEDGE.items() if code in (None, c))
            or any(pattern.search(lowered) for c, pattern in _UNSURE.items() if code in (None, c)))


def is_hesitation(text: str, language: str | None = None) -> bool:
    """True when the message buys time instead of answering ("hmm", "呃……", "我想想")."""
    code = language_key(language)
    lowered = text.strip().lower()
    return any(pattern.search(lowered) for c, pattern in _HESITATION.items() if code in (None, c))


# Whole messages that decline to give what was asked ("不告诉你" was stored as a name, "保密"
# at the ID question heard "校验没有通过": customer trial, session 19).
# What is declined, said after the verb ("我不想告诉你手机号", "I'd rather not give you my card number tbh"
# heard the slot's format error: customer trial, session 21): the kinds of value a form asks for only, so
# "不要给我办这个" stays no refusal.
_ZH_WITHHELD = r"(?:我的|我)?(?:手机号码?|电话(?:号码?)?|号码|名字|姓名|真名|身份证(?:号码?)?|证件号?|卡号|个人信息|信息|地址)"
_EN_WITHHELD = (r"(?: (?:you|u))?(?: (?:my|the|that|this|any|those))?(?: (?:card number|card|number|name|full name|"
                r"phone number|phone|mobile number|details|info|information|address|digits|last (?:four|4)(?: digits)?|"
                r"account number|id|id number))?(?:,? (?:tbh|honestly|to be honest|sorry|thanks|thx))?")
_REFUSAL = {
    "zh": (re.compile(r"^(?:我|就|偏|才|反正)*(?:不(?:想|愿意|能|要|方便)?(?:告诉|说|给|讲|透露|提供)(?:你|您|你们)?"
                      rf"{_ZH_WITHHELD}?(?:了|的)?"
                      r"|保密|这是隐私|隐私|无可奉告|凭什么(?:要)?(?:告诉|给)(?:你|您)|(?:干嘛|为啥|为什么)要告诉(?:你|您)"
                      r"|关你(?:什么|啥|屁)事|不关你的事)[啊呀吧呢哦哈嘛]*$"),),
    "en": (re.compile(r"^(?:(?:no|nah|sorry|um|uh|well)[,\s]+)*(?:i'?d rather not(?: (?:say|tell|share|give it|tell you))?"
                      r"|i (?:don'?t want to|won'?t|will not|prefer not to|would rather not) (?:say|tell(?: you)?|share(?: that| it)?|give(?: it| that)?(?: to you| out)?)"
                      r"|prefer not to (?:say|share)|not telling(?: you)?|none of your business|that'?s private|it'?s private|no comment|private)$"),
           # the same with what is declined: "i'd rather not give you my card number tbh", "i don't want to share my phone number"
           re.compile(r"^(?:(?:no|nah|sorry|um|uh|well)[,\s]+)*(?:(?:i'?d rather not|i (?:don'?t want to|won'?t|"
                      r"will not|prefer not to|would rather not)) (?:say|tell|share|give)"
                      rf"|i'?m not (?:giving|telling|sharing)){_EN_WITHHELD}$")),
}


def refuses(text: str, language: str | None = None) -> bool:
    """True when the message declines to give the value asked for: the whole message, or its
    last clause in a message without digits ("凭什么要给你我的名字，不给", "为什么要名字啊，我不想
    说": stored as the name in a customer trial, session 20; "我不说了，取消吧" ends in a command)."""
    code = language_key(language)
    text = text.replace("\u2019", "'")

    def whole(part: str) -> bool:
        bare = _bare(part)
        return any(pattern.match(bare) for c, patterns in _REFUSAL.items() if code in (None, c) for pattern in patterns)

    if whole(text):
        return True
    clauses = [c for c in _CLAUSE_BREAK.split(text) if has_content(c)]
    return (len(clauses) > 1 and not any(unicodedata.category(ch) == "Nd" for ch in text)
            and whole(clauses[-1]))


_CLAUSE_BREAK = re.compile(r"[，,。.!！;；?？、]+")
# "继续" / "keep going" (not "不想继续"): the customer wants the flow to go on. At "要取消当前的办理
# 吗？" "不不不，别取消，继续" and "no keep going" were read as cancel and the flow was dropped
# (customer trial, session 20).
_CONTINUE = {
    "zh": re.compile(r"(?<![不别没])(?<!不想)(?<!不要)(?<!不用)(?:继续|接着办|接着来|接着弄|往下办|别停|回到刚才)"
                     # "不，我还是要办" at "要取消当前的办理吗？" (session 36's trial had the English one)
                     r"|(?:还是|我|就)要(?:办|转|开|交|投诉|登记)"),
    # "let us go back to the transfer" (cancel 0.94) at "Do you want to stop here?" stopped it (customer trial,
    # session 30)
    "en": re.compile(r"(?<!n't )(?<!not )(?<!dont )\b(?:keep going|continue|carry on|go on|proceed|let'?s go on|resume"
                     r"|(?:go|get) back to (?:the|my|that) (?:transfer|payment|activation|block|card|balance|thing|one)"
                     # "no I want to send it now" (cancel 0.95) at "Do you want to stop this transfer?" stopped it
                     # (customer trial, session 36)
                     r"|i (?:still |do |really )?(?:want|wanna|need) (?:to )?(?:send|pay|transfer|block|activate|do|finish)"
                     r" (?:it|that|this|them|the (?:money|transfer|payment|card))"
                     r"|(?:just |please )?(?:send|pay|block|activate) (?:it|that|the money) (?:now|today|anyway|please))\b"),
}


def wants_to_go_on(text: str, language: str | None = None) -> bool:
    """True when the message asks to go on with what is in progress ("继续", "no keep going")."""
    code = language_key(language)
    lowered = text.lower().replace("\u2019", "'")
    return any(pattern.search(lowered) for c, pattern in _CONTINUE.items() if code in (None, c))


def has_words(text: str) -> bool:
    """True when the message has a letter or a CJK character: emoji, punctuation, symbols
    and digits alone are no answer to a yes/no question."""
    return any(unicodedata.category(ch).startswith("L") for ch in text)


def has_content(text: str) -> bool:
    """True when the message has a letter, a digit or a CJK character (Unicode categories
    L* and N*; the digit of a keycap emoji "1️⃣" counts, an emoji alone does not)."""
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)


def content_length(text: str) -> int:
    """How many letters, digits and CJK characters the message has (what has_content looks
    for): "我要投诉！！" is 4, "I'm angry" is 7."""
    return sum(unicodedata.category(ch)[0] in "LN" for ch in text)


def sounds_like_correction(text: str, language: str | None = None) -> bool:
    """True when the message says that something earlier was wrong or is to change."""
    code = language_key(language)
    lowered = text.strip().lower()
    return any(pattern.search(lowered) for c, pattern in _CORRECTION_MARKERS.items() if code in (None, c))


def before_correction(text: str, language: str | None = None) -> str | None:
    """What a message says before its first correction marker ("我要开户，我叫赵六，不对，赵大六" ->
    "我要开户，我叫赵六"), when it has content; else None."""
    pattern = _CORRECTION_TAIL.get(language_key(language) or "")
    m = pattern.search(text) if pattern is not None else None
    head = text[:m.start()].rstrip(_PUNCT) if m else ""
    return head if has_content(head) else None


def corrected_tail(text: str, language: str | None = None) -> tuple[int, str] | None:
    """(offset, text) of what follows the last correction marker inside a message ("我叫赵六，
    不对，我叫赵大六" -> "我叫赵大六"): the value said there replaces one said before it.
    None when there is no such marker or nothing with content follows it."""
    pattern = _CORRECTION_TAIL.get(language_key(language) or "")
    if pattern is None:
        return None
    apology = _APOLOGY_END.search(text) if language_key(language) == "en" else None
    matches = list(pattern.finditer(text, 0, apology.start() if apology else len(text)))
    if not matches:
        return None
    start = matches[-1].end()
    while start < len(text) and (text[start] in _PUNCT or text[start] in "是"):
        start += 1
    tail = text[start:apology.start() if apology else len(text)].rstrip()
    return (start, tail) if has_content(tail) else None


# Words around a value that say nothing about it: "ok 2000 then" at "How much would you like to
# send?" (after a limit error) heard "Please tell me the amount in dollars", where "2000" alone
# was taken (customer trial, session 20).
_FILLER = {
    "en": (re.compile(r"^(?:(?:ok(?:ay)?|alright|all right|fine|sure|yes|yeah|yep|well|um+|uh+|so|then|just|only|"
                      r"make it|let'?s (?:say|do|make it)|how about|what about|i'?ll (?:send|take|do)|send|do)\b[\s,.!]*)+"),
           re.compile(r"(?:[\s,]*\b(?:then|please|pls|instead|ok(?:ay)?|only|thanks?|thank you)\b[.!]*)+$")),
    "zh": (re.compile(r"^(?:那就|那|就|好吧|好的|好|行吧|行|嗯+|要|改成|换成|发|转)+[\s，,]*"),
           re.compile(r"(?:[\s，,]*(?:吧|了|呢|啊|就行|就好|好了|谢谢))+$")),
}


def without_filler(text: str, language: str | None = None) -> str:
    """The message without the filler words around its value ("ok 2000 then" -> "2000",
    "那就99吧" -> "99"); the message itself when there are none."""
    code = language_key(language)
    stripped = text.strip()
    for c, (head, tail) in _FILLER.items():
        if code not in (None, c):
            continue
        lowered = stripped.lower()
        m = head.match(lowered)
        start = m.end() if m else 0
        t = tail.search(lowered[start:])
        end = start + t.start() if t else len(stripped)
        if (start or end < len(stripped)) and has_content(stripped[start:end]):
            return stripped[start:end].strip(_PUNCT)
    return stripped


# A second request joined to the first: "block my card and also tell me my balance", "帮我查下余额顺便把套餐
# 换成99的" (customer trial, session 21: the second request was dropped)
# ("还有" also means "still have": "话费还有多少" is one request, so it counts only after a clause break)
_ALSO = {"en": re.compile(r"[,\s]+(?:and\s+)?(?:also|as well as that|and then)[,\s]+"
                         # "yes. oh and i lost my old card 1234 can you block that one" at an activation's read-back: the
                         # yes was dropped (customer trial, session 42)
                         r"|[.!;]\s*(?:oh|ah|um+)[,\s]+and[,\s]+"
                         # "Firstly, … card ending 1234 … blocked. Secondly, … how much remains on … 7777?" blocked 7777
                         # (customer trial, session 40): a second point numbered
                         r"|[.,;\s]+(?:and\s+)?(?:secondly|second(?:ly)? of all|the other thing is|the second thing is)[,:\s]+"
                         # "whats my balance on 1234 and send 20 dollars to Tom" (the transfer was lost, customer
                         # trial of session 26): "and" before a request's verb
                         # ("lost my card 1234 AND i still need to send my mom 100 bucks today": the transfer was
                         # dropped, customer trial of session 43)
                         r"|[,\s]+and\s+(?:(?:can|could|would) you\s+|please\s+|pls\s+"
                         r"|i (?:still |also |really )?(?:want|need|have) to\s+|i gotta\s+)?"
                         r"(?=(?:send|transfer|pay|block|freeze|activate|check|tell me|show me|what'?s|whats)\b)"
                         # "check my balance on 4821 then block card 1234" (customer trial, session 28)
                         r"|[,\s]+then\s+(?:(?:can|could|would) you\s+|please\s+|pls\s+|i want to\s+|i need to\s+)?"
                         # ("…, then move 250 over to my flatmate …": tried by hand, session 43)
                         r"(?=(?:send|transfer|pay|move|wire|block|freeze|activate|check|tell me|show me)\b)",
                         re.IGNORECASE),
         # "帮我查下余额然后我要投诉" (the complaint was dropped: customer trial, session 28): 然后 before a
         # request's words ("我充了100然后没到账" is one story)
         "zh": re.compile(r"[，,。；;\s]+(?:还有|另外|同时|然后再|再帮我)[，,\s]*|[，,\s]*(?:顺便|顺带)[，,\s]*"
                          # ("…先帮我查下13800138000还剩多少话费，然后把套餐换成129的": the change was dropped, customer
                          # trial, session 41: 把 too)
                          r"|[，,。；;\s]*然后[，,\s]*(?:再)?(?=(?:帮我|给我|我要|我想|我还要|我还想|麻烦|查|办|开|投诉|换|转人工"
                          r"|把(?:我的?|俺的?)?(?:套餐|号|卡|业务|这个|那个|它|流量|彩铃|宽带)))"
                          # "帮我开个户办59的，再查一下13812345678上个月的账单": the bill was dropped (customer trial,
                          # session 35); 再 after a clause break, before a request's verb
                          r"|[，,。；;]\s*(?:我)?再(?=(?:帮我|给我|查|办|开|投诉|换|转人工|问|把(?:我的?|俺的?)?(?:套餐|号|卡|业务|流量|彩铃|宽带)))"
                          # "帮我查下余额，13611112222，查完我还想换个套餐": the change was dropped (customer trial,
                          # session 42)
                          r"|[，,。；;\s]*(?:查|弄|办|搞|问)完(?:了)?(?:以后|之后|后)?[，,\s]*"
                          r"(?=(?:我还|我再|我要|我想|还要|还想|再|帮我|给我|麻烦|办|开|投诉|换|转人工|把))")}


# A greeting that opens a request: "你好，我那个宽带最近老是掉线" (read as 问候 0.83-0.96 by all three
# telecom_zh models of session 22: the complaint was lost), "您好啊，帮我办个流量包", "hi there, ..."
_GREETING_WORD = {
    "zh": r"(?:你好|您好|哈喽|哈罗|嗨|hi|hello|喂|早上好|上午好|中午好|下午好|晚上好|早安|在吗|在不在|在么|有人吗"
          r"|客服你好|客服您好|你好客服|您好客服|客服|小助手你好)(?:呀|啊|哈|呢|鸭)?",
    # "Good morning sir, kindly do the needful and check balance … and also transfer $150 …" lost the transfer (customer
    # trial, session 45): who the greeting is for belongs to it
    "en": r"(?:hi|hello|hey|hiya|howdy|good (?:morning|afternoon|evening)|morning|evening)"
          r"(?: there| team| all| sir| madam| ma'?am| dear| guys| folks| mate| bank)?",
}
_GREETING_LEAD = {code: re.compile(rf"^\s*(?:{word}(?![A-Za-z])[\s,，.。!！~～、]*)+", re.IGNORECASE)
                  for code, word in _GREETING_WORD.items()}


def has_greeting(text: str, language: str | None = None) -> bool:
    """Whether a greeting word is in the message ("你好", "hi there")."""
    code = language_key(language)
    lowered = text.lower()
    return any(re.search(word if c == "zh" else rf"\b{word}\b", lowered)
               for c, word in _GREETING_WORD.items() if code in (None, c))


def after_greeting(text: str, language: str | None = None) -> str | None:
    """What a message says after the greeting that opens it, when that has four letters,
    digits or CJK characters or more ("你好，我要投诉" -> "我要投诉"); else None (a greeting
    alone, "您好，在吗", or no greeting first)."""
    pattern = _GREETING_LEAD.get(language_key(language) or "")
    match = pattern.match(text) if pattern else None
    if match is None or match.end() == 0:
        return None
    rest = text[match.end():].strip()
    return rest if content_length(rest) >= 4 else None


# "By the way" that opens a message: "对了，先帮我查下13812345678的余额" at the ID question was read as 肯定 0.94 (its 对了),
# and the balance was lost (customer trial, session 39)
# ... or an acknowledgement or thanks ended by its punctuation or an "and/then/now": "cheers. Can you also check 1234" was
# a goodbye, "ok great then send 800 to my landlord on monday please" a yes to nothing (customer trial, session 40)
_ACK_WORDS_EN = (r"(?:ok(?:ay)?|k|kk|cheers|thanks|thank you|thx|ta|great|cool|perfect|lovely|nice|brilliant|alright|right"
                 r"|sweet|ugh|fine|good|awesome|got it|sure|yes|yeah|yep)")
_ASIDE_LEAD = {
    "zh": re.compile(r"^\W*(?:[哦噢诶欸啊哎][，,\s]*)?(?:对了|另外|还有|顺便|顺便问一下)[，,、\s]+"
                     r"|^\W*(?:(?:好的?|好滴|行|嗯+|谢谢|多谢|收到|明白了?|知道了)[啊呀哈了]?[，,。！!\s]+)+(?:那|那就|然后|再)?"),
    "en": re.compile(r"^\W*(?:oh[,\s]+)?(?:by the way|btw|oh and|and also|also)[,\s]+"
                     rf"|^\W*(?:{_ACK_WORDS_EN}(?:\s+{_ACK_WORDS_EN})*(?:[,.!]+\s*|\s+(?=(?:and|then|now|so)\b)))+"
                     r"(?:(?:and|then|now|so)\s+)*", re.IGNORECASE),
}


SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s*")  # where a sentence ends, its spaces after


def last_sentence(text: str) -> str | None:
    """The last of two or more sentences, when it has four letters, digits or CJK characters or more; else None."""
    last = sentences_from_the_end(text, 1)
    return last[0] if last else None


def sentences_from_the_end(text: str, most: int = 3) -> list[str]:
    """The last `most` of two or more sentences, last first, each of four letters, digits or CJK characters or more."""
    sentences = [s for s in SENTENCE_END.split(text.strip()) if content_length(s) > 0]
    if len(sentences) < 2:
        return []
    return [s for s in reversed(sentences[-most:]) if content_length(s) >= 4]


def after_aside(text: str, language: str | None = None) -> str | None:
    """What a message says after the "by the way" that opens it ("对了，先帮我查下余额" -> "先帮我查下余额"), when that has
    four letters, digits or CJK characters or more; else None."""
    pattern = _ASIDE_LEAD.get(language_key(language) or "")
    match = pattern.match(text) if pattern else None
    if match is None:
        return None
    rest = text[match.end():].strip()
    return rest if content_length(rest) >= 4 else None


# A refusal that opens the message, followed by what is wanted instead: "no I dont want to send
# money, I want a refund" (deny 0.62 at the amount question, a customer trial of session 23: the
# amount's error), "我不想换套餐了，帮我查下话费". The refusal is a negated wish ("don't want to",
# "不想/不要") and ends its clause; what follows is ranked on its own (framework.agent).
_REFUSAL_LEAD = {
    "en": re.compile(r"^\s*(?:(?:no+|nah|nope|naw|actually|wait|sorry|oh)\b[\s,.!]*)*(?:i\s+)?(?:really\s+)?"
                     r"(?:don'?t|do not|dont|no longer|didn'?t|did not)\s+(?:really\s+)?(?:want|wanna|need|mean)\b"
                     r"[^,.;!?]*[,.;!?]+\s*(?:but\s+|rather\s+)?", re.IGNORECASE),
    # "我不是要投诉，我就想知道钱都花哪了" (customer trial, session 40)
    "zh": re.compile(r"^\s*(?:不是|不对|不)?[，,。！!\s]*(?:我)?(?:并)?(?:不想|不要|不用|不需要|没想|没说要|不是要|不是想|不是来|没要|没有要)"
                     r"[^，,。；;！!？?]*[，,。；;！!？?]+\s*(?:而是)?"
                     # "那算了。我要投诉，你们寄的新卡寄丢了" at the consultation's question (customer trial, session 36)
                     r"|^\s*(?:那|哎|唉|嗯)?[，,\s]*(?:算了|拉倒吧?|不办了|不弄了|不问了|不聊这个了)[吧啊]?[，,。！!\s]+"
                     # "不是不是，先别办了，我还是先看看我话费还剩多少再说吧", "才5块钱啊，那先不换了，我先去充钱" at a plan
                     # change's read-back (customer trial, session 41)
                     r"|^\s*(?:[^，,。！!？?]{1,12}[，,。！!]\s*)?(?:那|哎|唉|嗯|不是不是|不是)?[，,\s]*(?:我)?"
                     r"(?:套餐|这个|换套餐的事|开户的事)?(?:还是)?(?:先)?"
                     r"(?:别办了|不办了|不换了|别换了|不弄了|别弄了|不开了|不用办了|不了)[吧啊呀]?[，,。！!\s]+"
                     # "不是查话费，我是要先把卡停了，怕被人盗刷" at "余额还是账单？" (customer trial, session 41, round 3)
                     # "我不是投诉，我就想看看我手机里还有多少钱" went back to the complaint after the balance (customer
                     # trial, session 46)
                     r"|^\s*(?:我|俺)?(?:并)?不是(?:要|想|来)?(?:查|办|问|投诉|换|开)[^，,。！!？?]{0,8}[，,。！!]+\s*(?:我)?(?:是)?"),
}


# A plain no and then what is wanted instead: "no, my balance" at "Do you want to send money to someone?" heard "Sorry, I
# got that wrong" (customer trial, session 36)
_PLAIN_NO = {
    # "never mind. I have to send money to my brother" with nothing under way heard "nothing in progress to cancel"
    # (customer trial, session 36)
    "en": re.compile(r"^\s*(?:(?:ok(?:ay)?|oh)[,\s]+)?(?:no+|nope|nah|naw|never ?mind|forget (?:it|that)|scratch that)\s*[,.;!]+\s*"
                     r"(?:i\s+(?:want|wanted|need|meant|mean)\s+(?:to\s+)?)?", re.IGNORECASE),
    "zh": re.compile(r"^\s*(?:不是|不对|不)\s*[，,。；;！!]+\s*(?:我(?:是)?(?:想|要)(?:的是)?)?"),
}


def refuses_a_wish(text: str, language: str | None = None) -> bool:
    """Whether the message opens with a negated wish ("no I dont want to send money, …"), not a plain no."""
    pattern = _REFUSAL_LEAD.get(language_key(language) or "")
    return bool(pattern and pattern.match(text))


def after_refusal(text: str, language: str | None = None) -> str | None:
    """What a message asks for after a refusal that opens it ("no I dont want to send money, I
    want a refund" -> "I want a refund", "no, my balance" -> "my balance"), when that has four
    letters, digits or CJK characters or more and is no second refusal; else None."""
    pattern = _REFUSAL_LEAD.get(language_key(language) or "")
    match = pattern.match(text) if pattern else None
    if match is None:
        plain = _PLAIN_NO.get(language_key(language) or "")
        match = plain.match(text) if plain else None
    if match is None:
        return None
    rest = text[match.end():].strip()
    if content_length(rest) < 4 or pattern.match(rest + ","):  # a second refusal, not a request
        return None
    return rest


@functools.lru_cache(maxsize=256)  # pure; asked ~3 times a turn of the same message
def _also_split(text: str, language: str | None) -> tuple[str, str] | None:
    """The words before and after the message's first "also" (_ALSO), when something comes before it; else None."""
    pattern = _ALSO.get(language_key(language) or "")
    match = pattern.search(text) if pattern else None
    if match is None and language_key(language) == "zh" and (then := _FIRST_THEN.search(text)):
        return text[:then.start(1)].strip(), text[then.end(1):].strip()
    if match is None or match.start() == 0:
        return None
    return text[:match.start()].strip(), text[match.end():].strip()


# "先查余额再换套餐": 再 after a 先 clause, before a request's verb (customer trial, session 41)
_FIRST_THEN = re.compile(r"先[^，,。；;]{1,30}?(再)(?=(?:帮我|给我|查|办|开|投诉|换|转人工|把(?:我的?|俺的?)?(?:套餐|号|卡|业务|这个|那个|它)))")


def also_part(text: str, language: str | None = None) -> tuple[str, str] | None:
    """The parts before and after an "also" that joins a second request to the first, when
    both have words; else None."""
    split = _also_split(text, language)
    if split is None or _NO_HEAD.fullmatch(split[0]):
        # "now I also want to send money to Kate Moss": "now I" is no first request (ranked on its own it read as a
        # goodbye, and the conversation ended: customer trial, session 36)
        return None
    head, tail = split
    if is_yes_word(head, language) and _THEN_JOIN.fullmatch(text[text.find(head) + len(head):text.rfind(tail)]):
        # "ok then send 1500" at a transfer's read-back (the funds too short) sent nothing and started a second
        # transfer (customer trial, session 43): "then" after a bare yes is "in that case", no second request
        return None
    return (head, tail) if content_length(head) >= 2 and content_length(tail) >= 2 else None


_THEN_JOIN = re.compile(r"[,\s]*then[,\s]*", re.IGNORECASE)


def request_spans(text: str, language: str | None = None, limit: int = 4) -> list[tuple[int, int]]:
    """Where each request of a message joined by "also"s is said, in order ((start, end) in `text`): the split of
    also_part made again in each part, at most `limit` parts; one span (the whole) when there is no split.
    "block 1234, and also send $400 to Peter today, and could you tell me the balance on 7777" has three."""
    spans = [(0, len(text))]
    while len(spans) < limit:
        for i, (start, end) in enumerate(spans):
            piece = text[start:end]
            parts = also_part(piece, language) or (_listed(piece, language) if len(spans) > 1 else None)
            if parts is not None:
                head_end = start + piece.find(parts[0]) + len(parts[0])
                tail_start = start + piece.rfind(parts[1])
                spans[i:i + 1] = [(start + piece.find(parts[0]), head_end), (tail_start, tail_start + len(parts[1]))]
                break
        else:
            break
    return spans


# A request listed after a comma, once the message has another joined by "and also" ("Three things: activate my new
# card 4821 (name Maria Garcia), tell me the balance on 7777, and send $20 to Bob today": the balance was dropped,
# customer trial of session 43)
_LIST_NEXT = {
    "en": re.compile(r"[,;]\s*(?:(?:can|could|would) you\s+|please\s+|pls\s+|i (?:also )?(?:want|need) to\s+)?"
                     r"(?=(?:tell me|show me|check|send|transfer|pay|block|freeze|activate|what'?s|whats|how much)\b)",
                     re.IGNORECASE),
    "zh": re.compile(r"[，,；;]\s*(?=(?:帮我|给我|查|办|开户|投诉|换|转人工|把(?:我的?|俺的?)?(?:套餐|号|卡)))"),
}


def _listed(text: str, language: str | None) -> tuple[str, str] | None:
    pattern = _LIST_NEXT.get(language_key(language) or "")
    match = pattern.search(text) if pattern else None
    if match is None:
        return None
    head, tail = text[:match.start()].strip(), text[match.end():].strip()
    return (head, tail) if content_length(head) >= 2 and content_length(tail) >= 2 else None


_NO_HEAD = re.compile(r"(?:(?:\W*\b(?:ok(?:ay)?|thanks|thank you|thx|cheers|great|cool|alright|never ?mind|forget it|oh well)\b)+"
                      r"[\s,.!]+)?"
                      r"(?:\W*\b(?:now|so|and|i|we|well|um+|uh+|er+m*|then|oh|but|hmm+|right|and then|next|can|could|may"
                      r"|would|you|u|please|pls)\b)+\W*", re.IGNORECASE)


def request_after_also(text: str, language: str | None = None) -> str | None:
    """The request of a message whose "also" follows no request of its own ("can I also send 20 bucks to my brother",
    "ok thanks. now I also want to…"): the words after the "also"; None for any other message."""
    split = _also_split(text, language)
    if split is None or not _NO_HEAD.fullmatch(split[0]):
        return None
    return split[1] if content_length(split[1]) >= 4 else None


# The same request again, said before the new person: "do the same for Ben", "same thing for Leila", "ditto for Kim",
# "one more like that for Sam", "can you do that again for Ann", "repeat it for Jo", "the identical transfer to Max"
# (customer trials, session 32: each lost the amount or the day, or was read as a goodbye, a cancel or a handoff)
SAME_AGAIN_EN = (r"(?:(?:do |send )?(?:the )?same(?: thing| transfer| payment| one)?(?: again)?|ditto|one more like (?:that|this)|"
                 r"another one like (?:that|this)|(?:do|repeat|send) (?:that|it|this)(?: one)? again|repeat (?:that|it|this)|"
                 r"the identical (?:transfer|one|payment)|same again)")
