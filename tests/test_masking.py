import logging

import pytest

from framework.masking import Masker, install_log_masking, luhn_valid, mask_values, uninstall_log_masking

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


@pytest.mark.parametrize("text", [
    "订单号1234567890123",          # 13 digits, not Luhn-valid: an order number, kept
    "金额 12345 元", "2024-05-01", "12812345678",  # 128 is not a mobile prefix
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
