"""A surname alone is no name: "我姓李", "王女士", "Mr Smith", "my last name is Smith".

Found in a customer trial (telecom_zh, session 13): at "麻烦告诉我您的真实姓名（与身份证一致）"
the answers "我姓李" and "王女士" were stored as the name and the flow went on to the ID
number; the name then matched no ID card. A text slot has only length checks, and both
answers pass them. People say these as a polite first answer, so they are no wrong answer
either: framework.engine.value_guard asks for the full name (`utter_full_name`) without
using up an attempt, and framework.engine.slot_filling stores no such value found inside a
message.

Only a short text slot (a name: framework.slots.context.short_text) is checked, and only
these shapes, which are never a whole person's name:

- a message that states a surname and nothing else: "我姓李", "免贵姓王", "本人姓欧阳",
  "my surname is Li", "last name's Smith";
- a value that is a surname with a title: "王女士", "李先生", "张小姐", "刘老师", "Mr Smith",
  "Mrs. Lee", "Dr Brown". A title with a full name ("Mr John Smith") is a name.

"我姓李，叫李明" stays a value: 李明. A nickname ("小李", "老王", "叫我老王就行") asks for the full name too.

The given name said next completes the surname (`with_surname`): "我姓陈", then "名字叫建国" is 陈建国
(it was stored as 建国: customer trial, session 28), "my last name is Okafor", then "Chidi" is Chidi
Okafor. A full name said next ("陈建国", "王芳", "Chidi Okafor") is taken as said.
"""
from __future__ import annotations

import re

from framework.slots.answers import language_key, yes_no

_PUNCT = " \t\u3000,.!?;:~，。！？；：、…～\"'“”‘’"
_CJK = r"[\u3400-\u9fff]"
_SURNAME_STATEMENT = {
    "zh": re.compile(rf"(?:我|本人)?(?:免贵)?姓(?:是)?(?P<surname>{_CJK}{{1,2}}?)(?:的)?[吧啊呀哦呢]?"),
    "en": re.compile(r"(?:(?:my|his|her|their|the)\s+)?(?:surname|last\s+name|family\s+name)"
                     r"(?:\s+is|['’]s)?\s+(?P<surname>[a-z][a-z'’-]*)", re.IGNORECASE),
}
_TITLED_SURNAME = {
    "zh": re.compile(rf"(?P<surname>{_CJK}{{1,2}}?)(?:先生|女士|小姐|太太|夫人|老师|师傅)"),
    "en": re.compile(r"(?:mr|mrs|ms|miss|mx|dr)(?:\.\s*|\s+)(?P<surname>[a-z][a-z'’-]*)", re.IGNORECASE),
}
# The commonest Chinese surnames (about 85 % of people): a two-character answer that starts with one is a
# whole name ("王芳" after "我姓陈" stays 王芳), and 小/老/阿 before one is a nickname ("小李")
COMMON_SURNAMES_ZH = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟"
    "谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施牛樊葛"
    "邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包尚符舒阮柯纪梅童凌毕单季裴霍涂苗谷盛曲翁冉骆蓝"
    "路游辛靳管柴蒙鲍喻祁蒲房滕屈饶解牟艾尤阳穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全"
    "佟应臧闵苟邬边卞姬师仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩佘池查麻苑迟邝")
# a nickname: "小李", "老王", "阿陈" (stored as the name on an ID card: customer trial, session 28), "叫我老王就行"
# too (session 29: the account was opened in the name 老王)
_NICKNAME_ZH = re.compile(rf"[小老阿](?P<surname>{_CJK})")
_GIVEN_ZH = re.compile(rf"{_CJK}{{1,2}}")
_GIVEN_EN = re.compile(r"[a-z][a-z'’-]*", re.IGNORECASE)


def _said(text: str, language: str | None) -> str:
    said = text.strip(_PUNCT)
    # "那好吧，我姓林" (customer trial, session 25): a yes or no first, then only the surname
    first, rest = (re.split(r"[,，。.!！;；]", said, maxsplit=1) + [""])[:2]
    if rest.strip(_PUNCT) and yes_no(first, language) is not None:
        said = rest.strip(_PUNCT)
    return said


def stated_surname(text: str, language: str | None) -> str | None:
    """The surname a message states alone ("我姓陈", "王女士", "my surname is Okafor", "Mr Smith"), or None."""
    code = language_key(language or "en")
    said = _said(text, language)
    for patterns in (_SURNAME_STATEMENT, _TITLED_SURNAME, {"zh": _NICKNAME_ZH}):
        pattern = patterns.get(code)
        m = pattern.fullmatch(said) if pattern is not None else None
        if m is not None and (pattern is not _NICKNAME_ZH or nickname(said, language)):
            return m.group("surname")
    return None


def nickname(value: str, language: str | None) -> bool:
    """"小李", "老王": a familiar form of a surname, no name on an ID card."""
    m = _NICKNAME_ZH.fullmatch(str(value).strip(_PUNCT))
    return (language_key(language or "en") == "zh" and m is not None
            and m.group("surname") in COMMON_SURNAMES_ZH)


def with_surname(value: str, surname: str, language: str | None) -> str:
    """`value`, said right after the surname alone, as the whole name: a given name alone ("建国",
    "Chidi") gets the surname (陈建国, Chidi Okafor); anything else is kept as said."""
    value = str(value).strip(_PUNCT)
    if language_key(language or "en") == "zh":
        whole = value.startswith(surname) or (len(value) == 2 and value[0] in COMMON_SURNAMES_ZH)
        if _GIVEN_ZH.fullmatch(value) and not whole:
            return surname + value
        return value
    if _GIVEN_EN.fullmatch(value) and value.lower() != surname.lower():
        return f"{value} {surname}"
    return value


def partial_name(text: str, value: str, language: str | None) -> bool:
    """True when the message states only a surname, or the value (or the whole message) is a
    surname with a title."""
    code = language_key(language or "en")
    statement, titled = _SURNAME_STATEMENT.get(code), _TITLED_SURNAME.get(code)
    said = _said(text, language)
    if statement is not None and statement.fullmatch(said):
        return True
    if nickname(value, language):  # "叫我老王就行" too: no name on an ID card (customer trial, session 29)
        return True
    # the value, or the whole message: "Mrs. Lee" splits into two clauses at its dot
    return titled is not None and any(titled.fullmatch(t) for t in (str(value).strip(_PUNCT), said))
