"""A message longer than the classifier reads is read in windows (framework.nlu.long_texts).
Customer trial, session 13: a ~1,950-character message with the request at its end got
"didn't get that", because only the first `max_length` tokens were read. A real tiny model
(max_length 32) and its real tokenizer."""
from __future__ import annotations

import pytest

from framework.nlu import load_classifier
from framework.nlu.long_texts import MAX_WINDOWS, _covered, collapse_repeats, plan, windows
from tests.support.tiny_model import train_tiny_model

EXAMPLES = [
    ("hello there", "greet"), ("hi", "greet"), ("good morning", "greet"), ("hey hello", "greet"),
    ("block my card [4821](last4)", "block_card"), ("my card [1234](last4) was stolen", "block_card"),
    ("please block the card", "block_card"), ("freeze my card", "block_card"),
    ("what is my balance", "balance"), ("how much money do I have", "balance"), ("show my balance", "balance"),
]
STORY = "we went to the market on sunday and the weather was nice so we stayed late. " * 12


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    out = train_tiny_model(EXAMPLES, tmp_path_factory.mktemp("long") / "m", annotated=True)
    return load_classifier(out)


def test_a_short_text_is_one_window(model):
    assert windows(model.tokenizer, "block my card", model.max_length) == [(0, "block my card")]


def test_windows_fit_and_the_last_one_ends_with_the_text(model):
    text = STORY + "please block my card 4821"
    parts = windows(model.tokenizer, text, model.max_length)
    assert 1 < len(parts) <= MAX_WINDOWS
    for offset, piece in parts:
        assert text[offset:offset + len(piece)] == piece
        assert _covered(model.tokenizer, piece, model.max_length) >= len(piece.rstrip())
    assert parts[-1][1].endswith("please block my card 4821")
    assert parts[0][0] == 0


def test_a_very_long_text_reads_its_first_and_last_windows_only(model):
    text = "hello there. " + STORY * 6 + "block my card"
    parts = windows(model.tokenizer, text, model.max_length)
    assert len(parts) == MAX_WINDOWS
    assert parts[0][1].startswith("hello there.") and parts[-1][1].endswith("block my card")


def test_the_request_at_the_end_of_a_long_story_is_read(model):
    text = STORY + "please block my card 4821"
    head = model.predict([text[:120]])[0][0]
    parsed = model.parse([text])[0]
    assert parsed.ranking[0].name == "block_card"
    assert parsed.ranking[0].confidence > head.confidence
    assert abs(sum(s.confidence for s in parsed.ranking) - 1) < 1e-4
    for entity in parsed.entities:  # offsets into the whole text
        assert text[entity.start:entity.end] == entity.text
    assert [p.ranking[0].name for p in model.parse(["what is my balance", text])] == ["balance", "block_card"]


@pytest.mark.parametrize("text, collapsed", [
    ("so basically " * 150 + "block my card", "so basically block my card"),
    ("嗯嗯嗯嗯，就是说就是说就是说我要投诉", "嗯，就是说我要投诉"),
    ("call 13911111111 about 1111", "call 13911111111 about 1111"),  # digits are never filler
    ("so so basically", "so so basically"),                          # two copies are words, not filler
])
def test_filler_said_over_and_over_is_read_once(text, collapsed):
    got, index = collapse_repeats(text)
    assert got == collapsed
    assert index is None if got == text else "".join(text[i] for i in index) == got


def test_a_request_after_filler_with_no_punctuation_is_read(model):
    """Session 14's trial: "so basically " x 150, then the request; the last window still
    held ~28 fillers. Now it reads as the filler said once (with the trial's banking_en model:
    transfer_money 0.998 with its amount, recipient and date, BENCHMARKS.md session 15), and
    the entity's offsets are into the text as sent."""
    text = "so basically " * 150 + "block my card 4821"
    parsed, once = model.parse([text, "so basically block my card 4821"])
    assert [(s.name, round(s.confidence, 4)) for s in parsed.ranking] == \
        [(s.name, round(s.confidence, 4)) for s in once.ranking]
    assert [(e.entity, text[e.start:e.end]) for e in parsed.entities] == [("last4", "4821")]
    assert parsed.entities[0].start == len(text) - 4
    short = "um um um hi"  # fits: read as written
    assert plan(model.tokenizer, short, model.max_length) == ([(0, short)], None)
    parts, index = plan(model.tokenizer, text, model.max_length)
    assert index is not None and parts[-1][1].endswith("so basically block my card 4821")
