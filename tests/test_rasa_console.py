"""Rasa's own console client (the functions `rasa shell` sends with, streaming and block) against a
dialogframe server. Needs Rasa 3.6 in var/rasa-venv (made by the benchmarks' setup; this
test does not install Rasa, which takes minutes): skipped, saying so, without it."""
from __future__ import annotations

import asyncio
import json
import subprocess
from pathlib import Path

import pytest

from tests.test_rasa_api import TOKEN, make_client, redis_server  # noqa: F401 (fixtures)

RASA_PYTHON = Path(__file__).resolve().parent.parent / "var" / "rasa-venv" / "bin" / "python"
CLIENT = """
import asyncio, json, sys
from rasa.core.channels.console import _send_message_receive_stream, send_message_receive_block

async def main(url, token):
    block = await send_message_receive_block(url, token, "console-1", "what is my balance")
    # what `rasa shell` calls for each line typed (record_messages, use_response_stream=True)
    stream = [m async for m in _send_message_receive_stream(url, token, "console-2", "what is my balance")]
    print(json.dumps({"block": block, "stream": stream}))

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""


def _rasa_console_problem() -> str | None:
    if not RASA_PYTHON.exists():
        return f"no Rasa virtual environment at {RASA_PYTHON.parent.parent}"
    probe = subprocess.run([RASA_PYTHON, "-c", "import rasa.core.channels.console"], capture_output=True, text=True)
    if probe.returncode:
        return f"Rasa's console client cannot be imported there: {probe.stderr.strip().splitlines()[-1:]}"
    return None


async def test_rasas_console_client_streaming_and_block(make_client):
    problem = _rasa_console_problem()
    if problem:
        pytest.skip(problem)
    client = await make_client()
    url = f"http://127.0.0.1:{client.server.port}"
    process = await asyncio.create_subprocess_exec(RASA_PYTHON, "-c", CLIENT, url, TOKEN,
                                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), 300)
    assert process.returncode == 0, err.decode()[-800:]
    answer = json.loads(out.decode().strip().splitlines()[-1])
    assert answer["block"] == [{"recipient_id": "console-1", "text": "Which account?"}]
    assert answer["stream"] == [{"recipient_id": "console-2", "text": "Which account?"}]
