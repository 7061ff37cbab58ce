"""`dialog graph`: Mermaid, DOT and PNG renderings of a domain's flows."""
from pathlib import Path

import pytest

from framework.compile.diagram import assistant_graphs, flow_graph, layers, main, to_dot, to_mermaid
from framework.spec import load_assistant

VALID = Path(__file__).resolve().parent / "fixtures" / "spec" / "valid"


@pytest.fixture(scope="module")
def assistant():
    return load_assistant(VALID, environ={})


def test_graph_has_states_branches_and_labels(assistant):
    g = flow_graph(assistant.flows["open_account"])
    labels = {(e.source.split(".")[-1], e.target.split(".")[-1].split(":")[-1]): e.label for e in g.edges}
    assert labels[("ask_name", "too_many")] == "failure"
    assert labels[("confirm", "submit")] == "yes" and labels[("confirm", "ask_name")] == "no"
    assert labels[("submit", "route")] == "success" and labels[("submit", "failed")] == "failure"
    assert labels[("route", "big")] == "if slots.amount > 1000 and slots.id_number is set"
    assert labels[("route", "complain")] == "intent 投诉"
    assert labels[("done", "END")] == ""
    assert labels[("complain", "balance")] == "link"
    assert {n.kind for n in g.nodes} == {"state", "final", "end", "flow"}


def test_layers_start_at_the_start_state(assistant):
    rows = layers(flow_graph(assistant.flows["open_account"]))
    assert rows[0] == ["open_account.ask_name"]
    assert "open_account.ask_id" in rows[1]


def test_mermaid(assistant):
    text = to_mermaid(assistant_graphs(assistant, "open_account"))
    assert text.startswith("flowchart TD\n")
    assert '-->|"intent 投诉"|' in text and '-.->|"failure"|' in text
    assert '["ask_name (start)<br/>collect name"]' in text


def test_dot(assistant):
    text = to_dot(assistant_graphs(assistant), "valid")
    assert text.startswith('digraph "valid" {') and text.rstrip().endswith("}")
    assert '"open_account.route" -> "open_account.big" [label="if slots.amount > 1000 and slots.id_number is set"];' in text
    assert "subgraph cluster_1" in text


def test_command_writes_files(tmp_path, capsys):
    assert main([str(VALID), "--flow", "balance"]) == 0
    assert "flowchart TD" in capsys.readouterr().out
    assert main([str(VALID), "-o", str(tmp_path / "g.dot")]) == 0
    assert (tmp_path / "g.dot").read_text(encoding="utf-8").startswith("digraph")
    png = tmp_path / "g.png"
    assert main([str(VALID), "--flow", "balance", "-o", str(png)]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_command_errors_exit_2(capsys):
    assert main([str(VALID), "--flow", "balanse"]) == 2
    assert "Did you mean 'balance'?" in capsys.readouterr().err
    assert main([str(VALID.parent / "many_errors")]) == 2
    assert "problems found" in capsys.readouterr().err
    assert main([str(VALID), "--format", "png"]) == 2
