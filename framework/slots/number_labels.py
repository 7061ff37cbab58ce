"""Numbers that the words right before them name as another kind of number. Pure.

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

_EN_NOUNS = (r"reference|ref|order|case|ticket|tracking|pin|zip|post\s?code|postal\s+code|otp|passcode|password"
             r"|verification|confirmation|invoice|policy|booking|flight|room|extension|ext|claim|receipt"
             r"|transaction|membership|member|customer|phone|mobile|cell|house|flat|apartment|apt|sort\s+code"
             r"|routing|security\s+code|cvv|cvc")
_ZH_NOUNS = r"订单|工单|快递单?|运单|流水|验证|密|邮政编|邮编|房间|门牌|编|会员|客户|宽带账|合同|发票|保单|航班|车牌"

# The name, then at most "number / no. / # / code / id", then at most "is / was / : / =" or
# "ends in".
_NAMED = {
    "en": re.compile(rf"\b(?P<noun>{_EN_NOUNS})\.?(?:\s*(?:number|num|no\.?|#|code|id))?"
                     r"(?:\s*(?:is|was|are|:|=|-|(?:ends?|ending)(?:\s+(?:in|with))?))?\s*$", re.IGNORECASE),
    "zh": re.compile(rf"(?P<noun>{_ZH_NOUNS})(?:号码?|码|单号|编号)(?:是|为|：|:|\s)*$"),
}


def _own_words(slot: Slot) -> str:
    return " ".join(w for w in (slot.name, slot.label or "", slot.entity or "") if w).lower().replace("_", " ")


def named_otherwise(slot: Slot, text: str, start: int, language: str | None) -> bool:
    """True when the words right before `text[start:]` name the number as another kind of
    number than `slot`'s ("reference number is " before "9981" for card_last4)."""
    pattern = _NAMED.get(language_key(language) or "en")
    if pattern is None or start == 0:
        return False
    m = pattern.search(text[max(0, start - 40):start])
    if m is None:
        return False
    noun = re.sub(r"\s+", " ", m.group("noun").lower())
    return noun not in _own_words(slot)
