"""A slot in a response's image or attachment URL (framework.response_urls): after the
scheme and host its value is percent-encoded, so the user's words cannot choose where the
server fetches from; before them `dialog validate` warns (W004, golden text). Text
responses are filled as they are."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from yarl import URL

from framework.engine.render import interpolate
from framework.response_urls import origin_fixed
from framework.spec.command import main

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "W004.txt"
PLAN = "https://cdn.example.com/plans/{plan}.png"


@pytest.mark.parametrize("value, filled", [
    ("59", "https://cdn.example.com/plans/59.png"),
    ("套餐 59", "https://cdn.example.com/plans/%E5%A5%97%E9%A4%90%2059.png"),
    ("../../admin", "https://cdn.example.com/plans/..%2F..%2Fadmin.png"),
    ("x?to=https://evil.example/#", "https://cdn.example.com/plans/x%3Fto%3Dhttps%3A%2F%2Fevil.example%2F%23.png"),
    ("@evil.example:80", "https://cdn.example.com/plans/%40evil.example%3A80.png"),
])
def test_a_slot_after_the_host_is_percent_encoded(value, filled):
    url = interpolate(PLAN, {"plan": value}, url=True)
    assert url == filled
    parsed = URL(url)
    assert (parsed.scheme, parsed.host, parsed.raw_path.count("/")) == ("https", "cdn.example.com", 2)


@pytest.mark.parametrize("template, slots, filled", [
    ("https://cdn.example.com/img?plan={plan}&size=2", {"plan": "a&size=9"},
     "https://cdn.example.com/img?plan=a%26size%3D9&size=2"),
    ("/static/{plan}.png", {"plan": "//evil.example/x"}, "/static/%2F%2Fevil.example%2Fx.png"),
    ("https://{host}/{plan}.png", {"host": "cdn.example.com", "plan": "a/b"}, "https://cdn.example.com/a%2Fb.png"),
    ("{url}", {"url": "https://cdn.example.com/x.png"}, "https://cdn.example.com/x.png"),  # W004: as it is
    ("https://cdn.example.com/{amount:,.2f}.png", {"amount": 3500.0}, "https://cdn.example.com/3%2C500.00.png"),
    ("https://cdn.example.com/{unset}.png", {}, "https://cdn.example.com/.png"),
])
def test_url_templates(template, slots, filled):
    assert interpolate(template, slots, url=True) == filled


def test_a_text_response_is_filled_as_it_is():
    assert interpolate("Plan {plan}: see /plans/{plan}", {"plan": "a/b?c"}) == "Plan a/b?c: see /plans/a/b?c"


@pytest.mark.parametrize("before, fixed", [
    ("", False), ("https://", False), ("https://cdn.example.com", False), ("https:", False), ("https:/", False),
    ("//cdn.example.com", False), ("plans", False), ("https://cdn.example.com:", False),
    ("https://cdn.example.com/", True), ("https://cdn.example.com?plan=", True), ("//cdn.example.com/", True),
    ("/", True), ("plans/", True), ("?plan=", True), ("data:image/png;base64,", True), ("https://{}/", True),
])
def test_where_the_scheme_and_host_are_fixed(before, fixed):
    assert origin_fixed(before) is fixed


DOMAIN_MORE = """\
  plan: {type: text}
  url: {type: text}
  host: {type: text}
"""
RESPONSES_MORE = """\
  utter_plan: [{text: "Your plan, {plan}:", image: "https://cdn.example.com/plans/{plan}.png"}]
  utter_link: [{image: "{url}"}]
  utter_statement: [{text: "From {host}", attachment: "https://{host}/statement.pdf"}]
  utter_bill:
    - attachment: https://cdn.example.com{plan}.pdf
"""


def test_a_scheme_or_host_from_a_slot_is_a_warning_golden(tmp_path, monkeypatch, capsys):
    shutil.copytree(ROOT / "tests" / "fixtures" / "spec" / "base", tmp_path / "d")
    domain = tmp_path / "d" / "domain.yml"
    text = domain.read_text(encoding="utf-8").replace("slots:\n", "slots:\n" + DOMAIN_MORE)
    domain.write_text(text + RESPONSES_MORE, encoding="utf-8")
    monkeypatch.chdir(tmp_path / "d")
    assert main(["."]) == 0  # a warning: the domain still loads and runs
    out = capsys.readouterr().out
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(out, encoding="utf-8")
    assert out == GOLDEN.read_text(encoding="utf-8")
    assert [line.split()[1] for line in out.splitlines()[:-1]] == ["W004", "W004", "W004", "W001"]
