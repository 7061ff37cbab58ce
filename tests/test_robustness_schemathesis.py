"""Schemathesis against the served `/openapi.json`: every route, the chat webhooks included,
with requests signed the way each platform signs them (so generated payloads get past the
signature check and reach the parsers and the turn), and 0 server errors allowed.

The server is the real one (real Redis, real tiny model, a local stand-in for the Telegram
and Slack APIs), on a free loopback port. Examples per route are bounded and derandomized:
the suite is reproducible and takes seconds, not minutes.
"""
from __future__ import annotations

import time
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from framework.channels.slack import slack_signature
from framework.channels.wechat import wechat_signature
from tests.support.live_server import LiveServers
from tests.support.platforms import SLACK_SECRET, SLACK_TOKEN, TG_SECRET, TG_TOKEN, WECHAT_TOKEN, platform_api
from tests.support.serving import make_config
from tests.support.serving import backend_port, classifier, domain, redis_server  # noqa: F401 (fixtures)

EXAMPLES_PER_ROUTE = 25
AUTH_TOKEN = "fuzz-token"  # Rasa's API (framework.server.rasa_api): the signed requests carry it


@pytest.fixture(scope="module")
def api(domain, classifier, redis_server):
    from framework.server.app import init

    sent: list[dict] = []
    with LiveServers() as live:
        platforms = live.serve(lambda: platform_api(sent))
        config = make_config(domain, classifier, redis_server.url, rate_limit_sender=0, rate_limit_ip=0,
                             wechat_token=WECHAT_TOKEN, telegram_bot_token=TG_TOKEN, telegram_secret=TG_SECRET,
                             slack_signing_secret=SLACK_SECRET, slack_bot_token=SLACK_TOKEN,
                             telegram_api_base=platforms, slack_api_base=platforms, auth_token=AUTH_TOKEN)
        yield live.serve(lambda: init(config))


@pytest.fixture(scope="module")
def api_schema(api):
    return schemathesis.openapi.from_url(f"{api}/openapi.json")


schema = schemathesis.pytest.from_fixture("api_schema")


class PlatformSigning(requests.auth.AuthBase):
    """Signs a prepared request (its final URL and body bytes) like the platform would;
    about one in four keeps its generated credentials, so the refusal path (arbitrary
    signatures, timestamps, secrets) is fuzzed too."""

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        now = str(int(time.time()))
        parts = urlsplit(r.url)
        body = r.body or b""
        body = body.encode() if isinstance(body, str) else body
        if (len(body) + len(parts.query)) % 4 == 3:  # deterministic, as the examples are
            return r
        if parts.path == "/webhooks/wechat/webhook":
            query = dict(parse_qsl(parts.query, keep_blank_values=True))
            query.update(timestamp=now, signature=wechat_signature(WECHAT_TOKEN, now, query.get("nonce", "")))
            r.url = urlunsplit(parts._replace(query=urlencode(query)))
        elif parts.path == "/webhooks/telegram/webhook":
            r.headers["X-Telegram-Bot-Api-Secret-Token"] = TG_SECRET
        elif parts.path == "/webhooks/slack/webhook":
            r.headers["X-Slack-Request-Timestamp"] = now
            r.headers["X-Slack-Signature"] = slack_signature(SLACK_SECRET, now, body)
        elif parts.path.startswith(("/conversations/", "/status", "/model/parse")):
            query = dict(parse_qsl(parts.query, keep_blank_values=True))
            query["token"] = AUTH_TOKEN
            r.url = urlunsplit(parts._replace(query=urlencode(query)))
        return r


def test_the_document_describes_every_route(api, api_schema):
    """Every route the app serves (schemathesis leaves out /openapi.json itself, which it
    has just fetched)."""
    served = {(op.ok().method.upper(), op.ok().path) for op in api_schema.get_all_operations()}
    assert served == {("POST", "/webhooks/rest/webhook"), ("POST", "/api/v1/predict"), ("GET", "/health"),
                      ("GET", "/ready"), ("GET", "/metrics"), ("POST", "/admin/reload"), ("GET", "/webhooks/wechat/webhook"),
                      ("POST", "/webhooks/wechat/webhook"), ("POST", "/webhooks/telegram/webhook"),
                      ("POST", "/webhooks/slack/webhook"),
                      # Rasa's API (framework.server.rasa_api)
                      ("GET", "/version"), ("GET", "/status"), ("POST", "/model/parse"), ("GET", "/webhooks/rest/"),
                      ("GET", "/conversations/{sender}/tracker"), ("POST", "/conversations/{sender}/tracker/events"),
                      ("PUT", "/conversations/{sender}/tracker/events"),
                      ("POST", "/conversations/{sender}/trigger_intent")}


@schema.parametrize()
@settings(max_examples=EXAMPLES_PER_ROUTE, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_no_server_errors(case, api):
    session = requests.Session()
    session.auth = PlatformSigning()
    response = case.call(base_url=api, session=session, timeout=30)
    case.validate_response(response, checks=[not_a_server_error])
