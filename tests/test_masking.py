import logging
import time

import pytest

from framework.masking import Masker, install_log_masking, luhn_valid, mask_values, uninstall_log_masking
from framework.text_scan import EMAIL_PATTERN

M = Masker()


@pytest.mark.parametrize("text, expected", [
    ("身份证110101199003077777", "身份证110*************77"),
    ("ID 11010519491231002X ok", "ID 110*************2X ok"),
    ("电话13812345678，谢谢", "电话138****5678，谢谢"),
    ("+86 138-1234-5678", "138****5678"),
    ("卡号6222020200112233446", "卡号***************3446"),  # Luhn-valid 19 digits
    ("card 4111 1111 1111 1111", "card ************1111"),
    ("mail zhang.san@example.com.cn", "mail z***@example.com.cn"),
])
def test_masks_each_kind(text, expected):
    assert M.mask(text) == expected


@pytest.mark.parametrize("text, expected", [
    # every form the phone, id_number and email slot types accept, and cards failing Luhn
    ("1394 567 8901", "139****8901"),
    ("电话139\u30004567\u30008901。", "电话139****8901。"),  # ideographic spaces
    ("１３９４５６７８９０１", "139****8901"),  # full-width digits
    ("１３９ ４５６７－８９０１", "139****8901"),  # full-width dash
    ("身份证 110101 19900307 7774", "身份证 110*************74"),
    ("ID 110105 1949 1231 002X.", "ID 110*************2X."),
    ("wang＠example.com", "w***@example.com"),
    ("ｗａｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ", "w***@example.com"),
    ("卡 6222 0212 3456 7890", "卡 ************7890"),  # not Luhn-valid
    ("订单号1234567890123", "订单号*********0123"),  # 13 digits could be a card: masked
    ("110101199003077774 13812345678", "*************************5678"),  # typed together
    ("选项1 13812345678", "选项********5678"),  # a stray digit before a phone
])
def test_masks_every_accepted_form(text, expected):
    assert M.mask(text) == expected


@pytest.mark.parametrize("text", [
    "金额 12345 元", "2024-05-01", "12812345678",  # 128 is not a mobile prefix
    "at 2026-12-01 12:00:00, 3 items", "ms=12.5 turn=4",
])
def test_leaves_other_numbers(text):
    assert M.mask(text) == text


def test_luhn():
    assert luhn_valid("4111111111111111") and not luhn_valid("4111111111111112")


def test_only_configured_kinds():
    assert Masker(kinds=("email",)).mask("13812345678 a@b.cn") == "13812345678 a***@b.cn"
    with pytest.raises(ValueError, match="unknown PII kinds"):
        Masker(kinds=("passport",))


def test_tree_and_values():
    assert M.mask_tree({"h": [{"text": "13812345678"}], "n": 3}) == {"h": [{"text": "138****5678"}], "n": 3}
    assert mask_values("我叫张三丰", ["张三丰"]) == "我叫张**"


def test_every_log_record_is_masked(caplog):
    install_log_masking()
    try:
        with caplog.at_level(logging.INFO):
            logging.getLogger("x.y").info("user said %s", "我的身份证是110101199003077777")
            try:
                raise ValueError("phone 13812345678")
            except ValueError:
                logging.getLogger("x").exception("failed for %s", "a@b.cn")
    finally:
        uninstall_log_masking()
    assert "110101199003077777" not in caplog.text and "13812345678" not in caplog.text
    assert "a@b.cn" not in caplog.text and "110*************77" in caplog.text


# ---------------------------------------------------------------- linear time (issue 9, #1)
# Inputs that made the old e-mail pattern quadratic (every start position rescanned the run),
# and the shapes nearest to the digit and e-mail scanners' worst cases.
ADVERSARIAL = {
    "letters": lambda n: "a" * n,
    "local parts": lambda n: "a." * (n // 2),
    "at signs": lambda n: "a@" * (n // 2),
    "dotted domain": lambda n: "x@" + "a." * (n // 2 - 2) + "1",
    "label chain": lambda n: "a@a" + "-a" * (n // 2 - 2),
    "spaced digits": lambda n: "1 " * (n // 2),
    "dashed digits": lambda n: "12--" * (n // 4),
    "full-width": lambda n: "１＠" * (n // 2),
    "chinese": lambda n: "我" * n,
}


def cpu_seconds(fn, text: str, repeat: int = 3) -> float:
    """The least CPU time of a few runs: a relative measure for a ratio, never a threshold."""
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        fn(text)
        best = min(best, time.process_time() - started)
    return max(best, 1e-6)


def scan_all(text: str) -> None:
    M.mask(text)
    list(EMAIL_PATTERN.finditer(text))
    EMAIL_PATTERN.fullmatch(text)


@pytest.mark.parametrize("shape", list(ADVERSARIAL))
def test_masking_and_email_extraction_are_linear(shape):
    # 4x the input: a linear scan takes ~4x the time, the old quadratic one took 16x.
    make = ADVERSARIAL[shape]
    small, large = make(20_000), make(80_000)
    scan_all(small)  # warm the character table
    ratio = cpu_seconds(scan_all, large) / cpu_seconds(scan_all, small)
    assert ratio < 9, f"{shape}: 4x the input took {ratio:.1f}x the time"


@pytest.mark.parametrize("shape", list(ADVERSARIAL))
def test_300k_character_messages(shape):
    text = ADVERSARIAL[shape](300_000)
    masked = M.mask(text + " 13812345678")
    assert masked.endswith("5678") and "13812345678" not in masked  # digit shapes: one long run
    assert EMAIL_PATTERN.fullmatch(text) is None or shape == "label chain"


def test_email_scanner_matches_the_regular_expression():
    """The linear scanner finds exactly what `re` finds with the classic pattern."""
    from hypothesis import given, settings, strategies as st

    from framework.text_scan import _EMAIL, find_emails

    @settings(max_examples=800, deadline=None, derandomize=True)
    @given(st.text(alphabet="ab1.-_@+ %", max_size=16))
    def check(text):
        assert list(find_emails(text)) == [m.span() for m in _EMAIL.finditer(text)]
        assert bool(EMAIL_PATTERN.fullmatch(text)) == bool(_EMAIL.fullmatch(text))

    check()


def test_email_slot_extraction_uses_the_linear_scanner():
    from framework.slots.identity import EMAIL_RE, check_email

    assert EMAIL_RE is EMAIL_PATTERN
    assert [m.group() for m in EMAIL_RE.finditer("写信给 zhang.san@example.com.cn 或 b@c.io")] == [
        "zhang.san@example.com.cn", "b@c.io"]
    assert check_email("a@b.cn") == ("a@b.cn", None) and check_email("a" * 300_000)[0] is None


# ---------------------------------------------------------------- log forging (issue 9, #7)
FORGED = "u1\n2026-12-01 00:00:00,000 1 INFO framework.server: admin logged in"


def test_a_newline_in_a_logged_value_cannot_forge_a_line(tmp_path):
    path = tmp_path / "server.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("framework.server.forging-test")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    install_log_masking()
    try:
        logger.info("turn sender=%s text=%r", FORGED, "hi\r\u2028there\x1b[31m")
        try:
            raise KeyError(FORGED)
        except KeyError:
            logger.exception("failed for %s", FORGED)
    finally:
        uninstall_log_masking()
        logger.removeHandler(handler)
        handler.close()
    lines = path.read_text(encoding="utf-8").splitlines()
    records = [line for line in lines if not line[:1].isspace()]
    assert len(records) == 3, lines  # two records; the traceback's first line
    assert records[0].endswith(r"turn sender=u1\n2026-12-01 00:00:00,000 1 INFO framework.server: admin logged in "
                               r"text='hi\r\u2028there\x1b[31m'")
    assert records[2] == "Traceback (most recent call last):"
    assert not any("admin logged in" in line and line.startswith("2026-12-01 00:00:00,000") for line in lines)
