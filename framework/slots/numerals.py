"""Numbers inside text: Arabic digits (full-width too), Chinese numerals with their units and
colloquial forms, Chinese money compounds, English number words. Pure.

What counts as a number:

- Arabic: "1,000", "2.5", "１２" (full width), with a Chinese unit "3万", "1.2万", "1万2" (12000).
- Chinese: "十二", "两千零五", "三千五" (3500: a bare digit after a unit counts one unit
  lower, as people say it), "两万三" (23000), "三点五" (3.5), "二零二四" (digit by digit).
- Chinese money: "三块五" (3.5), "五毛" (0.5), "一块二毛五" (1.25), "3元5角", "三块零五毛" (3.5),
  "三块零五" (3.05).
- English: "two", "twenty five", "one hundred and five", "a dozen", "5 thousand".

What does not, because the characters are part of a word and not a quantity: 文三路 (a
street), 一下, 快一点, 第一 (an ordinal), 一直, 统一, 万一, 十分, "no one", "4G", "A320"; nor
does a run of ten digits or more without separators (an account, a phone or an ID number
whose check digit is wrong).
A lone Chinese digit is a number only when a measure word follows it (三张, 两个人), when
it stands on its own, or after a verb that takes a quantity (买三); longer numerals are
numbers unless they are one of the idioms below.

The library candidates (cn2an 0.5.24, text2num 3.1) were measured on these cases and got
them wrong (cn2an.transform turns 文三路 into 文3路 and 一下 into 1下; text2num leaves "two"
and "a dozen" alone), so this is hand-written; see tests/test_numbers_*.py.
"""
from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
          "七": 7, "八": 8, "九": 9, "壹": 1, "贰": 2, "叁": 3, "肆": 4, "伍": 5, "陆": 6,
          "柒": 7, "捌": 8, "玖": 9}
SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
BIG_UNITS = {"万": 10_000, "萬": 10_000, "亿": 100_000_000}
CHINESE_CHARS = "".join(DIGITS) + "".join(SMALL_UNITS) + "".join(BIG_UNITS)
_DIGIT_CHARS = "".join(DIGITS)

# Full-width digits and point, mapped one character to one so offsets stay valid.
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")

_ARABIC = r"(?:\d{1,3}(?:,\d{3})++|\d++)(?:\.\d++)?"
# A run of Arabic numbers, Chinese digits and units; 点 only as a decimal point (一点五).
# Possessive (++): a run never gives characters back, so a pattern that needs something
# after it (_CNY_RE's 块) fails in linear time on a long digit run instead of trying every split.
_RUN_RE = re.compile(rf"(?:{_ARABIC}|[{CHINESE_CHARS}]|(?<=[{CHINESE_CHARS}\d])点(?=[{_DIGIT_CHARS}]))++")
_TOKEN_RE = re.compile(rf"{_ARABIC}|[{CHINESE_CHARS}]|点")

# Words a lone Chinese digit may count: 三张, 两个, 五天, 一次.
MEASURE_WORDS = set("个张块元圆角毛位人次天年月日号岁台件份本条只瓶杯斤克米里倍成折层楼栋间套部辆把种项笔期周秒趟遍回箱盒包粒颗双对").union(
    {"小时", "分钟", "公里", "公斤", "千克", "星期", "礼拜"})
# Verbs after which a lone digit at a clause end is a quantity: 买三, 要两.
QUANTITY_VERBS = set("买要订办转付给有共约概花交充存取借还开是为")
# Words that contain numeral characters but are no quantity.
IDIOMS = ("一下", "一直", "一起", "一样", "一般", "一定", "一些", "一切", "一旦", "一会", "一边", "一向",
          "一致", "一再", "一律", "一概", "一路", "一番", "一连", "一体", "一手", "一生", "一同", "一道",
          "一时", "一口气", "统一", "唯一", "同一", "之一", "万一", "千万", "十分", "不一", "专一",
          "一模一样", "三心二意", "乱七八糟", "五花八门", "七上八下", "一五一十", "三三两两", "一点",
          "一块儿", "一块去", "一块走", "一块吃", "一块玩", "一块来")
_IDIOM_RE = re.compile("|".join(sorted(map(re.escape, IDIOMS), key=len, reverse=True)))

# Chinese money: 三块五, 五毛, 一块二毛五, 3元5角, 八分钱 (the amount in yuan).
# After 块 only these may follow for it to mean yuan (两块钱, 两块给你); 两块蛋糕 is two pieces.
_PARTICLES = set("钱给的了吧啊呢呀吗就都还也左多以整")
_CNY_MAJOR = "块钱|块|元|圆"
_CNY_RE = re.compile(
    rf"(?<![{CHINESE_CHARS}\d.,])(?P<major>{_RUN_RE.pattern})(?P<mu>{_CNY_MAJOR})"  # from a run's start only
    # 三块零五毛 (3.5: 零 only marks the missing 角 place, the 毛 says it is 角), 三块零五 / 三块零五分 (3.05)
    rf"(?:零(?:(?P<zjiao>[{_DIGIT_CHARS}]|\d)(?P<zju>[毛角])|(?P<zcent>[{_DIGIT_CHARS}]|\d)分?)"
    rf"|(?P<minor>[{_DIGIT_CHARS}]|\d)(?P<nu>[毛角])?(?:(?P<cent>[{_DIGIT_CHARS}]|\d)分?)?)?(?P<tail>钱)?"
    rf"|(?P<jiao>[{_DIGIT_CHARS}]|\d)(?P<ju>[毛角])(?:(?P<jcent>[{_DIGIT_CHARS}]|\d)分?)?(?P<jtail>钱)?")

ENGLISH_UNITS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen".split())}
ENGLISH_TENS = {w: 10 * i for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)}
# the usual misspellings: "send fourty five dollars" was read back as $5.00 and sent (hand try, session 45)
ENGLISH_TENS |= {"fourty": 40, "ninty": 90}
ENGLISH_SCALES = {"hundred": 100, "thousand": 1000, "million": 10 ** 6, "billion": 10 ** 9, "dozen": 12}
_EN_WORD = "|".join(sorted([*ENGLISH_UNITS, *ENGLISH_TENS, *ENGLISH_SCALES], key=len, reverse=True))
_EN_RE = re.compile(
    rf"(?<![\w-])(?:(?:an?|\d+(?:\.\d+)?)\s+)?(?:{_EN_WORD})(?:(?:\s+and\s+|\s+|-)(?:{_EN_WORD}))*(?![\w-])",
    re.IGNORECASE)
# "one" alone after these is a pronoun, not a count: "no one", "the one I ordered".
# ... and after a determiner and a word: "ok do the flour one first" at "which amount?" sent $1.00 (customer trial,
# session 43); "the other one", "my old one"
_PRONOUN_ONE = re.compile(r"(?:\b(?:no|any|every|some|the|this|that|which|each|little|last|next|another)\s+)$"
                          r"|\b(?:the|this|that|which|my|your|his|her|our|their)\s+[a-z]+(?:'s)?\s+$", re.IGNORECASE)
# Letters right after digits that still leave a number: currency codes.
_CODES = "usd|rmb|cny|eur|gbp|hkd|jpy|yuan"


@dataclass(frozen=True)
class Quantity:
    start: int
    end: int
    value: int | float
    currency: str | None = None  # "CNY" when the words themselves say so (块, 元, 毛)


# A pinyin input method's slip inside a Chinese numeral: "五十久" for 五十九 (jiu) was taken as the customer's new name at
# the plan question (customer trial, session 36). Only next to another numeral character: "很久" stays.
_JIU_SLIP = re.compile(r"(?<=[零〇一二两三四五六七八九十百千])久|久(?=[十百千万])")


def numeral_slips(text: str) -> str:
    """`text` with 久 read as 九 where it sits inside a Chinese numeral, one character for one."""
    return _JIU_SLIP.sub("九", text) if "久" in text else text


def normalise_digits(text: str) -> str:
    """Full-width digits as ASCII, one character for one."""
    return text.translate(_FULL_WIDTH)


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _digit(token: str) -> Decimal | None:
    if token in DIGITS:
        return Decimal(DIGITS[token])
    try:
        return Decimal(token.replace(",", ""))
    except InvalidOperation:
        return None


def _approximate(tokens: list[str]) -> Decimal | None:
    """Two neighbouring digits and a unit, Chinese for "two or three hundred": the middle of
    the two, 两三百 -> 250, 五六十 -> 55, 三四千 -> 3500, 一两万 -> 15000 ("亏了两三百块" at the
    loss question was no amount in a trial of session 14). None for anything else."""
    if len(tokens) != 3 or tokens[0] not in DIGITS or tokens[1] not in DIGITS:
        return None
    low, high = DIGITS[tokens[0]], DIGITS[tokens[1]]
    unit = SMALL_UNITS.get(tokens[2]) or BIG_UNITS.get(tokens[2])
    if unit is None or low < 1 or high != low + 1:
        return None
    return (Decimal(low) + Decimal(high)) / 2 * unit


def _integer_part(tokens: list[str]) -> Decimal | None:
    """The value of digits and units: 三千五 -> 3500, 1万2 -> 12000, 两千零五 -> 2005; two
    neighbouring digits before a unit are "about" (_approximate: 两三百 -> 250)."""
    approximate = _approximate(tokens)
    if approximate is not None:
        return approximate
    if len(tokens) > 1 and all(t in DIGITS for t in tokens):
        # Digit by digit (二零二四); two digits (三五, 七八) are a vague "three or five".
        # Three to twelve of them: a year, a phone number read out; more is no quantity.
        return Decimal("".join(str(DIGITS[t]) for t in tokens)) if 3 <= len(tokens) <= 12 else None
    total = section = small = Decimal(0)
    current: Decimal | None = None
    last_unit = None
    after_unit = False  # the previous token was a unit (no 零 between): 三千五, not 三千零五
    single = False  # the current number is one digit
    for i, token in enumerate(tokens):
        if token in SMALL_UNITS or token in BIG_UNITS:
            unit = SMALL_UNITS.get(token) or BIG_UNITS[token]
            if unit < 10_000:
                n = current
                if n is None and unit == 10 and not small and not section:
                    n = Decimal(1)  # 十二 = 12: a leading 十 counts one ten
                if n is None:
                    return None  # 百 or 千 with nothing to count
                small += n * unit
            else:
                part = small + (current or 0)
                if part == 0:
                    return None  # 万 alone (万达, 万一)
                if unit > 10_000:
                    total, section = (total + section + part) * unit, Decimal(0)
                else:
                    section = (section + part) * unit
                small = Decimal(0)
            current, last_unit, after_unit = None, unit, True
            continue
        value = _digit(token)
        if value is None or current is not None:
            return None  # "3五": two numbers with no unit between
        if token in DIGITS and DIGITS[token] == 0:
            after_unit = False
            continue
        current, single = value, (token in DIGITS or (token.isdigit() and len(token) == 1))
        if not after_unit:
            continue
        after_unit = False
        if single and last_unit and last_unit >= 10 and i == len(tokens) - 1:
            current = current * last_unit / 10  # the colloquial form: 三千五, 两万三, 1万2
    return total + section + small + (current or 0)


def _evaluate(run: str) -> int | float | None:
    """A run of Arabic digits, Chinese digits and units as one number, or None."""
    tokens = _TOKEN_RE.findall(run)
    if "点" in tokens:
        i = tokens.index("点")
        whole, fraction = tokens[:i], tokens[i + 1:]
        unit = Decimal(1)
        if fraction and fraction[-1] in BIG_UNITS:
            unit = Decimal(BIG_UNITS[fraction.pop()])
        if not whole or not fraction or any(t not in DIGITS for t in fraction):
            return None
        integer = _integer_part(whole) if len(whole) > 1 or whole[0] not in DIGITS else Decimal(DIGITS[whole[0]])
        if integer is None:
            return None
        return _number((integer + Decimal("0." + "".join(str(DIGITS[t]) for t in fraction))) * unit)
    value = _integer_part(tokens)
    return None if value is None else _number(value)


def _lone_digit_ok(text: str, start: int, end: int) -> bool:
    """A single Chinese digit (三, 两) is a quantity only in these places (see the module doc)."""
    after = text[end:end + 2]
    if after[:1] in MEASURE_WORDS or after in MEASURE_WORDS:
        return True
    before = text[start - 1] if start else ""
    cjk_before = bool(before) and "\u3400" <= before <= "\u9fff"
    cjk_after = bool(after) and "\u3400" <= after[0] <= "\u9fff"
    if not cjk_after and (not cjk_before or before in QUANTITY_VERBS):
        return True
    return False


def _idiom_spans(text: str) -> "_Spans":
    spans = []
    for m in _IDIOM_RE.finditer(text):
        word, before, after = m.group(), text[m.start() - 1:m.start()], text[m.end():m.end() + 1]
        if word == "一点" and after in DIGITS:
            continue  # a decimal point: 一点五 (after 下午 a time, left to the date extractor)
        if word[0] in SMALL_UNITS or word[0] in BIG_UNITS:
            if before and (before in CHINESE_CHARS or before.isdigit()):
                continue  # a unit of a longer number: 一千万, 一万一 (11000), 五十分
        spans.append(m.span())
    return _Spans(spans)


def _chinese_ok(text: str, start: int, end: int, idioms) -> bool:
    if start and text[start - 1] == "第":
        return False  # an ordinal: 第一, 第3
    if idioms.overlaps(start, end):
        return False
    run = text[start:end]
    if len(run) == 1 and run in CHINESE_CHARS:
        return _lone_digit_ok(text, start, end)
    return True


def _arabic_ok(text: str, start: int, end: int) -> bool:
    """Digits glued to Latin letters are part of a name (4G, A320, 5pm) unless the letters
    are a currency code (50USD); 第3 is an ordinal."""
    before, after = text[start - 1:start] if start else "", text[end:end + 4].lower()
    if before.isascii() and before.isalpha() or before == "第":
        return False
    if after[:1] == "点":
        return False  # a clock time (下午3点, 3点5分), the date extractor's
    if re.fullmatch(r"\d{10,}", text[start:end]):
        return False  # an identifier (a phone, an account, an ID with a wrong check digit), no amount
    if after[:1].isascii() and after[:1].isalpha():
        return bool(re.match(rf"(?:{_CODES})(?![a-z])", after))
    return True


# "a couple hundred", "a few thousand", "several hundred": no figure, and the scale word alone is no
# number there ("a couple hundred" at "How much would you like to send?" offered $100: customer trial,
# session 29); `indefinite` says such an amount
_VAGUE_BEFORE_RE = re.compile(r"\b(?:couple(?:\s+of)?|few|several|many|some)\s+$", re.IGNORECASE)


def _english(text: str) -> list[Quantity]:
    found = []
    for m in _EN_RE.finditer(text):
        words = re.split(r"\s+and\s+|\s+|-", m.group().lower())
        start = m.start()
        if words[0] in ("a", "an") and words[1] not in ENGLISH_SCALES:
            words, start = words[1:], m.start() + len(words[0]) + 1
        if words[0] in ENGLISH_SCALES and _VAGUE_BEFORE_RE.search(text, 0, start):
            continue
        value = _english_value(words)
        if value is None:
            continue
        if words == ["one"] and _PRONOUN_ONE.search(text[:start]):
            continue
        found.append(Quantity(start, m.end(), _number(value)))
    return found


def _english_value(words: list[str]) -> Decimal | None:
    total = current = Decimal(0)
    previous = None  # "unit", "ten", "scale"
    for i, word in enumerate(words):
        if word in ("a", "an"):
            current, previous = Decimal(1), "unit"
        elif word in ENGLISH_UNITS or word in ENGLISH_TENS:
            kind = "ten" if word in ENGLISH_TENS else "unit"
            # "twenty five" is one number; "two three" and "five twenty" are not.
            if previous == "unit" or (previous == "ten" and (kind == "ten" or ENGLISH_UNITS.get(word, 10) >= 10)):
                return None
            current += ENGLISH_UNITS.get(word) or ENGLISH_TENS.get(word, 0)
            previous = kind
        elif word in ENGLISH_SCALES:
            scale = ENGLISH_SCALES[word]
            n = current if previous else Decimal(1)
            if scale >= 1000:
                total, current = total + n * scale, Decimal(0)
            else:
                current = n * scale
            previous = "scale"
        else:
            try:
                current, previous = Decimal(word), "unit"  # "5 thousand"
            except InvalidOperation:
                return None
            if i + 1 >= len(words) or words[i + 1] not in ENGLISH_SCALES:
                return None  # plain digits are the Arabic scanner's
    return total + current


# A tens word and one digit: "send Alice twenty 5 dollars" was sent as $5 (customer trial, session 31: speech to
# text and quick typing write "twenty 5")
_TENS_DIGIT_RE = re.compile(r"\b(?P<tens>" + "|".join(ENGLISH_TENS) + r")[\s-]+(?P<unit>[1-9])(?![\d.,:/]\d|\d)",
                            re.IGNORECASE)


def _tens_and_digit(text: str) -> list[Quantity]:
    return [Quantity(m.start(), m.end(), int(ENGLISH_TENS[m.group("tens").lower()] + int(m.group("unit"))))
            for m in _TENS_DIGIT_RE.finditer(text)]


# Hundreds said in words, the rest in digits (or the other way): "a hundred and 5 dollars" was sent as $5, "make it
# 1 hundred and 10" became $100 (customer trial, session 31)
_SMALL = "|".join(w for w, v in ENGLISH_UNITS.items() if 1 <= v <= 9)
_HUNDRED_MIXED_RE = re.compile(
    rf"\b(?P<h>a|an|{_SMALL}|[1-9])\s+hundred(?:\s+and)?\s+(?P<rest>[1-9]\d?)(?![\d.,:/]\d|\d)"
    rf"|\b(?P<h2>[1-9])\s+hundred(?:\s+and)?\s+(?P<rest2>(?:{'|'.join(ENGLISH_TENS)})(?:[\s-]+(?:{_SMALL}))?|{_SMALL}"
    rf"|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)\b", re.IGNORECASE)


def _hundreds_mixed(text: str) -> list[Quantity]:
    found = []
    for m in _HUNDRED_MIXED_RE.finditer(text):
        if m.group("h"):
            head = m.group("h").lower()
            hundreds = 1 if head in ("a", "an") else int(head) if head.isdigit() else ENGLISH_UNITS[head]
            rest = int(m.group("rest"))
        else:
            hundreds = int(m.group("h2"))
            rest = _english_value(re.split(r"[\s-]+", m.group("rest2").lower()))
            if rest is None:
                continue
        found.append(Quantity(m.start(), m.end(), int(hundreds * 100 + int(rest))))
    return found


def _cjk(ch: str) -> bool:
    return bool(ch) and "\u3400" <= ch <= "\u9fff"


def _cny(text: str, idioms) -> list[Quantity]:
    found = []
    for m in _CNY_RE.finditer(text):
        after = text[m.end():m.end() + 1]
        if m.group("major") is not None:
            start, end = m.span("major")
            run = m.group("major")
            ok = _arabic_ok(text, start, end) if run[0].isdigit() else _chinese_ok(text, start, end, idioms)
            major = _evaluate(run) if ok else None
            if major is None:
                continue
            amount, minor, cent, end = Decimal(str(major)), m.group("minor"), m.group("cent"), m.end()
            if m.group("zjiao") is not None:
                minor = m.group("zjiao")
            elif m.group("zcent") is not None:
                minor, cent = "零", m.group("zcent")
            if minor is not None and m.group("minor") is not None and m.group("nu") is None and cent is None \
                    and _cjk(after) and after not in _PARTICLES and after in MEASURE_WORDS:
                # 五块一斤: the digit counts the next thing, it is no 毛 (5 yuan, not 5.1); "花了9块9买了个卡套" is
                # 9.9 (a verb follows, nothing counted: 9 元 was filed as the loss, customer trial, session 32)
                minor, end = None, m.end("mu")
            follower = text[end:end + 1]
            if m.group("mu") == "块" and minor is None and not m.group("tail") and _cjk(follower) \
                    and follower not in _PARTICLES and follower not in DIGITS:
                continue  # 两块蛋糕: pieces, not yuan (the number scanner still reads 2); 五块一斤 is yuan
        else:
            amount, minor, cent, end = Decimal(0), m.group("jiao"), m.group("jcent"), m.end()
            if text[m.start() - 1:m.start()] == "第" or idioms.overlaps(m.start(), m.end()):
                continue
        if minor is not None:
            amount += _digit(minor) / 10
            if cent is not None:
                amount += _digit(cent) / 100
        found.append(Quantity(m.start(), end, _number(amount), "CNY"))
    return found


# "1.5k", "2K", "10k": thousands, as people write amounts ("5km" is not: a letter or digit
# right after the k and it is no number of thousands).
_THOUSANDS_RE = re.compile(r"(?<![A-Za-z\d.,])(\d{1,3}(?:\.\d{1,3})?)\s?[kK](?![A-Za-z\d])")
# "损失起码3w", "1.5w": ten thousands as Chinese chat writes them (w for 万; "损失2k" was no amount either, the
# k of a number after a Chinese character: customer trial, session 27); only beside Chinese text or alone
_WAN_RE = re.compile(r"(?<=[\u4e00-\u9fff])(\d{1,4}(?:\.\d{1,2})?)\s?[wW](?![A-Za-z\d])"
                     # (not "47.50 w": "its 47.50 w the fees", a model's span in an English chat, was 475,000: customer
                     # trial, session 42)
                     r"|^(\d{1,4}(?:\.\d{1,2})?)[wW](?=[\u4e00-\u9fff，。！？]|\s*$)")


def _thousands(text: str) -> list[Quantity]:
    return ([Quantity(m.start(), m.end(), _number(Decimal(m.group(1)) * 1000)) for m in _THOUSANDS_RE.finditer(text)]
            + [Quantity(m.start(), m.end(), _number(Decimal(m.group(1) or m.group(2)) * 10000))
               for m in _WAN_RE.finditer(text)])


# "a grand", "two grand", "1.5 grand": thousands, as people say amounts; only where the amount
# ends ("a grand opening", "the grand total" are no amount).
# "two and a half grand" (read as 2: customer trial, session 25), "half a grand", "a grand and a half",
# "two and a half thousand"
_GRAND_RE = re.compile(
    rf"(?<![\w.,])(?:(?P<half_of>half\s+an?)|(?P<n>an?|\d+(?:\.\d+)?|(?:{_EN_WORD})(?:[\s-](?:{_EN_WORD}))*)"
    r"(?P<half>\s+and\s+a\s+half)?)\s+(?P<unit>grand|thousand)(?P<half_after>\s+and\s+a\s+half)?"
    r"(?=\s*(?:$|[,.;!?]|(?:to|for|please|on|by|today|tomorrow|now|and|into|from|each|per|a|in|dollars?|bucks|"
    r"pounds?|quid|euros?)\b))", re.IGNORECASE)


def _grand(text: str) -> list[Quantity]:
    found = []
    for m in _GRAND_RE.finditer(text):
        if m.group("half_of"):
            count = Decimal("0.5")
        else:
            n = m.group("n").lower()
            plain = 1 if n in ("a", "an") else parse_number(n)
            if plain is None or (m.group("unit").lower() == "thousand" and not (m.group("half") or m.group("half_after"))):
                continue  # "two thousand" is the numerals' own
            count = Decimal(str(plain)) + (Decimal("0.5") if m.group("half") or m.group("half_after") else 0)
        if count > 0:
            found.append(Quantity(m.start(), m.end(), _number(count * 1000)))
    return found


# "send a tenner tae ma pal Jamie" asked how much (customer trial, session 42): a tenner is 10, a fiver 5
_NOTE_RE = re.compile(r"(?<![\w.,])(?:(?P<n>an?|one|two|three|four|five|\d)\s+)?(?P<note>tenner|fiver)s?\b", re.IGNORECASE)
_NOTES = {"tenner": 10, "fiver": 5}


def _notes(text: str) -> list[Quantity]:
    found = []
    for m in _NOTE_RE.finditer(text):
        n = (m.group("n") or "a").lower()
        count = 1 if n in ("a", "an") else parse_number(n)
        if count:
            found.append(Quantity(m.start(), m.end(), _number(Decimal(str(count)) * _NOTES[m.group("note").lower()])))
    return found


# "plese i want send 3 hundret dolar to my frend" was sent as $3.00 (customer trial, session 46): the scale words misspelt
# as non-native writers do, one letter for one (the spans stay those of the message)
_MISSPELT_SCALE = re.compile(r"\b(?:hund(?:ret|erd|rad|ert|rid|red)|hunder(?=ds?\b)|thous(?:end|nad|amd)|thuosand|thoudand)\b",
                             re.IGNORECASE)
_SCALE_OF = {"h": "hundred", "t": "thousand"}


def _scale_words(text: str) -> str:
    return _MISSPELT_SCALE.sub(lambda m: _SCALE_OF[m.group()[0].lower()][:len(m.group())], text)


def scan(text: str) -> list[Quantity]:
    """Every quantity in `text`, left to right, overlapping ones resolved to the longest."""
    text = _scale_words(normalise_digits(text))
    idioms = _idiom_spans(text)
    candidates = (_cny(text, idioms) + _english(text) + _thousands(text) + _grand(text) + _notes(text)
                  + _tens_and_digit(text) + _hundreds_mixed(text))
    for m in _RUN_RE.finditer(text):
        start, end = m.span()
        run = m.group()
        if run[0].isdigit():
            if not _arabic_ok(text, start, end):
                continue
        elif not _chinese_ok(text, start, end, idioms):
            continue
        value = _evaluate(run)
        if value is not None:
            candidates.append(Quantity(start, end, value))
    chosen = _Spans()
    for q in sorted(candidates, key=lambda q: (-(q.end - q.start), q.start)):
        if not chosen.overlaps(q.start, q.end):
            chosen.add(q.start, q.end, q)
    return chosen.items


class _Spans:
    """Non-overlapping spans kept sorted, so an overlap test is a binary search: a message
    of thousands of numbers stays linear-logarithmic, not quadratic."""

    def __init__(self, spans=()):
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.items: list = []
        for start, end in spans:
            self.add(start, end, (start, end))

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self.starts, start)
        return (i > 0 and self.ends[i - 1] > start) or (i < len(self.starts) and self.starts[i] < end)

    def add(self, start: int, end: int, item) -> None:
        i = bisect.bisect_right(self.starts, start)
        self.starts.insert(i, start)
        self.ends.insert(i, end)
        self.items.insert(i, item)


def chinese_to_int(text: str) -> int | None:
    """'十二' -> 12, '两千零五' -> 2005, '三千五' -> 3500, '二零二四' -> 2024."""
    if not text or any(ch not in CHINESE_CHARS for ch in text):
        return None
    if len(text) == 1 and text in DIGITS:
        return DIGITS[text]
    value = _evaluate(text)
    return value if isinstance(value, int) else None


def parse_number(text: str) -> float | int | None:
    """A whole string as a number (int when integral), or None: "3", "三千五", "twenty five",
    "三块五" (3.5), "-2"."""
    text = normalise_digits(text.strip())
    sign = -1 if text[:1] == "-" else 1
    if text[:1] in "+-":
        text = text[1:].lstrip()
    if len(text) == 1 and text in DIGITS:
        return DIGITS[text] * sign
    found = scan(text)
    if len(found) == 1 and found[0].start == 0 and found[0].end == len(text):
        return found[0].value * sign
    return None


def find_numbers(text: str) -> list[tuple[int, int, float | int]]:
    """(start, end, value) for every number in a longer utterance."""
    return [(q.start, q.end, q.value) for q in scan(text)]


# Amounts that are no one exact amount (customer trial, session 27, at "经济损失大概是多少钱？"):
# "扣了我大概五六十吧" stored 55, a midpoint nobody said. parse_number still reads two neighbouring
# digits before a unit as their middle (_approximate: 两三百 -> 250, where any count will do), but a
# money slot takes no range (framework.slots.values._money refuses the whole answer, and
# framework.engine.slot_filling drops an amount inside one): money goes into a record or a
# payment, and an invented figure there is worse than the question again.
_RANGE_JOIN_RE = re.compile(r"\s*(?:块钱?|元|dollars?|bucks)?\s*(?:到|至|~|～|-|－|—|–)\s*\$?\s*",
                            re.IGNORECASE)  # "$100-$150" (session 29)
# Two amounts joined by "or" are no one amount either, whichever is said first: "100 or 150, not sure" at
# "How much would you like to send?" stored $150 (customer trial, session 29); "$100 or $150", "100 dollars
# or maybe 150", "一百或者一百五". "100 or rather 150" is a correction, no join: the amount is 150.
_OR_JOIN_RE = re.compile(r"\s*(?:块钱?|元|dollars?|bucks)?\s*,?\s*(?:or|或者|或是|或|还是)"
                         r"\s*(?:(?:maybe|perhaps|possibly|even)\s+)?\$?\s*", re.IGNORECASE)
# "between 100 and 150": "and" joins a range only after "between" ("100 and 50 cents" is one amount)
_BETWEEN_RE = re.compile(r"\bbetween\s+\$?\s*$", re.IGNORECASE)
_AND_JOIN_RE = re.compile(r"\s*(?:dollars?|bucks)?\s+and\s+\$?\s*", re.IGNORECASE)
_NOT_MONEY_AFTER = MEASURE_WORDS - set("块元圆角毛")
# the English words that count something other than money: "2 or 3 days", "3-5 people"
_NOT_MONEY_AFTER_EN = re.compile(r"\s*(?:days?|weeks?|months?|years?|hours?|minutes?|times|people|persons?|"
                                 r"percent|%|cards?|accounts?)(?![A-Za-z])", re.IGNORECASE)


def _joined_as_range(text: str, a: Quantity, b: Quantity) -> bool:
    if _RANGE_JOIN_RE.fullmatch(text, a.end, b.start):
        return a.value < b.value
    if _OR_JOIN_RE.fullmatch(text, a.end, b.start):
        return a.value != b.value
    return (_AND_JOIN_RE.fullmatch(text, a.end, b.start) is not None and a.value < b.value
            and _BETWEEN_RE.search(text, 0, a.start) is not None)


def ranges(text: str) -> list[tuple[int, int]]:
    """See _ranges; cached, for the engine asks it once per number of one message ("$1 " said 1,600 times
    took seconds: session 29's hostile-input check)."""
    return list(_ranges(text))


@functools.lru_cache(maxsize=32)
def _ranges(text: str) -> tuple[tuple[int, int], ...]:
    """The spans of ranges of two numbers in `text`: "五六十", "两三百块", "三四千", "一两万" (two
    neighbouring digits before a unit), "50到60", "50-60块", "五十到六十", "between 100 and 150" (the
    smaller first), and two numbers joined by "or" ("100 or 150", "150 or 100", "50或者60"); not when the
    second counts something other than money: "3到5天", "2 or 3 days")."""
    text = normalise_digits(text)
    found = scan(text)
    spans = [(q.start, q.end) for q in found if _approximate(_TOKEN_RE.findall(text[q.start:q.end])) is not None]
    for a, b in zip(found, found[1:]):
        after = text[b.end:b.end + 2]
        if (_joined_as_range(text, a, b) and after[:1] not in _NOT_MONEY_AFTER and after not in _NOT_MONEY_AFTER
                and not _NOT_MONEY_AFTER_EN.match(text, b.end)):
            spans.append((a.start, b.end))
    return tuple(sorted(spans))


# An amount said without its figure ("没多少 就几块钱" at the loss question heard "这个问题我在这里回答不了"):
# 几块 / 几十块 / 几百, 十几块, and "not much" words. A count of something else ("几十天") is none.
_INDEFINITE_RE = re.compile(
    r"几[十百千万]*(?:块|元|毛|分钱)|几[十百千万]+(?![个张位人次天年月日号岁台件份本条周秒趟遍回星礼小分])"
    r"|[十百千万]几(?:块|元|毛)|没多少|没几个钱|没几块|一点点钱|不太多"
    # "多了两百多吧" at the loss question filed 200 (customer trial, session 36): 两百多, 200多, 一千多块
    r"|(?:\d+|[一二两三四五六七八九]?[十百千万])多(?![少个张位人次天年月日号岁台件份本条周秒趟遍回G兆扣收交付给花算要])")


# "a couple hundred" at "How much would you like to send?" was $100 (customer trial, session 29), "a few
# bucks", "several thousand", "hundreds of dollars": asked again, not hinted at as a currency problem
_INDEFINITE_EN_RE = re.compile(
    r"\b(?:(?:a\s+)?(?:couple(?:\s+of)?|few)|several|many|some)\s+(?:hundreds?|thousands?|grand|bucks|dollars)\b"
    r"|\b(?:hundreds|thousands)\s+of\s+(?:dollars|bucks)\b", re.IGNORECASE)


def indefinite_at(text: str) -> int | None:
    """Where `text` first says an amount without its figure (see indefinite), or None."""
    found = [m.start() for m in (_INDEFINITE_RE.search(text), _INDEFINITE_EN_RE.search(text)) if m is not None]
    return min(found) if found else None


def indefinite(text: str) -> bool:
    """Whether `text` says an amount without its figure: "就几块钱", "几百", "十几块", "没多少", "a couple
    hundred", "a few bucks"."""
    return bool(_INDEFINITE_RE.search(text) or _INDEFINITE_EN_RE.search(text))
