"""Numbers that the words right before them name as another kind of number, or as another
person's. Pure.

"my reference number is 9981", "PIN 1234", "订单号是20231234": four digits a card's last four
would match, but the customer said what they are. A pattern slot (`type: regex`) or a
number slot takes no number so named, unless the name is the slot's own (a slot labelled
"order number" takes "order number 9981"). Typed values with a shape of their own (ID card,
phone, e-mail, date, money) never come here.
"""
from __future__ import annotations

import re

from framework.compile.machine import Slot
from framework.slots.answers import language_key
from framework.slots.digit_words import digits_only

_EN_NOUNS = (r"reference|ref|order|case|ticket|tracking|pin|zip|post\s?code|postal\s+code|otp|passcode|password"
             r"|verification|confirmation|invoice|policy|booking|flight|room|extension|ext|claim|receipt"
             r"|transaction|membership|member|customer|phone|mobile|cell|house|flat|apartment|apt|sort\s+code"
             r"|routing|security\s+code|cvv|cvc"
             # a vehicle, a place or a year: "took bus 1530", "apt 1234", "suite 2210" (customer trial, session 29)
             r"|bus|route|train|tram|coach|platform|gate|suite|unit|year"
             # an amount: "My pension of 1200 came in on the 1st" stored the card ending 1200 (customer trial, session 33)
             r"|pension|salary|wages?|rent|income|allowance|benefits?|paycheck|deposit|refund|bill"
             # a limit (customer trial, session 44: "isn't my limit 2500?" was read as card 2500)
             r"|limit")
_ZH_NOUNS = r"订单|工单|快递单?|运单|流水|验证|密|邮政编|邮编|房间|门牌|编|会员|客户|宽带账|合同|发票|保单|航班|车牌"

# The name, then at most "number / no. / # / code / id", then at most "is / was / : / =" or
# "ends in".
_NAMED = {
    "en": re.compile(rf"\b(?P<noun>{_EN_NOUNS})\.?(?:\s*(?:number|num|no\.?|#|code|id))?"
                     r"(?:\s*(?:is|was|are|of|:|=|-|(?:ends?|ending)(?:\s+(?:in|with))?))?\s*[$€£]?\s*$", re.IGNORECASE),
    "zh": re.compile(rf"(?P<noun>{_ZH_NOUNS})(?:号码?|码|单号|编号)(?:是|为|：|:|\s)*$"),
}


def _own_words(slot: Slot) -> str:
    return " ".join(w for w in (slot.name, slot.label or "", slot.entity or "") if w).lower().replace("_", " ")


# A year: "the card I got in 2023" (blocked as the card ending 2023, customer trial of session 26),
# "since 2019", "2023年"; "ending in 2023" is a card's end
_YEAR = re.compile(r"(?:19|20)\d\d(?!\d)")
_YEAR_BEFORE = re.compile(r"\b(?:in|since|from|back in|year|of|until|till|before|after|around|circa|born)\s*$",
                          re.IGNORECASE)
_END_BEFORE = re.compile(r"\b(?:end|ends|ending|ended)\s+(?:in|with)\s*$", re.IGNORECASE)


_PHONE_GROUP_BEFORE = re.compile(r"(?:^|[^\d\s.,-]\s*|\(\d{3}\)\s*|\b\d{1,3}[\s.-])\d{3}[\s.-]$")


def _said(text: str, start: int, end: int | None) -> str:
    """The digits of the number at `start`: typed, or said as words when its end is known ("twenty
    nineteen" is 2019)."""
    if end is not None:
        return digits_only(text[start:end]) or ""
    m = re.match(r"[0-9]+", text[start:])
    return m.group() if m else ""


def year_said(text: str, start: int, end: int | None = None) -> bool:
    """True when the number at text[start:] is said as a year: "since 2019", "in 2023", "2023年" (not "ending in
    2023"). An amount takes none either: "she is my cousin since 1985" was read back as $1,985.00 (customer trial,
    session 33)."""
    if not _YEAR.fullmatch(_said(text, start, end)):
        return False
    before = text[max(0, start - 20):start]
    after = start + 4 if end is None else end
    return (bool(_YEAR_BEFORE.search(before)) and not _END_BEFORE.search(before)) or text.startswith("年", after)


def _a_year(slot: Slot, text: str, start: int, end: int | None = None) -> bool:
    return "year" not in _own_words(slot) and year_said(text, start, end)


# The words after a number that make it a house number, a bus, a train or a room: "I live at 1234 Elm
# Street and I think I dropped my debit card" was asked "block the card ending 1234?", "took the number
# 1530 bus home" the card 1530 (customer trial, session 29). A street word comes after a street's name
# (one to three words that are no little words: "ending 4821 on the way home" is a card's end), and a
# street word that is also a verb is no street before "it" or "my" ("4821 stolen close it").
_STREETS = r"street|st|road|rd|avenue|ave|lane|ln|boulevard|blvd|ct|pl|crescent|terrace|highway|hwy"
_VERB_STREETS = r"drive|dr|way|close|court|place|square"
_LITTLE = (r"a|an|the|and|or|but|so|then|than|on|in|at|by|to|for|of|from|with|into|onto|near|off|up|down|out|over"
           r"|my|your|his|her|our|their|its|it|this|that|these|those|is|was|are|were|be|been|am|i|me|we|you|he|she"
           r"|they|no|not|any|either|every|each|some|same|other|another|one|all|just|now|please|pls|thanks|thank"
           r"|ok|okay|yes|yeah|yep|very|really|too|quite|right|half|long|whole|which|what|when|where|how|home"
           r"|card|ending|ends|end|digits?|number|last|first")
_NAME_WORD = rf"(?!(?:{_LITTLE})\b)[A-Za-z][A-Za-z'.-]*"
_STREET_AFTER = re.compile(
    rf"\s+(?:{_NAME_WORD}\s+){{1,3}}(?:(?:{_STREETS})\b"
    rf"|(?:{_VERB_STREETS})\b(?!\.?\s+(?:it|them|my|the|this|that|these|those|him|her|down|off|up|out)\b))",
    re.IGNORECASE)
_PLACE_AFTER = re.compile(r"\s*(?P<noun>bus|route|flight|train|tram|coach|platform|apartment|apt|suite|room|house"
                          r"|year)(?:e?s)?\b", re.IGNORECASE)
# A time: "at 1530", "around 0930", "1530 hours", "1130 pm" (the card 1530 of the bus taken at 1530);
# "the card ending at 4821" and "look at 4821" are a card's.
_HHMM = re.compile(r"(?:[01][0-9]|2[0-3])[0-5][0-9]")
_AT_BEFORE = re.compile(r"\b(?:at|around)\s*$", re.IGNORECASE)
_CARD_AT = re.compile(r"\b(?:look(?:s|ed|ing)?|end(?:s|ed|ing)?)\s+(?:at|around)\s*$", re.IGNORECASE)
_TIME_AFTER = re.compile(r"\s*(?:[ap]\.?m\b|o'?clock\b|hours\b|hrs\b|hr\b|h\b)", re.IGNORECASE)


def _a_time(text: str, start: int, end: int) -> bool:
    if not _HHMM.fullmatch(_said(text, start, end)):
        return False
    before = text[max(0, start - 30):start]
    return (bool(_AT_BEFORE.search(before)) and not _CARD_AT.search(before)) or bool(_TIME_AFTER.match(text, end))


def _place_or_time(slot: Slot, text: str, start: int, end: int) -> bool:
    """True when the words after the number (or "at" before it) make it an address, a bus, a room or a
    time. For pattern slots (digit strings: a card's, an account's) only: "2 train tickets" is a count."""
    if slot.type != "regex":
        return False
    place = _PLACE_AFTER.match(text, end)
    if place and place.group("noun").lower() not in _own_words(slot):
        return True
    return bool(_STREET_AFTER.match(text, end)) or _a_time(text, start, end)


# Money taken, spent or held: "my wallet was stolen, they already took 1234 from my account" was offered the block
# of the card ending 1234, and "yes" blocked it; "there was like 1500 on it" the card 1500 (customer trial,
# session 31). A card's digits (a pattern slot) take no number said so.
_MONEY_BEFORE = {
    # ... or money to move: "send 2400 to Lola" lost its amount to the card's digits (customer trial, session 31)
    # ... not what was stolen itself: "block my card NOW it was stolen 7777!!!" asked for the digits (customer trial,
    # session 43)
    "en": re.compile(r"\b(?:took|(?<!was )(?<!were )(?<!got )(?<!been )(?<!is )(?:taken|stolen)|stole|nicked|spent|charged"
                     r"|withdrew|withdrawn|debited|paid|cost|costs|worth"
                     r"|send|sent|pay|transfer|wire|give|lend|owe him|owe her"
                     r"|owe|owes|there (?:was|is|were))(?:\s+(?:like|about|around|almost|nearly|over|only|just|me))?"
                     r"\s*[$£€]?\s*$", re.IGNORECASE),
    "zh": re.compile(r"(?:扣了|扣我|刷了|花了|取走了?|转走了?|盗刷了?|被刷了?|偷了|里面有|卡里有|余额有?)(?:大概|差不多|将近)?\s*$"),
}
_MONEY_AFTER = {
    "en": re.compile(r"\s*(?:(?:from|off|out of)\s+(?:my|the|our|his|her|their)\s+(?:account|card|balance|savings)"
                     r"|on\s+(?:it|there|the card|that card)\b|in\s+(?:it|there)\b|(?:dollars|bucks|quid|pounds|euros|usd)\b)",
                     re.IGNORECASE),
    "zh": re.compile(r"\s*(?:块|元|多块|块钱|多元)"),
}


def _money(text: str, start: int, end: int, language: str | None) -> bool:
    """True when the words before the number say money moved or was held, or the words after it do."""
    key = language_key(language) or "en"
    before, after = _MONEY_BEFORE.get(key), _MONEY_AFTER.get(key)
    return bool((before and before.search(text[max(0, start - 40):start])) or (after and after.match(text, end)))


_MONEY_NOUNS = frozenset("pension salary wage wages rent income allowance benefit benefits paycheck deposit refund bill".split())


def identifier_named(text: str, start: int, language: str | None) -> bool:
    """True when the words right before `text[start:]` name the number as an identifier, no sum: "订单号是88123",
    "reference number 4410", "尾号6688的银行卡" (each filed as a complaint's loss: customer trial, session 33)."""
    if card_end(text, start, language):
        return True
    pattern = _NAMED.get(language_key(language) or "en")
    # the later groups of a number written in groups: "sort code 20-40-60" (its 40 and 60 were amounts: customer trial,
    # session 44)
    group = _GROUPS_BEFORE.search(text[max(0, start - 24):start])
    if group is not None:
        start -= len(group.group())
    if _ACCOUNT_BEFORE.search(text[max(0, start - 30):start]):
        return True  # "its account 12345678, sort code 20-40-60" (customer trial, session 44: amounts)
    m = pattern.search(text[max(0, start - 40):start]) if pattern is not None and start > 0 else None
    return m is not None and re.sub(r"\s+", " ", m.group("noun").lower()) not in _MONEY_NOUNS


_GROUPS_BEFORE = re.compile(r"(?:\d+[-–/])+$")
# a bank account's number, no sum (not a card's end: "my account ending 1234" is read as card_end above)
_ACCOUNT_BEFORE = re.compile(r"\baccount(?:\s*(?:number|num|no\.?|#))?\s*(?:is|:)?\s*$", re.IGNORECASE)


def named_otherwise(slot: Slot, text: str, start: int, language: str | None, end: int | None = None) -> bool:
    """True when the words right before `text[start:]` name the number as another kind of
    number than `slot`'s ("reference number is " before "9981" for card_last4), or as a year
    ("in 2023"); with the number's `end`, also when the words around it make a pattern slot's
    number an address, a bus or a time ("1234 Elm Street", "the 1530 bus", "at 1530")."""
    if _a_year(slot, text, start, end):
        return True
    if (slot.type == "regex" and _PHONE_GROUP_BEFORE.search(text[max(0, start - 12):start])
            and not card_end(text, start, language)):
        # "I called the lost and found at 555 0199": the card ending 0199 was offered for a block (customer
        # trial, session 30): four digits after a group of three are a phone number's
        return True
    if end is not None and (language_key(language) or "en") == "en" and _place_or_time(slot, text, start, end):
        return True
    if end is not None and slot.type == "regex" and _money(text, start, end, language) and not card_end(text, start,
                                                                                                         language):
        return True
    pattern = _NAMED.get(language_key(language) or "en")
    if pattern is None or start == 0:
        return False
    m = pattern.search(text[max(0, start - 40):start])
    if m is None:
        return False
    noun = re.sub(r"\s+", " ", m.group("noun").lower())
    return noun not in _own_words(slot)


# Another person's, said right before the value: "我老婆的是440306…", "my wife's ID is …"
_THEIRS = {
    "zh": re.compile(r"(?:老婆|老公|爱人|媳妇|妻子|丈夫|对象|儿子|女儿|闺女|孩子|小孩|爸爸?|妈妈?|父亲|母亲|老爸|老妈|老伴|朋友|同事"
                     r"|同学|邻居|哥哥?|姐姐?|弟弟?|妹妹?|爷爷|奶奶|外公|外婆|姥姥|姥爷|家人|亲戚|他|她|别人|人家|家里人)"
                     # with the relative's name: "我儿子黄小明（身份证1101…）用我的号充了200块" was asked as one of two IDs
                     # of the complaint (customer trial, session 33)
                     r"(?:(?<![他她])(?:(?![我你他她说让给帮用叫要在是的了和跟把被拿办])[\u4e00-\u9fff]){2,4})?"
                     # "他叫刘建国，身份证3101…" (the father's ID filed with the son's name: customer trial, session 33)
                     r"(?:(?:叫|名叫|是)[\u4e00-\u9fff·]{2,6}[，,\s]*)?\s*[（(]?\s*(?:自己)?"
                     # "她身份证是…" without 的, said after "这个是给我妈办的", was stored as the customer's (customer
                     # trial, session 31)
                     # "我同事用13800138000，…帮我查查我的余额，我的号码是15912340000" asked which number (customer trial, s47)
                     r"(?:的(?:身份证(?:号码?)?|证件(?:号码?)?|号码?)?|(?:身份证(?:号码?)?|证件(?:号码?)?)|(?:在)?用的?(?:号码?|手机号?|是)?)"
                     r"(?:是|为|：|:|\s)*"
                     # "用我爸的行不行，3101…", "我妈的行吗？4403…" (customer trial, session 33)
                     # "用我老婆的身份证吧，3301…" opened an account with the wife's ID (customer trial, session 34)
                     # "用我爸的身份证行不，3101…" opened an account with the father's ID (customer trial, session 34)
                     r"(?:行不行|行不|行吗|行么|可以吗|可以不|可不可以|能用吗|能不能用|成吗|成不|中不中|中不)?"
                     r"(?:吧|啊|呀|呢|哈|好了|算了)?[，,？?。\s]*$"),
    "en": re.compile(r"\b(?:(?:wife|husband|partner|son|daughter|kid|child|mum|mom|mother|dad|father|friend|brother|sister"
                     r"|gran|grandma|grandpa|colleague|neighbou?r|boss)'?s|his|her|their)"
                     r"(?:\s+(?:id|id card|identity card|ic|passport|card))?(?:\s+(?:number|no\.?))?(?:\s+(?:is|was|:))?\s*$",
                     re.IGNORECASE),
}


def someone_elses(text: str, start: int, language: str | None) -> bool:
    """True when the words right before `text[start:]` (in the same clause) say the value is
    another person's ("我自己的身份证号忘了，我老婆的是…": stored as the customer's, customer trial of
    session 26)."""
    pattern = _THEIRS.get(language_key(language) or "en")
    return pattern is not None and start > 0 and bool(pattern.search(text[max(0, start - 30):start]))


# "card ends 1500", "the one ending in 2468", "last four digits are 0120", "尾号1500": the number is a card's end
_CARD_END_BEFORE = {
    "en": re.compile(r"(?:\bcard(?:\s+(?:number|no\.?|#))?\s+(?:ends?|ending|ended)|\b(?:ends?|ending|ended)"
                     r"|\blast\s+(?:four|4)(?:\s+(?:digits|numbers))?)(?:\s+(?:in|with|at|on|is|are|=|:|-))*\s*$",
                     re.IGNORECASE),
    "zh": re.compile(r"(?:卡)?(?:尾号|后四位|末四位)(?:是|为|：|:|\s)*$"),
}


_CARD_BEFORE = {
    "en": re.compile(r"\bcards?(?:\s+(?:number|no\.?|#))?(?:\s+(?:is|was))?\s*[:#]?\s*$", re.IGNORECASE),
    "zh": re.compile(r"(?:卡|卡号)(?:是|为|：|:)?\s*$"),
}


# Slot types whose values are identifiers written in digits (an ID, a phone number, a card's last digits)
IDENTIFIER_TYPES = ("id_number", "phone", "regex")


def card_end(text: str, start: int, language: str | None) -> bool:
    """True when the words right before `text[start:]` say the number ends a card: "how much do I have? card
    ends 1500" at "How much would you like to send?" became a transfer of $1,500 (the model tagged 1500 an
    amount), and "ok send her 75" sent it (customer trial, session 30). An amount takes no such number."""
    key = language_key(language) or "en"
    pattern, card = _CARD_END_BEFORE.get(key), _CARD_BEFORE.get(key)
    before = text[max(0, start - 40):start]
    if pattern and pattern.search(before):
        return True
    # "whats on my card 1234": four digits right after "card" (customer trial, session 30)
    return bool(card and card.search(before) and re.match(r"\d{4}(?!\d)", text[start:start + 5]))


# A balance said around a number: "…RENT -900.00 BAL 1,405.55 … pay M Jones the same rent again" sent $1,405.55, "um, my
# balance is 2000 by the way" at "How much would you like to send?" was read back as $2,000, "the app shows 400
# available on my card" as $400, "余额还剩30" at the loss question filed a loss of 30 元 (customer trials, session 32)
_BALANCE_BEFORE = re.compile(r"\b(?:bal(?:ance)?|avail(?:able)?(?: balance)?)\b(?:\s+(?:is|was|of|at|shows?|showing|reads?|says?|"
                             r"now|currently|still|only|just|about|around))*\s*[:：=]?\s*[$€£¥￥]?\s*$"
                             r"|(?:余额|卡里)(?:本来|原来|之前)?(?:就|只|还)?(?:剩|有|是|为)?(?:下)?[:：]?\s*$|(?:还|就|只)剩(?:下)?\s*$",
                             re.IGNORECASE)  # "余额本来有200，只剩50了" filed a loss of 200 元 (customer trial, session 32)
# "I have 500 dollars on my account, what can you do for me?" kept $500 for the transfer asked next (customer trial,
# session 33)
_BALANCE_AFTER = re.compile(r"^\s*(?:dollars?|bucks|usd)?\s*(?:available|left|remaining"
                            r"|(?:in|on) (?:my|the) (?:account|card|bank account|debit card|credit card))\b",
                            re.IGNORECASE)


def balance_said(text: str, start: int, end: int) -> bool:
    """True when the number at text[start:end] is said as a balance, not an amount to send or lose."""
    return bool(_BALANCE_BEFORE.search(text[max(0, start - 40):start]) or _BALANCE_AFTER.match(text[end:end + 30]))


_BALANCE_STATED = re.compile(r"\b(?:bal(?:ance)?|余额)\s*(?:is|was|shows?|showing|reads?|says?|是|有|还有|显示)"
                             r"(?:\s+(?:now|currently|still|only|just|about|around))*\s*[:：=]?\s*[$€£¥￥]?\s*$", re.IGNORECASE)


def balance_stated(text: str, start: int) -> bool:
    """True when the number at `start` follows "my balance is" (a statement of the balance, no card's digits)."""
    return bool(_BALANCE_STATED.search(text[max(0, start - 40):start]))
