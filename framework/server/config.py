"""Everything the server can be told, in one picklable dataclass (worker processes get a
copy). `serve` fills it from its options and the environment."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any


@dataclass
class ServerConfig:
    domain_dir: str
    model_dir: str | None = None  # None: framework.nlu.default_model_dir(domain_dir)
    host: str = "127.0.0.1"
    port: int = 5005
    redis_url: str | None = None  # None: start an embedded redis-server
    redis_cluster: bool = False
    redis_dir: str = "var/redis"  # the embedded server's persistence
    workers: int = 1
    metrics_dir: str | None = None  # with several workers: where each writes its metrics (framework.server.metrics)
    worker_slot: int = 0
    demo_backend: bool = False
    demo_backend_port: int | None = None  # None: the domain's own (framework.actions.demo_backend.default_port)
    int8: bool | None = None  # dynamic int8 of the encoder's Linear layers; None: as the model's int8 check says
    runtime: str = "auto"  # ONNX Runtime where the model has its checked file, else torch; "torch"; "onnx" (makes the file)

    # hardening
    max_body_bytes: int = 64 * 1024
    rate_limit_sender: int = 60  # messages per sender per window; 0 disables
    rate_limit_ip: int = 3000  # requests per client address per window; 0 disables
    rate_window: float = 60.0
    shutdown_timeout: float = 30.0
    event_loop: str = "auto"  # framework.server.event_loop: uvloop where installed

    # inference
    batch_max: int = 16  # see --batch-max in command.py
    batch_wait_ms: float = 0.0  # texts arriving while a batch runs form the next (--batch-wait-ms)
    inference_threads: int = 1  # batches in flight at once (each uses torch_threads cores)
    torch_threads: int = 0  # 0: default_torch_threads(workers)
    inference_timeout: float = 10.0

    # answer cache
    cache_enabled: bool = True
    cache_ttl: int = 3600
    cache_min_confidence: float = 0.9

    # channels (enabled when configured)
    wechat_token: str | None = field(default_factory=lambda: os.environ.get("DF_WECHAT_TOKEN"))
    wechat_reply_budget: float = 4.5
    wechat_holding_text: str | None = None
    # safe / compatible mode (the console's EncodingAESKey and the AppID), and late replies
    # through the customer-service API (the AppSecret): docs/channels/wechat.md
    wechat_aes_key: str | None = field(default_factory=lambda: os.environ.get("DF_WECHAT_AES_KEY"), repr=False)
    wechat_app_id: str | None = field(default_factory=lambda: os.environ.get("DF_WECHAT_APP_ID"))
    wechat_app_secret: str | None = field(default_factory=lambda: os.environ.get("DF_WECHAT_APP_SECRET"), repr=False)
    wechat_api_base: str = field(default_factory=lambda: os.environ.get("DF_WECHAT_API_BASE", "https://api.weixin.qq.com"))
    # WeCom (企业微信) application: enabled by corp id, token, AES key and agent id (docs/channels/wecom.md)
    wecom_corp_id: str | None = field(default_factory=lambda: os.environ.get("DF_WECOM_CORP_ID"))
    wecom_token: str | None = field(default_factory=lambda: os.environ.get("DF_WECOM_TOKEN"), repr=False)
    wecom_aes_key: str | None = field(default_factory=lambda: os.environ.get("DF_WECOM_AES_KEY"), repr=False)
    wecom_agent_id: str | None = field(default_factory=lambda: os.environ.get("DF_WECOM_AGENT_ID"))
    wecom_secret: str | None = field(default_factory=lambda: os.environ.get("DF_WECOM_SECRET"), repr=False)
    wecom_api_base: str = field(default_factory=lambda: os.environ.get("DF_WECOM_API_BASE", "https://qyapi.weixin.qq.com"))
    wecom_reply_budget: float = 4.5
    telegram_bot_token: str | None = field(default_factory=lambda: os.environ.get("DF_TELEGRAM_BOT_TOKEN"))
    telegram_secret: str | None = field(default_factory=lambda: os.environ.get("DF_TELEGRAM_SECRET"))
    telegram_api_base: str = field(default_factory=lambda: os.environ.get("DF_TELEGRAM_API_BASE", "https://api.telegram.org"))

    slack_signing_secret: str | None = field(default_factory=lambda: os.environ.get("DF_SLACK_SIGNING_SECRET"))
    slack_bot_token: str | None = field(default_factory=lambda: os.environ.get("DF_SLACK_BOT_TOKEN"))
    slack_api_base: str = field(default_factory=lambda: os.environ.get("DF_SLACK_API_BASE", "https://slack.com/api"))

    # DingTalk robot (docs/channels/dingtalk.md); enabled by the AppKey and AppSecret
    dingtalk_app_key: str | None = field(default_factory=lambda: os.environ.get("DF_DINGTALK_APP_KEY"))
    dingtalk_app_secret: str | None = field(default_factory=lambda: os.environ.get("DF_DINGTALK_APP_SECRET"), repr=False)
    dingtalk_robot_code: str | None = field(default_factory=lambda: os.environ.get("DF_DINGTALK_ROBOT_CODE"))
    dingtalk_api_base: str = field(default_factory=lambda: os.environ.get("DF_DINGTALK_API_BASE", "https://api.dingtalk.com"))
    dingtalk_webhook_base: str = field(
        default_factory=lambda: os.environ.get("DF_DINGTALK_WEBHOOK_BASE", "https://oapi.dingtalk.com"))
    # DingTalk interactive cards whose buttons call back (framework/channels/dingtalk_cards.py):
    # on with the public URL of /webhooks/dingtalk/card and the callback's apiSecret
    dingtalk_card_callback_url: str | None = field(default_factory=lambda: os.environ.get("DF_DINGTALK_CARD_CALLBACK_URL"))
    dingtalk_card_api_secret: str | None = field(
        default_factory=lambda: os.environ.get("DF_DINGTALK_CARD_API_SECRET"), repr=False)
    dingtalk_card_route_key: str = field(
        default_factory=lambda: os.environ.get("DF_DINGTALK_CARD_ROUTE_KEY", "dialogframe"))

    # Feishu bot (docs/channels/feishu.md); enabled by the App ID, App Secret and the
    # Encrypt Key and/or Verification Token
    feishu_app_id: str | None = field(default_factory=lambda: os.environ.get("DF_FEISHU_APP_ID"))
    feishu_app_secret: str | None = field(default_factory=lambda: os.environ.get("DF_FEISHU_APP_SECRET"), repr=False)
    feishu_verification_token: str | None = field(
        default_factory=lambda: os.environ.get("DF_FEISHU_VERIFICATION_TOKEN"), repr=False)
    feishu_encrypt_key: str | None = field(default_factory=lambda: os.environ.get("DF_FEISHU_ENCRYPT_KEY"), repr=False)
    feishu_api_base: str = field(default_factory=lambda: os.environ.get("DF_FEISHU_API_BASE", "https://open.feishu.cn"))

    # the browser: the chat page at / and the origins whose scripts may call the API (CORS)
    webchat: bool = True
    cors_origins: tuple[str, ...] = ()  # "https://shop.example.com", or "*" for any
    # rasa-webchat's transport (framework.channels.socketio.SocketIOSettings); None: off
    socketio: Any = None
    # Rasa's API (framework.server.rasa_api): `?token=` must match; None: the conversation API is off
    auth_token: str | None = field(default_factory=lambda: os.environ.get("DF_AUTH_TOKEN") or None, repr=False)
    # hot reload: POST /admin/reload needs `Authorization: Bearer <admin_token>`; None: the endpoint answers 403
    admin_token: str | None = field(default_factory=lambda: os.environ.get("DF_ADMIN_TOKEN") or None, repr=False)

    # logging
    pii_kinds: tuple[str, ...] = ("id_number", "phone", "bank_card", "email", "secret")  # secret: "my pin is 4321"

    # personal data at rest: the key sealing `pii` slot values in Redis (framework.store.encryption)
    encryption_key: str | None = field(default_factory=lambda: os.environ.get("DF_ENCRYPTION_KEY"), repr=False)
    encryption_key_file: str | None = None  # None: encryption.key beside redis_dir (var/encryption.key)

    # Injected objects, for tests and embedding (not picklable; single process only).
    classifier: Any = None
    assistant: Any = None


def default_torch_threads(workers: int = 1) -> int:
    """torch threads per worker: $DIALOG_NLU_THREADS, else the cores left after one for the
    event loops, shared among the workers (at most 8). More threads than free cores is
    far worse than too few: OpenMP threads spin-wait on each other, and on a busy 2-core
    machine a batch took 100x longer with 2 threads than with 1."""
    env = os.environ.get("DIALOG_NLU_THREADS")
    if env:
        return max(1, int(env))
    cores = os.cpu_count() or 1
    return max(1, min(8, (cores - 1) // max(1, workers)))
