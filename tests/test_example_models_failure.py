"""tests/support/example_models.py: a failed example training fails every test that needs the
model with its log's tail, and is not started again for each of them (minutes each)."""
from __future__ import annotations

import pytest

from tests.support import example_models


def test_a_failed_training_fails_each_later_request_at_once_without_training_again(monkeypatch):
    started = []

    class Counted(example_models.Training):
        def __init__(self, domain, *args, **kwargs):
            started.append(domain)
            super().__init__(domain, *args, **kwargs)

    monkeypatch.setattr(example_models, "Training", Counted)
    models = example_models.ExampleModels()
    try:
        with pytest.raises(pytest.fail.Exception) as first:
            models.model("no_such_domain")  # `python train.py domains/no_such_domain` exits non-zero
        assert "training the example model no_such_domain failed" in first.value.msg
        with pytest.raises(pytest.fail.Exception) as again:
            models.model("no_such_domain")
        assert again.value.msg == first.value.msg
        assert started == ["no_such_domain"] and models.training == {}  # one training, ended and let go
    finally:
        models.close()
