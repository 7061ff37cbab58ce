"""`dialog serve DOMAIN` / `python serve.py DOMAIN`: serve an assistant over HTTP.

Stages: check the domain -> make sure a trained model exists (train one if not) -> make
sure Redis is there (start the embedded server if no URL is given) -> run one aiohttp
server, or N worker processes sharing the port (SO_REUSEPORT) and the Redis server.
"""
from __future__ import annotations

import argparse
import dataclasses
import errno
import logging
import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

from framework.server.config import ServerConfig

log = logging.getLogger("framework.server")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="dialog serve", description="Serve an assistant over HTTP (REST, WeChat, Telegram, Slack, DingTalk, Feishu).")
    p.add_argument("domain", help="domain directory, e.g. domains/telecom_zh")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=5005, help="port (default 5005)")
    p.add_argument("--model", default=None, help="trained model directory (default models/<domain name>/)")
    p.add_argument("--redis-url", default=os.environ.get("REDIS_URL") or None,  # REDIS_URL= : none
                   help="redis://host:port/db or redis+cluster://host:port (default $REDIS_URL; "
                        "none: start an embedded redis-server persisting to var/redis/)")
    p.add_argument("--redis-cluster", action="store_true", help="the URL points at a Redis Cluster")
    p.add_argument("--redis-dir", default="var/redis", help="where the embedded redis-server persists (default var/redis)")
    p.add_argument("--encryption-key-file", default=None,
                   help="file with the key sealing pii slot values in Redis, used when $DF_ENCRYPTION_KEY is unset "
                        "(default: encryption.key beside --redis-dir, generated with mode 0600 on first use)")
    p.add_argument("--workers", type=_workers, default=os.environ.get("DIALOG_WORKERS") or "auto",
                   help="worker processes sharing the port (SO_REUSEPORT). auto (default; $DIALOG_WORKERS): one per "
                        f"CPU this process may use, at most {MAX_AUTO_WORKERS}, and 1 with --socketio (its sessions "
                        "need one process). Two workers on 2 cores served 1.2-1.4x the full turns of one at "
                        "c >= 32 (BENCHMARKS.md, session 18)")
    p.add_argument("--demo-backend", action="store_true", help="also start the domain's demo business backend")
    p.add_argument("--backend-port", type=int, default=None,
                   help="port of the demo backend (default: PORT in the domain's backend.py, else the "
                        "port of its first local webhook URL, else 5055; 0: any free port)")
    p.add_argument("--cors", action="append", default=[], metavar="ORIGIN",
                   help="let web pages from ORIGIN (e.g. https://shop.example.com) call the API from a browser: "
                        "preflight OPTIONS are answered and CORS headers added for these origins only; "
                        "repeat for several, '*' for any")
    p.add_argument("--no-webchat", action="store_true", help="do not serve the chat page at /")
    p.add_argument("--socketio", nargs="?", const="", default=None, metavar="CREDENTIALS_YML",
                   help="also serve Rasa's socket.io channel (rasa-webchat's transport) at /socket.io; with Rasa's "
                        "credentials.yml, its socketio: section sets the event names, session_persistence and the "
                        "path (docs/MIGRATING_FROM_RASA.md); pages on other origins need --cors")
    p.add_argument("--auth-token", default=os.environ.get("DF_AUTH_TOKEN") or None,
                   help="as `rasa run --auth-token`: ?token= for Rasa's conversation API, /status and /model/parse")
    p.add_argument("--admin-token", default=os.environ.get("DF_ADMIN_TOKEN") or None,
                   help="enables POST /admin/reload (hot reload of the domain, flows and model) for requests with "
                        "'Authorization: Bearer TOKEN'; better given as $DF_ADMIN_TOKEN. SIGHUP reloads too")
    precision = p.add_mutually_exclusive_group()
    precision.add_argument("--int8", dest="int8", action="store_const", const=True, default=None,
                           help="serve the encoder in int8 (default: int8 when training's int8 check measured at "
                                "most 0.5 points of accuracy lost, else float16 weights when those were "
                                "within it, else float32; framework/nlu/precision.py)")
    precision.add_argument("--float32", dest="int8", action="store_const", const=False, help="serve in float32")
    p.add_argument("--runtime", choices=("auto", "torch", "onnx"), default=os.environ.get("DIALOG_RUNTIME") or "auto",
                   help="what runs the network. auto (default; $DIALOG_RUNTIME): ONNX Runtime when the model has "
                        "its checked model.onnx (training makes it: int8 weights, served only when its accuracy "
                        "check passed; a worker then imports no torch and is ready in about half the time), else "
                        "torch. onnx: the same, and a model without the file gets one made at this start and kept "
                        "in the serving cache. torch: always torch (also what --int8/--float32 choose). "
                        "framework/nlu/onnx_runtime.py")
    p.add_argument("--rate-limit-sender", type=int, default=60, help="messages per sender per minute (0: off)")
    p.add_argument("--rate-limit-ip", type=int, default=3000, help="requests per client address per minute (0: off)")
    p.add_argument("--max-body", type=int, default=64 * 1024, help="largest request body in bytes (413 above)")
    p.add_argument("--batch-max", type=int, default=16,
                   help="most texts per inference batch (16: a float32 MiniLM batch takes ~50 ms on one "
                        "core, which keeps p99 under 100 ms at half the peak load; see BENCHMARKS.md)")
    p.add_argument("--batch-wait-ms", type=float, default=0.0,
                   help="how long a batch waits for more texts once the previous one is done (default 0: texts that "
                        "arrive while a batch runs form the next one; waiting 2 ms cost 8-34%% of the full turns "
                        "at c = 8, BENCHMARKS.md session 18)")
    p.add_argument("--threads", type=int, default=0,
                   help="torch threads per worker (default $DIALOG_NLU_THREADS, else (free cores - 1) / workers, 1..8; "
                        "free: this process's CPUs less the 1-minute load)")
    p.add_argument("--batches-in-flight", type=int, default=1,
                   help="inference batches running at once, each on --threads cores (default 1)")
    p.add_argument("--no-answer-cache", action="store_true", help="disable the Redis cache of frequent answers")
    p.add_argument("--wechat-token", default=os.environ.get("DF_WECHAT_TOKEN"), help="enables the WeChat channel")
    p.add_argument("--wechat-aes-key", default=os.environ.get("DF_WECHAT_AES_KEY"),
                   help="the Official Account's EncodingAESKey (43 characters): safe and compatible modes; "
                        "better given as $DF_WECHAT_AES_KEY (docs/channels/wechat.md)")
    p.add_argument("--wechat-app-id", default=os.environ.get("DF_WECHAT_APP_ID"),
                   help="the Official Account's AppID (checked in encrypted messages; used for late replies)")
    p.add_argument("--wechat-app-secret", default=os.environ.get("DF_WECHAT_APP_SECRET"),
                   help="the AppSecret: replies of turns longer than 5 s are sent with the customer-service "
                        "API; better given as $DF_WECHAT_APP_SECRET")
    p.add_argument("--wecom-corp-id", default=os.environ.get("DF_WECOM_CORP_ID"),
                   help="WeCom CorpID; with --wecom-token, --wecom-aes-key and --wecom-agent-id enables the WeCom "
                        "channel (docs/channels/wecom.md)")
    p.add_argument("--wecom-token", default=os.environ.get("DF_WECOM_TOKEN"),
                   help="the application's callback Token; better given as $DF_WECOM_TOKEN")
    p.add_argument("--wecom-aes-key", default=os.environ.get("DF_WECOM_AES_KEY"),
                   help="the application's callback EncodingAESKey; better given as $DF_WECOM_AES_KEY")
    p.add_argument("--wecom-agent-id", default=os.environ.get("DF_WECOM_AGENT_ID"), help="the application's AgentId")
    p.add_argument("--wecom-secret", default=os.environ.get("DF_WECOM_SECRET"),
                   help="the application's Secret: late replies and button cards through message/send; "
                        "better given as $DF_WECOM_SECRET")
    p.add_argument("--telegram-bot-token", default=os.environ.get("DF_TELEGRAM_BOT_TOKEN"))
    p.add_argument("--telegram-secret", default=os.environ.get("DF_TELEGRAM_SECRET"),
                   help="secret_token given to setWebhook (with --telegram-bot-token enables Telegram)")
    p.add_argument("--slack-signing-secret", default=os.environ.get("DF_SLACK_SIGNING_SECRET"))
    p.add_argument("--slack-bot-token", default=os.environ.get("DF_SLACK_BOT_TOKEN"),
                   help="with --slack-signing-secret enables the Slack channel")
    p.add_argument("--dingtalk-app-key", default=os.environ.get("DF_DINGTALK_APP_KEY"),
                   help="DingTalk app's AppKey (Client ID); with --dingtalk-app-secret enables the DingTalk robot "
                        "(docs/channels/dingtalk.md)")
    p.add_argument("--dingtalk-app-secret", default=os.environ.get("DF_DINGTALK_APP_SECRET"),
                   help="DingTalk app's AppSecret (Client Secret); better given as $DF_DINGTALK_APP_SECRET")
    p.add_argument("--dingtalk-robot-code", default=os.environ.get("DF_DINGTALK_ROBOT_CODE"),
                   help="the robot's RobotCode, if it is not the AppKey")
    p.add_argument("--dingtalk-card-callback-url", default=os.environ.get("DF_DINGTALK_CARD_CALLBACK_URL"),
                   help="public URL of this server's /webhooks/dingtalk/card; with --dingtalk-card-api-secret, "
                        "buttons are interactive cards that call back (docs/channels/dingtalk.md)")
    p.add_argument("--dingtalk-card-api-secret", default=os.environ.get("DF_DINGTALK_CARD_API_SECRET"),
                   help="a secret of your choosing registered with the card callback; better given as "
                        "$DF_DINGTALK_CARD_API_SECRET")
    p.add_argument("--dingtalk-card-route-key", default=os.environ.get("DF_DINGTALK_CARD_ROUTE_KEY", "dialogframe"),
                   help="the callbackRouteKey the card callback is registered under (default: dialogframe)")
    p.add_argument("--feishu-app-id", default=os.environ.get("DF_FEISHU_APP_ID"),
                   help="Feishu app's App ID; with --feishu-app-secret and the Encrypt Key and/or Verification "
                        "Token enables the Feishu bot (docs/channels/feishu.md)")
    p.add_argument("--feishu-app-secret", default=os.environ.get("DF_FEISHU_APP_SECRET"),
                   help="Feishu app's App Secret; better given as $DF_FEISHU_APP_SECRET")
    p.add_argument("--feishu-encrypt-key", default=os.environ.get("DF_FEISHU_ENCRYPT_KEY"),
                   help="the event subscription's Encrypt Key (events decrypted, X-Lark-Signature checked)")
    p.add_argument("--feishu-verification-token", default=os.environ.get("DF_FEISHU_VERIFICATION_TOKEN"),
                   help="the event subscription's Verification Token (checked in every event)")
    p.add_argument("--event-loop", choices=("auto", "uvloop", "asyncio"), default="auto",
                   help="the asyncio event loop: uvloop (compiled; installed with the project except on "
                        "Windows) or the standard library's; auto: uvloop when installed (default)")
    p.add_argument("--access-log", action="store_true", help="log every request (off by default: it costs ~10%%)")
    p.add_argument("--log-level", default="INFO")
    return p


MAX_AUTO_WORKERS = 4  # each holds the model (150-400 MB): more is a choice to make, not a default


def _workers(value: str) -> int | str:
    if value == "auto":
        return value
    try:
        return max(1, int(value))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of workers or auto, not {value!r}") from None


def auto_workers(socketio: bool) -> int:
    """`--workers auto`: one per CPU this process may use (at most MAX_AUTO_WORKERS); 1 where
    the socket.io channel is on."""
    from framework.nlu.threads import available_cpus

    return 1 if socketio else max(1, min(MAX_AUTO_WORKERS, available_cpus()))


def config_from_args(args: argparse.Namespace) -> ServerConfig:
    from framework.nlu import default_model_dir
    from framework.nlu.threads import serving_threads

    if args.workers == "auto":
        args.workers = auto_workers(getattr(args, "socketio", None) is not None)
    return ServerConfig(
        domain_dir=args.domain, model_dir=str(args.model or default_model_dir(args.domain)),
        host=args.host, port=args.port, redis_url=args.redis_url, redis_cluster=args.redis_cluster,
        redis_dir=args.redis_dir, encryption_key_file=args.encryption_key_file,
        workers=max(1, args.workers), demo_backend=args.demo_backend, demo_backend_port=args.backend_port,
        int8=args.int8, runtime=args.runtime, webchat=not args.no_webchat, cors_origins=tuple(_origins(args.cors)), auth_token=args.auth_token,
        admin_token=args.admin_token,
        rate_limit_sender=args.rate_limit_sender, rate_limit_ip=args.rate_limit_ip, max_body_bytes=args.max_body,
        batch_max=args.batch_max, torch_threads=args.threads or serving_threads(max(1, args.workers)), inference_threads=max(1, args.batches_in_flight), batch_wait_ms=args.batch_wait_ms, cache_enabled=not args.no_answer_cache,
        wechat_token=args.wechat_token, telegram_bot_token=args.telegram_bot_token,
        wechat_aes_key=args.wechat_aes_key, wechat_app_id=args.wechat_app_id, wechat_app_secret=args.wechat_app_secret,
        wecom_corp_id=args.wecom_corp_id, wecom_token=args.wecom_token, wecom_aes_key=args.wecom_aes_key,
        wecom_agent_id=args.wecom_agent_id, wecom_secret=args.wecom_secret,
        telegram_secret=args.telegram_secret, slack_signing_secret=args.slack_signing_secret,
        slack_bot_token=args.slack_bot_token,
        dingtalk_app_key=args.dingtalk_app_key, dingtalk_app_secret=args.dingtalk_app_secret,
        dingtalk_robot_code=args.dingtalk_robot_code, dingtalk_card_callback_url=args.dingtalk_card_callback_url,
        dingtalk_card_api_secret=args.dingtalk_card_api_secret, dingtalk_card_route_key=args.dingtalk_card_route_key,
        feishu_app_id=args.feishu_app_id,
        feishu_app_secret=args.feishu_app_secret, feishu_encrypt_key=args.feishu_encrypt_key,
        feishu_verification_token=args.feishu_verification_token, event_loop=args.event_loop,
    )


def _socketio_settings(credentials: str | None):
    """--socketio: None (off), "" (Rasa's defaults) or a credentials.yml; ValueError says what is wrong."""
    if credentials is None:
        return None
    from framework.channels.socketio import SocketIOSettings, settings_from_credentials

    return settings_from_credentials(credentials) if credentials else SocketIOSettings()


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(),
                        format="%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s")
    # 1. The domain must be valid (all problems at once, exit 2, no traceback).
    from framework.spec import load_assistant
    from framework.spec.errors import SpecErrors

    try:
        assistant = load_assistant(args.domain)
    except SpecErrors as err:
        print(str(err), file=sys.stderr)
        return 2
    try:
        config = config_from_args(args)
    except ValueError as err:  # an --cors value that is not an origin
        print(f"serve: --cors: {err}", file=sys.stderr)
        return 2
    try:
        config.socketio = _socketio_settings(args.socketio)
    except ValueError as err:  # Rasa's credentials.yml with a setting this channel cannot honour
        print(f"serve: --socketio: {err}", file=sys.stderr)
        return 2
    if config.socketio is not None and config.workers > 1:
        print("serve: --socketio needs --workers 1: socket.io's long-polling sends each client's requests to the "
              "process that holds its session, and the workers share the port (SO_REUSEPORT) without sticky "
              "sessions. Run several servers with --workers 1 behind a load balancer with sticky sessions "
              "instead.", file=sys.stderr)
        return 2
    # The ports must be free before minutes of training or loading are spent.
    problem = ports_problem(config, assistant) or bot_channels_problem(config)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    # 2. A model: train one when there is none yet.
    if not (Path(config.model_dir) / "artifact.json").exists():
        print(f"No trained model in {config.model_dir}: training one first "
              f"(python train.py {args.domain} --out {config.model_dir}) ...", flush=True)
        from framework.nlu.train import main as train

        code = train([args.domain, "--out", config.model_dir])
        if code:
            return code
    problem = model_problem(config.model_dir, assistant) or key_problem(config, assistant) or wechat_problem(config)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    # 3. Redis: the embedded server unless a URL is given.
    embedded = None
    if config.redis_url is None:
        from framework.store import EmbeddedRedis

        embedded = EmbeddedRedis(config.redis_dir).start()
        config.redis_url = embedded.url
        print(f"Redis: embedded redis-server at {embedded.url} (data in {embedded.directory}; "
              f"--redis-url or $REDIS_URL to use your own)", flush=True)
    if config.webchat:
        host = "127.0.0.1" if config.host in ("0.0.0.0", "::", "") else config.host
        print(f"Chat in your browser: http://{host}:{config.port}/", flush=True)
    try:
        # 4. Serve.
        if config.workers == 1:
            run_worker(config, access_log=args.access_log)
        else:
            run_workers(config, access_log=args.access_log, log_level=args.log_level.upper())
    except OSError as err:  # the port was taken after the check (a race): still one line
        if err.errno not in BIND_ERRORS:
            raise
        from framework.server.ports import describe_bind_error

        print(describe_bind_error(err, config.host, config.port, "server", "--port"), file=sys.stderr)
        return 2
    finally:
        if embedded is not None:
            embedded.stop()
    return 0


def _origins(values: list[str]) -> list[str]:
    from framework.server.middleware import parse_origin

    return [parse_origin(v) for v in values]


BIND_ERRORS = (errno.EADDRINUSE, errno.EACCES, errno.EADDRNOTAVAIL)


def ports_problem(config: ServerConfig, assistant) -> str | None:
    """One line when the server's port (or the demo backend's) cannot be listened on."""
    from framework.server.ports import busy_port_message

    problem = busy_port_message(config.host, config.port, "server", "--port")
    if problem or not config.demo_backend:
        return problem
    from framework.actions.demo_backend import chosen_port, default_port, follow_backend_port, warn_unreached_webhooks

    try:
        usual = default_port(config.domain_dir, assistant)
    except FileNotFoundError as err:
        return f"serve: --demo-backend: {err}"
    config.demo_backend_port = chosen_port(usual, config.demo_backend_port)
    problem = busy_port_message("127.0.0.1", config.demo_backend_port, "demo backend", "--backend-port")
    if not problem:  # the webhooks that call the usual port follow --backend-port (framework.server.agent_factory)
        warn_unreached_webhooks(follow_backend_port(assistant, usual, config.demo_backend_port),
                                config.demo_backend_port, "serve")
    return problem


def model_problem(model_dir: str, assistant) -> str | None:
    """A clear message when the model was trained for other intents (torch-free check)."""
    from framework.nlu.model import ModelMismatchError, check_fingerprint, read_artifact

    try:
        check_fingerprint(read_artifact(model_dir), assistant, model_dir)
    except (ModelMismatchError, FileNotFoundError) as err:
        return str(err)
    return None


def key_problem(config: ServerConfig, assistant) -> str | None:
    """The key sealing `pii` slot values at rest must be usable before serving (generated
    in a 0600 file on first use when $DF_ENCRYPTION_KEY is unset)."""
    if not any(slot.pii for slot in assistant.slots.values()):
        return None
    from framework.store.encryption import EncryptionKeyError, default_key_file, resolve_keys

    try:
        resolve_keys(config.encryption_key, config.encryption_key_file or default_key_file(config.redis_dir))
    except (EncryptionKeyError, OSError) as err:
        return f"encryption key: {err}"
    return None


def wechat_problem(config: ServerConfig) -> str | None:
    """An unusable WeChat / WeCom EncodingAESKey, or one without its AppID, said before serving."""
    from framework.channels.wechat_crypto import encoding_aes_key_problem

    if config.wechat_token and config.wechat_aes_key:
        problem = encoding_aes_key_problem(config.wechat_aes_key)
        if problem or not config.wechat_app_id:
            return f"--wechat-aes-key: {problem or 'safe mode also needs --wechat-app-id (the AppID is checked)'}"
    if config.wecom_aes_key and (problem := encoding_aes_key_problem(config.wecom_aes_key)):
        return f"--wecom-aes-key: {problem}"
    return None


def bot_channels_problem(config: ServerConfig) -> str | None:
    """A DingTalk or Feishu channel given some of its settings but not all (it would be
    silently off), said before serving."""
    dingtalk = {"--dingtalk-app-key": config.dingtalk_app_key, "--dingtalk-app-secret": config.dingtalk_app_secret}
    if any(dingtalk.values()) and not all(dingtalk.values()):
        missing = " and ".join(flag for flag, value in dingtalk.items() if not value)
        return (f"serve: the DingTalk robot also needs {missing} "
                f"(or ${missing.replace('--', 'DF_').replace('-', '_').upper()}); see docs/channels/dingtalk.md")
    cards = {"--dingtalk-card-callback-url": config.dingtalk_card_callback_url,
             "--dingtalk-card-api-secret": config.dingtalk_card_api_secret}
    if any(cards.values()) and not all(dingtalk.values()):
        return ("serve: DingTalk's interactive cards are the DingTalk robot's: they need --dingtalk-app-key and "
                "--dingtalk-app-secret as well; see docs/channels/dingtalk.md")
    if any(cards.values()) and not all(cards.values()):
        missing = " and ".join(flag for flag, value in cards.items() if not value)
        return (f"serve: DingTalk's interactive cards also need {missing} "
                f"(or ${missing.replace('--', 'DF_').replace('-', '_').upper()}); see docs/channels/dingtalk.md")
    feishu = {"--feishu-app-id": config.feishu_app_id, "--feishu-app-secret": config.feishu_app_secret,
              "--feishu-encrypt-key": config.feishu_encrypt_key,
              "--feishu-verification-token": config.feishu_verification_token}
    if any(feishu.values()):
        missing = [flag for flag in ("--feishu-app-id", "--feishu-app-secret") if not feishu[flag]]
        if not (config.feishu_encrypt_key or config.feishu_verification_token):
            missing.append("--feishu-encrypt-key and/or --feishu-verification-token")
        if missing:
            return (f"serve: the Feishu bot also needs {', '.join(missing)} (or the DF_FEISHU_* variables); "
                    "see docs/channels/feishu.md")
    return None


def limit_malloc_arenas(arenas: int = 2) -> None:
    """glibc gives each thread its own malloc arena (up to 8 x cores); a server with an
    inference pool and resolver threads then keeps tens of MB of freed memory around.
    Two arenas cost nothing measurable here. Must run before threads start."""
    import ctypes

    try:
        ctypes.CDLL("libc.so.6").mallopt(-8, arenas)  # M_ARENA_MAX
    except (OSError, AttributeError):
        pass


def run_worker(config: ServerConfig, access_log: bool = False) -> None:
    from aiohttp import web

    limit_malloc_arenas()
    # SIGHUP means "reload" (framework/server/reload_sync.py installs the handler once the
    # app is up); until then it must not end the process, as its default action would.
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    from framework.server.app import init
    from framework.server.event_loop import new_event_loop

    web.run_app(init(config), host=config.host, port=config.port, reuse_port=config.workers > 1,
                loop=new_event_loop(config.event_loop),
                shutdown_timeout=config.shutdown_timeout, access_log=logging.getLogger("aiohttp.access") if access_log else None,
                print=lambda *a: log.info("listening on http://%s:%s (pid %d)", config.host, config.port, os.getpid()))


def _worker_entry(config: ServerConfig, access_log: bool, log_level: str) -> None:
    logging.basicConfig(level=log_level, format="%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s")
    run_worker(config, access_log)


def run_workers(config: ServerConfig, access_log: bool = False, log_level: str = "INFO") -> None:
    """N processes, each its own event loop, model and Redis pool, all bound to one port
    with SO_REUSEPORT (the kernel spreads connections). Crashed workers are restarted;
    SIGTERM/SIGINT are passed on and each worker shuts down gracefully."""
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")  # no fork: torch threads and atexit hooks
    stopping = False
    backend = None
    if config.demo_backend:  # one backend for all workers (each starting its own: N-1 port clashes)
        from framework.server.backend_thread import BackendThread

        backend = BackendThread(config.domain_dir, config.demo_backend_port).start()
        config = dataclasses.replace(config, demo_backend=False)

    # each worker writes its metrics here and /metrics sums them (framework.server.metrics)
    metrics_dir = tempfile.mkdtemp(prefix="dialog_metrics_")

    def spawn(slot: int):
        worker_config = dataclasses.replace(config, metrics_dir=metrics_dir, worker_slot=slot)
        process = ctx.Process(target=_worker_entry, args=(worker_config, access_log, log_level), daemon=False)
        process.start()
        return process

    workers = [spawn(slot) for slot in range(config.workers)]

    def reload(signum, frame):  # hot reload: every worker reloads (and they agree through Redis)
        for w in workers:
            if w.is_alive():
                os.kill(w.pid, signal.SIGHUP)

    def stop(signum, frame):
        nonlocal stopping
        stopping = True
        for w in workers:
            if w.is_alive():
                os.kill(w.pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGHUP, reload)
    restarts = 0
    while any(w.is_alive() for w in workers):
        time.sleep(0.2)
        for i, w in enumerate(workers):
            if not stopping and not w.is_alive() and w.exitcode not in (0, None) and restarts < 10:
                log.warning("worker %d exited with %s; restarting it", w.pid, w.exitcode)
                restarts += 1
                workers[i] = spawn(i)  # its slot: the dead one's metrics are replaced (a counter reset)
    for w in workers:
        w.join()
    shutil.rmtree(metrics_dir, ignore_errors=True)
    if backend is not None:
        backend.stop()


if __name__ == "__main__":
    sys.exit(main())
