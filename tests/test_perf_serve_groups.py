"""A batch is run in groups of similar token lengths, each padded only to its own longest
text (framework.nlu.model.length_groups): same answers, fewer padded tokens."""
from __future__ import annotations

import numpy as np
import pytest

from framework.nlu.model import length_groups


def cost(lengths, groups, call_tokens):
    return sum(call_tokens + len(g) * max(lengths[i] for i in g) for g in groups)


def test_groups_cover_every_text_once_within_the_size_limit():
    lengths = [9, 3, 3, 12, 7, 7, 30, 5, 4, 4, 11]
    groups = length_groups(lengths, max_size=4, call_tokens=5)
    assert sorted(i for g in groups for i in g) == list(range(len(lengths)))
    assert all(1 <= len(g) <= 4 for g in groups)
    widths = [max(lengths[i] for i in g) for g in groups]
    assert widths == sorted(widths)  # shortest group first


def test_one_long_text_gets_a_call_of_its_own_when_its_padding_costs_more():
    lengths = [8, 8, 9, 9, 10, 10, 10, 40]
    assert length_groups(lengths, max_size=16, call_tokens=20) == [[0, 1, 2, 3, 4, 5, 6], [7]]
    # a call dearer than the padding it saves: one padded batch, as before
    assert length_groups(lengths, max_size=16, call_tokens=500) == [list(range(8))]
    # similar lengths: one group
    assert length_groups([9, 10, 10, 11], max_size=16, call_tokens=20) == [[0, 1, 2, 3]]


def test_the_split_is_the_cheapest_one():
    import itertools

    lengths = [3, 5, 6, 14, 15, 22, 40]
    groups = length_groups(lengths, max_size=8, call_tokens=12)
    best = min(
        cost(lengths, [list(range(a, b)) for a, b in zip((0, *cuts), (*cuts, 7))], 12)
        for k in range(7) for cuts in itertools.combinations(range(1, 7), k))
    assert cost(lengths, groups, 12) == best


@pytest.fixture(scope="module")
def joint_classifier(tmp_path_factory):
    from framework.nlu.model import load_classifier
    from tests.support.tiny_model import train_tiny_model

    examples = [("我叫[张三](name)", "inform"), ("[李四](name)", "inform"), ("我的名字是[王小明](name)", "inform"),
                ("你好", "greet"), ("您好啊", "greet"), ("早上好", "greet"),
                ("我想办理一张新卡可以吗请帮我看看", "open"), ("办卡", "open"), ("开户", "open")]
    model_dir = train_tiny_model(examples, tmp_path_factory.mktemp("groups") / "m", annotated=True)
    return load_classifier(model_dir, None, threads=1)


TEXTS = ["你好", "我叫张三", "办卡", "我想办理一张新卡可以吗请帮我看看我叫王小明谢谢你们的帮助", "您好啊", "开户"]


def test_grouped_answers_are_each_texts_own(joint_classifier):
    together = joint_classifier.parse(TEXTS)
    for text, parsed in zip(TEXTS, together):
        (alone,) = joint_classifier.parse([text])
        assert [s.name for s in parsed.ranking] == [s.name for s in alone.ranking]
        assert np.allclose([s.confidence for s in parsed.ranking], [s.confidence for s in alone.ranking], atol=1e-5)
        assert [(e.entity, e.start, e.end, e.value) for e in parsed.entities] == \
               [(e.entity, e.start, e.end, e.value) for e in alone.entities]


def test_the_network_sees_each_group_cut_to_its_longest_text(joint_classifier):
    network = joint_classifier.network
    widths = []

    def recording(input_ids, attention_mask):
        widths.append((input_ids.shape[0], input_ids.shape[1], int(attention_mask.sum(1).max())))
        return network(input_ids, attention_mask)

    joint_classifier.network = recording
    try:
        joint_classifier.parse(TEXTS)
    finally:
        joint_classifier.network = network
    assert len(widths) == 2  # the long text alone, the short ones together
    assert sorted(rows for rows, _, _ in widths) == [1, len(TEXTS) - 1]
    assert all(width == longest for _, width, longest in widths)  # no column of padding only
