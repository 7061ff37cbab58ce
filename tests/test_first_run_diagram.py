"""`dialog graph --format png` draws Chinese labels with a CJK font from a package (Debian's
fonts-wqy-microhei or fonts-noto-cjk, which .ci/run installs), and without one says so in
one warning (golden text) instead of silently drawing empty boxes."""
from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from framework.compile import diagram

ROOT = Path(__file__).resolve().parent.parent
TELECOM, BANKING = ROOT / "domains" / "telecom_zh", ROOT / "domains" / "banking_en"
GOLDEN = ROOT / "tests" / "golden" / "first_run"


def glyph_warnings(record) -> list[str]:
    return [str(w.message) for w in record if "missing from font" in str(w.message)]


def test_chinese_labels_are_drawn_with_a_cjk_font(tmp_path, capsys):
    if not diagram.cjk_font_files():
        pytest.skip("no CJK font on this machine: apt-get install fonts-wqy-microhei (.ci/run installs it)")
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        assert diagram.main([str(TELECOM), "--flow", "business", "-o", str(tmp_path / "g.png")]) == 0
    assert glyph_warnings(record) == []  # matplotlib warns for every glyph its fonts lack
    assert capsys.readouterr().err == ""
    assert (tmp_path / "g.png").read_bytes()[:4] == b"\x89PNG"


def test_without_a_cjk_font_one_clear_warning(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(diagram, "cjk_font_files", lambda: [])
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        assert diagram.main([str(TELECOM), "--flow", "business", "-o", str(tmp_path / "g.png")]) == 0
    assert capsys.readouterr().err == (GOLDEN / "graph_no_cjk_font.txt").read_text(encoding="utf-8")
    assert glyph_warnings(record) == []  # not one per missing glyph as well
    assert (tmp_path / "g.png").read_bytes()[:4] == b"\x89PNG"  # still drawn


def test_an_english_domain_needs_no_cjk_font(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(diagram, "cjk_font_files", lambda: [])
    assert diagram.main([str(BANKING), "--flow", "activate_card", "-o", str(tmp_path / "g.png")]) == 0
    assert capsys.readouterr().err == ""


def test_a_font_named_by_the_environment_comes_first(monkeypatch, tmp_path):
    monkeypatch.setenv("DIALOG_CJK_FONT", str(tmp_path / "MyFont.ttf"))
    assert diagram.cjk_font_files()[0] == str(tmp_path / "MyFont.ttf")


@pytest.mark.parametrize("text, needed", [("办理", True), ("ask_name", False), ("「确认」", True),
                                          ("café", False), ("カード", True)])
def test_which_texts_need_a_cjk_font(text, needed):
    assert diagram.needs_cjk_font(text) is needed


def test_a_chinese_confusion_matrix_without_a_cjk_font_notes_it_once(tmp_path, monkeypatch):
    """Training a Chinese domain on a machine without the font had printed matplotlib's warning
    for each glyph of each intent name, about sixty lines, into the training log."""
    from framework.nlu.report import write_report

    monkeypatch.setattr(diagram, "cjk_font_files", lambda: [])
    report = {"confusion_matrix": [[3, 1], [0, 2]], "labels": ["咨询", "投诉"], "accuracy": 0.83, "macro_f1": 0.8,
              "n": 6, "per_intent": {}}
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        paths = write_report(report, tmp_path / "evaluation")
    assert glyph_warnings(record) == []
    assert report["notes"] == [f"confusion matrix: {diagram.NO_CJK_FONT}"]
    assert (tmp_path / "evaluation_confusion.png").read_bytes()[:4] == b"\x89PNG" and len(paths) == 4
