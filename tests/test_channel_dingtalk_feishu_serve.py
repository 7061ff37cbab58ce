"""`dialog serve` with a DingTalk or Feishu channel half configured: one line saying what
is missing, exit 2, before any model is loaded or trained (golden texts)."""
from __future__ import annotations

import pytest

from framework.server.command import main
from tests.support.redis_server import free_port

ENV = ["DF_DINGTALK_APP_KEY", "DF_DINGTALK_APP_SECRET", "DF_DINGTALK_CARD_CALLBACK_URL", "DF_DINGTALK_CARD_API_SECRET",
       "DF_FEISHU_APP_ID", "DF_FEISHU_APP_SECRET", "DF_FEISHU_ENCRYPT_KEY", "DF_FEISHU_VERIFICATION_TOKEN"]
DINGTALK = ["--dingtalk-app-key", "dingabc", "--dingtalk-app-secret", "s"]


@pytest.mark.parametrize("flags, message", [
    (["--dingtalk-app-key", "dingabc"],
     "serve: the DingTalk robot also needs --dingtalk-app-secret (or $DF_DINGTALK_APP_SECRET); "
     "see docs/channels/dingtalk.md"),
    (["--dingtalk-app-secret", "s"],
     "serve: the DingTalk robot also needs --dingtalk-app-key (or $DF_DINGTALK_APP_KEY); see docs/channels/dingtalk.md"),
    ([*DINGTALK, "--dingtalk-card-callback-url", "https://bot.example.com/webhooks/dingtalk/card"],
     "serve: DingTalk's interactive cards also need --dingtalk-card-api-secret (or $DF_DINGTALK_CARD_API_SECRET); "
     "see docs/channels/dingtalk.md"),
    (["--dingtalk-card-api-secret", "c"],
     "serve: DingTalk's interactive cards are the DingTalk robot's: they need --dingtalk-app-key and "
     "--dingtalk-app-secret as well; see docs/channels/dingtalk.md"),
    (["--feishu-app-id", "cli_a", "--feishu-app-secret", "s"],
     "serve: the Feishu bot also needs --feishu-encrypt-key and/or --feishu-verification-token "
     "(or the DF_FEISHU_* variables); see docs/channels/feishu.md"),
    (["--feishu-encrypt-key", "k"],
     "serve: the Feishu bot also needs --feishu-app-id, --feishu-app-secret (or the DF_FEISHU_* variables); "
     "see docs/channels/feishu.md"),
])
def test_a_half_configured_channel_is_one_line_and_exit_2(tmp_path, monkeypatch, capsys, flags, message):
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    code = main(["domains/telecom_zh", "--port", str(free_port()), "--model", str(tmp_path / "no-model"), *flags])
    captured = capsys.readouterr()
    assert code == 2 and captured.err == message + "\n"
    assert not (tmp_path / "no-model").exists()  # nothing was trained
