"""A real server process for the lock tests: the shop domain of tests/support/serving.py
served by `framework.server.app.init` on a given port, with the test FakeClassifier in
place of the model, until it is killed.

    python -m tests.support.store_child_server DOMAIN_DIR REDIS_URL PORT
"""
from __future__ import annotations

import sys

SHOP_TABLE = {"我想办理一张新卡": "办理", "张三": "告知", "110101199003077774": "告知", "13812345678": "告知"}


def main(domain_dir: str, redis_url: str, port: int) -> None:
    from aiohttp import web

    from framework.server.app import init
    from framework.spec import load_assistant
    from tests.support.fake_classifier import FakeClassifier
    from tests.support.serving import make_config

    assistant = load_assistant(domain_dir)
    classifier = FakeClassifier(SHOP_TABLE, assistant.intents)
    config = make_config((domain_dir, assistant), classifier, redis_url, cache_enabled=False,
                         rate_limit_sender=0, rate_limit_ip=0)
    web.run_app(init(config), host="127.0.0.1", port=port, print=None, handle_signals=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
