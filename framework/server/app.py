"""The aiohttp application. `init(config)` builds it; long-lived things (the assistant,
Redis, the model and its thread pool, the HTTP client) are opened and closed in
cleanup contexts, in dependency order."""
from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import AsyncIterator

import aiohttp
from aiohttp import web

from framework.agent import ClassifierParser
from framework.masking import Masker, install_log_masking
from framework.nlu.interface import parse_texts
from framework.server import keys, routes
from framework.server.answer_cache import AnswerCache
from framework.server.batching import MicroBatcher
from framework.server.config import ServerConfig, default_torch_threads
from framework.server.heap import heap_ctx, thaw_heap
from framework.server.limits import RateLimiter
from framework.server.metrics import Metrics, SharedMetrics
from framework.server.middleware import build_middlewares
from framework.server.openapi import build_openapi
from framework.server.rasa_api import add_rasa_api
from framework.server.reload_sync import admin_reload, reload_ctx

log = logging.getLogger("framework.server")


async def shared_metrics_ctx(app: web.Application):
    """Writes this worker's metrics for the others' scrapes once a second (and at the end)."""
    shared, registry = app[keys.SHARED_METRICS], app[keys.METRICS]

    async def publish() -> None:
        while True:
            await asyncio.to_thread(shared.write, registry)
            await asyncio.sleep(1.0)

    task = asyncio.get_running_loop().create_task(publish())
    yield
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    shared.write(registry)


def init(config: ServerConfig) -> web.Application:
    install_log_masking(Masker(tuple(config.pii_kinds)))
    app = web.Application(client_max_size=config.max_body_bytes,
                          middlewares=build_middlewares(keys.METRICS, keys.LIMITER, keys.CONFIG))
    app[keys.CONFIG] = config
    app[keys.METRICS] = Metrics()
    app[keys.BACKGROUND] = set()
    contexts = [assistant_ctx, store_ctx, model_ctx, http_ctx, conversations_ctx, reload_ctx]
    if config.metrics_dir:  # one of several workers: /metrics answers their sum
        app[keys.SHARED_METRICS] = SharedMetrics(config.metrics_dir, config.worker_slot)
        contexts.append(shared_metrics_ctx)
    # heap_ctx last: the long-lived objects the others made are frozen (framework.server.heap)
    app.cleanup_ctx.extend([*contexts, heap_ctx])
    app.router.add_post("/webhooks/rest/webhook", routes.channel_webhook("rest"))
    app.router.add_post("/api/v1/predict", routes.predict)
    app.router.add_get("/health", routes.health)
    app.router.add_get("/ready", routes.ready)
    app.router.add_get("/metrics", routes.metrics)
    app.router.add_get("/openapi.json", routes.openapi)
    app.router.add_post("/admin/reload", admin_reload)
    if config.webchat:
        routes.add_webchat(app)
    add_rasa_api(app, with_root=not config.webchat)
    if config.socketio is not None:  # rasa-webchat's socket.io, on the REST channel's turn
        from framework.server.socketio_turns import add_socketio

        add_socketio(app)
    if config.wechat_token:
        app.router.add_get("/webhooks/wechat/webhook", routes.wechat_handshake)
        app.router.add_post("/webhooks/wechat/webhook", routes.channel_webhook("wechat"))
    if wecom_enabled(config):
        app.router.add_get("/webhooks/wecom/webhook", routes.wecom_handshake)
        app.router.add_post("/webhooks/wecom/webhook", routes.channel_webhook("wecom"))
    if config.telegram_bot_token and config.telegram_secret:
        app.router.add_post("/webhooks/telegram/webhook", routes.channel_webhook("telegram"))
    if config.slack_signing_secret and config.slack_bot_token:
        app.router.add_post("/webhooks/slack/webhook", routes.channel_webhook("slack"))
    if dingtalk_enabled(config):
        app.router.add_post("/webhooks/dingtalk/webhook", routes.channel_webhook("dingtalk"))
        if dingtalk_cards_enabled(config):  # the presses of its interactive cards' buttons
            app.router.add_post("/webhooks/dingtalk/card", routes.channel_webhook("dingtalk_card"))
    if feishu_enabled(config):
        app.router.add_post("/webhooks/feishu/webhook", routes.channel_webhook("feishu"))
    app[keys.OPENAPI] = build_openapi(enabled_channels(config))
    return app


def enabled_channels(config: ServerConfig) -> list[str]:
    names = ["rest"]
    if config.wechat_token:
        names.append("wechat")
    if wecom_enabled(config):
        names.append("wecom")
    if config.telegram_bot_token and config.telegram_secret:
        names.append("telegram")
    if config.slack_signing_secret and config.slack_bot_token:
        names.append("slack")
    names += [name for name, enabled in (("dingtalk", dingtalk_enabled), ("feishu", feishu_enabled)) if enabled(config)]
    if dingtalk_enabled(config) and dingtalk_cards_enabled(config):
        names.append("dingtalk_card")
    return names


def dingtalk_enabled(config: ServerConfig) -> bool:
    return bool(config.dingtalk_app_key and config.dingtalk_app_secret)


def dingtalk_cards_enabled(config: ServerConfig) -> bool:
    return bool(config.dingtalk_card_callback_url and config.dingtalk_card_api_secret)


def feishu_enabled(config: ServerConfig) -> bool:
    return bool(config.feishu_app_id and config.feishu_app_secret
                and (config.feishu_encrypt_key or config.feishu_verification_token))


async def assistant_ctx(app: web.Application) -> AsyncIterator[None]:
    from framework.server.reload import domain_hash_of, load_domain

    config = app[keys.CONFIG]
    if config.assistant is None:
        app[keys.ASSISTANT], app[keys.DOMAIN_HASH] = await asyncio.to_thread(load_domain, config.domain_dir)
    else:
        app[keys.ASSISTANT] = config.assistant
        app[keys.DOMAIN_HASH] = await asyncio.to_thread(domain_hash_of, config.domain_dir)
    yield


async def store_ctx(app: web.Application) -> AsyncIterator[None]:
    from framework.store import EmbeddedRedis, SessionStore, close_redis, open_redis
    from framework.store.deliveries import Deliveries

    config, assistant = app[keys.CONFIG], app[keys.ASSISTANT]
    embedded = None
    url = config.redis_url
    if url is None:  # no Redis configured: the embedded server (same code path)
        embedded = await asyncio.to_thread(EmbeddedRedis(config.redis_dir).start)
        url = embedded.url
        log.info("embedded redis-server on %s (data in %s)", url, embedded.directory)
    client = open_redis(url, cluster=config.redis_cluster)
    settings = assistant.settings
    pii_slots = [name for name, slot in assistant.slots.items() if slot.pii]
    store = SessionStore(client, assistant.name, ttl=settings.session_timeout, history_limit=settings.history_limit,
                         masker=Masker(tuple(config.pii_kinds)) if settings.pii_masking else None,
                         pii_slots=pii_slots, cipher=await asyncio.to_thread(slot_cipher, config) if pii_slots else None)
    app[keys.REDIS], app[keys.STORE] = client, store
    app[keys.LIMITER] = RateLimiter(client, store.prefix)
    app[routes.DELIVERIES] = Deliveries(client, store.prefix)
    app[keys.CACHE] = (AnswerCache(client, store.prefix, config.cache_ttl, config.cache_min_confidence)
                       if config.cache_enabled else None)
    yield
    await close_redis(client)
    if embedded is not None:
        await asyncio.to_thread(embedded.stop)


def slot_cipher(config: ServerConfig):
    """The cipher sealing `pii` slot values: $DF_ENCRYPTION_KEY, else a key file kept
    (generated on first use, mode 0600) beside the embedded Redis's data."""
    from framework.store.encryption import SlotCipher, default_key_file, resolve_keys

    key_file = config.encryption_key_file or default_key_file(config.redis_dir)
    return SlotCipher(resolve_keys(config.encryption_key, key_file))


async def model_ctx(app: web.Application) -> AsyncIterator[None]:
    from framework.server.reload import model_key, version_id

    config = app[keys.CONFIG]
    version = await open_model(app, app[keys.ASSISTANT], config.classifier)
    version.model_key = "injected" if config.classifier is not None else model_key(served_model_dir(config))
    version.domain_hash = app[keys.DOMAIN_HASH]
    version.id = version_id(version.domain_hash, version.model_key)
    app[keys.CLASSIFIER], app[keys.BATCHER], app[keys.NLU] = version.classifier, version.batcher, version.parse
    app[keys.MODEL_ID], app[keys.VERSION] = version.model_id, version
    yield
    await close_model(app[keys.LIVE].current if keys.LIVE in app else version)


def served_model_dir(config: ServerConfig) -> str:
    from framework.nlu import default_model_dir

    return str(config.model_dir or default_model_dir(config.domain_dir))


async def open_model(app: web.Application, assistant, classifier=None):
    """A Version of `assistant` with its model (loaded from disk unless `classifier` is
    given), its inference thread pool and micro-batcher started; id and hashes left to the caller."""
    from framework.server.reload import Version

    config, metrics = app[keys.CONFIG], app[keys.METRICS]
    if classifier is None:
        from framework.nlu.model import load_classifier

        model_dir = served_model_dir(config)
        threads = config.torch_threads or default_torch_threads(config.workers)
        # --int8 / --float32, else as the model's check says: int8, float16 or float32
        # "auto": read where torch serves (reading the check may import torch: not before ONNX Runtime is tried)
        precision = config.int8 if config.int8 is not None else "auto"
        # a precision asked for (--int8 / --float32) is torch's; "auto" leaves it to the model's files
        runtime = "torch" if config.runtime == "auto" and config.int8 is not None else config.runtime
        classifier = await asyncio.to_thread(load_classifier, model_dir, assistant, quantize=precision,
                                             threads=threads, runtime=runtime)
        if classifier.runtime == "torch":
            # the rows of the tokens users type are read from a file mapping, not all kept on the heap
            from framework.nlu.mapped_embeddings import map_word_embeddings

            await asyncio.to_thread(map_word_embeddings, classifier.network)
    release_free_memory()
    executor = ThreadPoolExecutor(max_workers=config.inference_threads, thread_name_prefix="inference")

    def on_batch(size: int, seconds: float) -> None:
        metrics.batch_size.observe(size)
        metrics.inference_time.observe(seconds)

    # parse_texts: the ranking and, where the model has an entity head, its entities, from one pass.
    batcher = MicroBatcher(partial(parse_texts, classifier), executor, max_batch=config.batch_max,
                           max_wait=config.batch_wait_ms / 1000, timeout=config.inference_timeout,
                           concurrency=config.inference_threads, on_batch=on_batch)
    batcher.start()
    parse = ClassifierParser(classifier, assistant, rank=batcher.predict)
    return Version("", "", "", assistant, classifier, parse, batcher=batcher, executor=executor)


async def close_model(version) -> None:
    await version.batcher.stop()
    version.executor.shutdown(wait=False, cancel_futures=True)
    thaw_heap()  # a replaced model's cycles must be collectable (frozen at start-up)


def release_free_memory() -> None:
    """Give the heap freed while loading the model (state-dict copies, file buffers) back
    to the OS: a few tens of MB of RSS per worker. glibc only; elsewhere a no-op."""
    import ctypes

    from framework.server.heap import collect

    collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


async def http_ctx(app: web.Application) -> AsyncIterator[None]:
    config = app[keys.CONFIG]
    session = aiohttp.ClientSession()
    app[keys.HTTP] = session
    backend = None
    if config.demo_backend:
        from framework.actions.demo_backend import bound_port, start_demo_backend

        backend = await start_demo_backend(config.domain_dir, "127.0.0.1", config.demo_backend_port,
                                           assistant=app[keys.ASSISTANT])
        log.info("demo backend listening on http://127.0.0.1:%s", bound_port(backend))
    yield
    if backend is not None:
        await backend.cleanup()
    await session.close()


async def conversations_ctx(app: web.Application) -> AsyncIterator[None]:
    from framework.server.agent_factory import build_agent
    from framework.server.conversation import Conversations

    from framework.server.reload import Live

    config, version = app[keys.CONFIG], app[keys.VERSION]

    backend = (config.domain_dir, config.demo_backend_port) if config.demo_backend and config.demo_backend_port else None

    def agent_of(v):
        return build_agent(v.assistant, v.parse, app[keys.HTTP], v.classifier, backend)

    def cache_key(v) -> str:  # cached answers are of one model *and* one domain version
        return f"{v.model_id}@{v.id}"

    version.agent = agent_of(version)
    app[keys.CONVERSATIONS] = conversations = Conversations(
        app[keys.ASSISTANT], version.agent, app[keys.STORE], app[keys.METRICS], cache_key(version), app[keys.CACHE])
    app[keys.LIVE] = live = Live(
        version, config.domain_dir, None if config.classifier is not None else served_model_dir(config),
        partial(open_model, app), close_model, agent_of,
        on_swap=lambda v: conversations.use(v.assistant, v.agent, cache_key(v)), grace=config.inference_timeout)
    app[keys.CHANNELS] = build_channels(config, app[keys.HTTP], app[keys.REDIS], app[keys.STORE].prefix,
                                        background=app[keys.BACKGROUND])
    app[keys.CHANNELS].update(bot_channels(config, app[keys.HTTP], app[keys.REDIS], app[keys.STORE].prefix))
    yield
    # Graceful shutdown: turns still running (a late WeChat turn, say) finish and save.
    await finish_background(app[keys.BACKGROUND], config.shutdown_timeout)
    await conversations.drain(config.shutdown_timeout)
    await live.close()


async def finish_background(tasks: set, timeout: float) -> None:
    """Wait (at most `timeout` seconds) until no task of `tasks` runs, also those added while
    waiting: a late turn that ends starts the push of its replies, a WeChat image that missed
    the passive reply is sent after its upload."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while (running := [t for t in tasks if not t.done()]) and loop.time() < deadline:
        await asyncio.wait(running, timeout=deadline - loop.time(), return_when=asyncio.FIRST_COMPLETED)


def wecom_enabled(config: ServerConfig) -> bool:
    return bool(config.wecom_corp_id and config.wecom_token and config.wecom_aes_key and config.wecom_agent_id)


def build_channels(config: ServerConfig, session: aiohttp.ClientSession, redis=None, prefix: str = "df",
                   background: set | None = None) -> dict:
    """The configured channels; `background`: the server's set of tasks that its graceful
    shutdown waits for, where a channel keeps what it sends after its answer."""
    from framework.channels.rest import RestChannel

    channels: dict = {"rest": RestChannel()}
    if config.wechat_token:
        channels["wechat"] = wechat_channel(config, session, redis, prefix, background)
    if wecom_enabled(config):
        channels["wecom"] = wecom_channel(config, session, redis, prefix)
    if config.telegram_bot_token and config.telegram_secret:
        from framework.channels.telegram import TelegramChannel

        channels["telegram"] = TelegramChannel(config.telegram_bot_token, config.telegram_secret, session,
                                               config.telegram_api_base)
    if config.slack_signing_secret and config.slack_bot_token:
        from framework.channels.slack import SlackChannel

        channels["slack"] = SlackChannel(config.slack_signing_secret, config.slack_bot_token, session,
                                         config.slack_api_base)
    return channels


def bot_channels(config: ServerConfig, session: aiohttp.ClientSession, redis, prefix: str) -> dict:
    """DingTalk and Feishu: their send APIs' access tokens are shared through Redis."""
    from framework.channels.platform_tokens import PlatformTokens

    tokens, channels = PlatformTokens(redis, prefix), {}
    if dingtalk_enabled(config):
        from framework.channels.dingtalk import DingTalkChannel

        channels["dingtalk"] = DingTalkChannel(config.dingtalk_app_key, config.dingtalk_app_secret, session, tokens,
                                               config.dingtalk_robot_code, config.dingtalk_api_base,
                                               config.dingtalk_webhook_base)
        if dingtalk_cards_enabled(config):
            from framework.channels.dingtalk_cards import DingTalkCardCallbacks, DingTalkCards

            dingtalk = channels["dingtalk"]
            dingtalk.cards = DingTalkCards(dingtalk.call_api, redis, prefix, dingtalk.robot_code,
                                           config.dingtalk_card_callback_url, config.dingtalk_card_api_secret,
                                           config.dingtalk_card_route_key)
            channels["dingtalk_card"] = DingTalkCardCallbacks(dingtalk, dingtalk.cards)
    if feishu_enabled(config):
        from framework.channels.feishu import FeishuChannel

        channels["feishu"] = FeishuChannel(config.feishu_app_id, config.feishu_app_secret, session, tokens,
                                           config.feishu_verification_token, config.feishu_encrypt_key,
                                           config.feishu_api_base)
    return channels


def wechat_channel(config: ServerConfig, session: aiohttp.ClientSession, redis, prefix: str,
                   background: set | None = None):
    """Plaintext mode with the token alone; safe mode with the EncodingAESKey and AppID;
    late replies with the AppID and AppSecret (docs/channels/wechat.md)."""
    from framework.channels.wechat import WeChatChannel
    from framework.channels.wechat_api import official_account_api
    from framework.channels.wechat_crypto import MessageCrypt

    crypt = api = None
    if config.wechat_aes_key:
        if not config.wechat_app_id:
            raise ValueError("--wechat-aes-key needs --wechat-app-id (the AppID is checked in every message)")
        crypt = MessageCrypt(config.wechat_token, config.wechat_aes_key, config.wechat_app_id)
    if config.wechat_app_id and config.wechat_app_secret:
        api = official_account_api(session, redis, prefix, config.wechat_app_id, config.wechat_app_secret,
                                   config.wechat_api_base)
    return WeChatChannel(config.wechat_token, config.wechat_reply_budget, config.wechat_holding_text,
                         crypt=crypt, api=api, background=background)


def wecom_channel(config: ServerConfig, session: aiohttp.ClientSession, redis, prefix: str):
    from framework.channels.wechat_api import wecom_api
    from framework.channels.wechat_crypto import MessageCrypt
    from framework.channels.wecom import WeComChannel

    crypt = MessageCrypt(config.wecom_token, config.wecom_aes_key, config.wecom_corp_id)
    api = (wecom_api(session, redis, prefix, config.wecom_corp_id, config.wecom_secret, config.wecom_agent_id,
                     config.wecom_api_base) if config.wecom_secret else None)
    return WeComChannel(crypt, config.wecom_agent_id, api, reply_budget=config.wecom_reply_budget)
