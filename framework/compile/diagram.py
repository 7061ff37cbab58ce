"""`dialog graph DOMAIN [--flow F] [--format mermaid|dot|png] [-o FILE]`: draw flows.

States are nodes; edges are transitions (labelled with their intent and condition) and the
branches of steps (collect failure, confirm yes / no, action success / failure, the
backend's refusals an action state maps with `on_status`, labelled "HTTP 404", links to
other flows). Mermaid and DOT are text; PNG is drawn with matplotlib in a simple layered
layout, so no graphviz binary is needed. matplotlib is imported only for PNG.
"""
from __future__ import annotations

import argparse
import sys
import warnings
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass

from framework.compile import machine as m

FORMATS = ("mermaid", "dot", "png")


@dataclass(frozen=True)
class Node:
    id: str
    label: str  # may contain "\n"
    kind: str  # "state", "end", "flow" (a linked flow), "final" (a state that leaves the flow)


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str
    kind: str  # "next", "intent", "condition", "yes", "no", "success", "failure", "status", "link"


@dataclass(frozen=True)
class FlowGraph:
    flow: str
    title: str
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]


# --------------------------------------------------------------------------- graph model

def _step_text(step: m.Step | None) -> str:
    if isinstance(step, m.Say):
        return f"say {step.response}"
    if isinstance(step, m.Collect):
        return f"collect {step.slot}"
    if isinstance(step, m.Confirm):
        return f"confirm {step.response}"
    if isinstance(step, m.CallAction):
        return f"action {step.action}"
    if isinstance(step, m.Handoff):
        return "handoff" + (f" {step.response}" if step.response else "")
    if isinstance(step, m.Link):
        return f"link {step.flow}"
    if isinstance(step, m.End):
        return "end" + (f" {step.response}" if step.response else "")
    return ""


def _transition_label(t: m.Transition) -> tuple[str, str]:
    parts = []
    if t.intent:
        parts.append(f"intent {t.intent}")
    if t.condition_text:
        parts.append(f"if {t.condition_text}")
    kind = "intent" if t.intent else "condition" if t.condition_text else "next"
    return " and ".join(parts), kind


def flow_graph(flow: m.Flow) -> FlowGraph:
    node_id = {name: f"{flow.name}.{name}" for name in flow.states}
    end_id = f"{flow.name}.END"
    nodes: list[Node] = []
    edges: list[Edge] = []
    extra: dict[str, Node] = {}

    def target(name: str) -> str:
        if name in node_id:
            return node_id[name]
        extra.setdefault(end_id, Node(end_id, "END", "end"))
        return end_id

    for name, state in flow.states.items():
        text = _step_text(state.step)
        final = isinstance(state.step, (m.End, m.Handoff, m.Link))
        start = " (start)" if name == flow.start else ""
        nodes.append(Node(node_id[name], f"{name}{start}\n{text}" if text else f"{name}{start}",
                          "final" if final else "state"))
        step = state.step
        if isinstance(step, m.Collect) and step.on_failure:
            edges.append(Edge(node_id[name], target(step.on_failure), "failure", "failure"))
        if isinstance(step, m.Collect) and step.on_change:
            edges.append(Edge(node_id[name], target(step.on_change), "changed", "condition"))
        if isinstance(step, m.Collect) and step.on_unknown:
            edges.append(Edge(node_id[name], target(step.on_unknown), "not known", "failure"))
        if isinstance(step, m.Confirm):
            edges.append(Edge(node_id[name], target(step.on_yes), "yes", "yes"))
            if step.on_no == m.ASK_WHAT_TO_CHANGE:  # built in: re-asks one item, then confirms again
                which = f"{node_id[name]}.{m.ASK_WHAT_TO_CHANGE}"
                extra.setdefault(which, Node(which, f"{m.ASK_WHAT_TO_CHANGE}\ncollect the item named", "state"))
                edges.append(Edge(node_id[name], which, "no", "no"))
                edges.append(Edge(which, node_id[name], "", "next"))
            else:
                edges.append(Edge(node_id[name], target(step.on_no), "no", "no"))
            if step.on_failure:
                edges.append(Edge(node_id[name], target(step.on_failure), "failure", "failure"))
            if step.on_change:
                edges.append(Edge(node_id[name], target(step.on_change), "changed", "condition"))
        if isinstance(step, m.CallAction):
            if step.on_success:
                edges.append(Edge(node_id[name], target(step.on_success), "success", "success"))
            if step.on_failure:
                edges.append(Edge(node_id[name], target(step.on_failure), "failure", "failure"))
            for label, branch in (("timeout", step.on_timeout), ("error", step.on_error)):
                if branch:
                    edges.append(Edge(node_id[name], target(branch), label, "failure"))
            for status, branch in sorted(step.on_status.items()):  # refusals: solid, not failures
                edges.append(Edge(node_id[name], target(branch), f"HTTP {status}", "status"))
        if isinstance(step, m.Link):
            flow_id = f"flow:{step.flow}"
            extra.setdefault(flow_id, Node(flow_id, f"flow {step.flow}", "flow"))
            edges.append(Edge(node_id[name], flow_id, "link", "link"))
        for t in state.transitions:
            label, kind = _transition_label(t)
            edges.append(Edge(node_id[name], target(t.to), label, kind))
    triggers = ", ".join(flow.triggers)
    title = f"{flow.name}" + (f"  (trigger: {triggers})" if triggers else "")
    return FlowGraph(flow.name, title, tuple(nodes) + tuple(extra.values()), tuple(edges))


def assistant_graphs(assistant: m.Assistant, flow: str | None = None) -> list[FlowGraph]:
    flows = [assistant.flows[flow]] if flow else list(assistant.flows.values())
    return [flow_graph(f) for f in flows]


# --------------------------------------------------------------------------- text formats

def _mermaid_text(text: str) -> str:
    return text.replace('"', "#quot;").replace("\n", "<br/>")


def to_mermaid(graphs: list[FlowGraph]) -> str:
    ids: dict[str, str] = {}

    def nid(key: str) -> str:
        return ids.setdefault(key, f"n{len(ids)}")

    shapes = {"state": ('["', '"]'), "final": ('(["', '"])'), "end": ('(("', '"))'), "flow": ('[["', '"]]')}
    lines = ["flowchart TD"]
    for g in graphs:
        lines.append(f'  subgraph {nid("flow-" + g.flow)}["{_mermaid_text(g.title)}"]')
        for node in g.nodes:
            left, right = shapes[node.kind]
            lines.append(f"    {nid(node.id)}{left}{_mermaid_text(node.label)}{right}")
        for e in g.edges:
            arrow = "-.->" if e.kind in ("failure", "link") else "-->"
            label = f'|"{_mermaid_text(e.label)}"|' if e.label else ""
            lines.append(f"    {nid(e.source)} {arrow}{label} {nid(e.target)}")
        lines.append("  end")
    return "\n".join(lines) + "\n"


def _dot_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def to_dot(graphs: list[FlowGraph], name: str = "assistant") -> str:
    shapes = {"state": "box", "final": "box", "end": "doublecircle", "flow": "component"}
    lines = [f'digraph "{_dot_text(name)}" {{', "  rankdir=TB;", '  node [fontname="sans-serif"];',
             '  edge [fontname="sans-serif", fontsize=10];']
    for i, g in enumerate(graphs):
        lines.append(f"  subgraph cluster_{i} {{")
        lines.append(f'    label="{_dot_text(g.title)}";')
        for node in g.nodes:
            style = ', style="rounded,bold"' if node.kind == "final" else ""
            lines.append(f'    "{_dot_text(node.id)}" [label="{_dot_text(node.label)}", shape={shapes[node.kind]}{style}];')
        for e in g.edges:
            style = ", style=dashed" if e.kind in ("failure", "link") else ""
            lines.append(f'    "{_dot_text(e.source)}" -> "{_dot_text(e.target)}" [label="{_dot_text(e.label)}"{style}];')
        lines.append("  }")
    lines.append("}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- PNG

def layers(g: FlowGraph) -> list[list[str]]:
    """Nodes by breadth-first depth from the first node (the start); unreached ones last."""
    start = next((n.id for n in g.nodes if "(start)" in n.label), g.nodes[0].id if g.nodes else None)
    out: dict[str, list[str]] = {}
    for e in g.edges:
        out.setdefault(e.source, []).append(e.target)
    depth = {start: 0} if start else {}
    queue = deque(depth)
    while queue:
        node = queue.popleft()
        for nxt in out.get(node, ()):
            if nxt not in depth:
                depth[nxt] = depth[node] + 1
                queue.append(nxt)
    last = max(depth.values(), default=-1) + 1
    result: list[list[str]] = [[] for _ in range(last + 1)]
    for n in g.nodes:
        result[depth.get(n.id, last)].append(n.id)
    return [layer for layer in result if layer]


_NODE_COLOURS = {"state": "#dbe9f6", "final": "#f3dede", "end": "#333333", "flow": "#fff3c4"}
_EDGE_COLOURS = {"next": "#444444", "intent": "#1f5fa8", "condition": "#7a3fa0", "yes": "#2e7d32",
                 "no": "#c62828", "success": "#2e7d32", "failure": "#c62828", "status": "#e65100",
                 "link": "#888888"}
_COLUMN, _ROW = 3.4, 1.7  # layout units between nodes


def _positions(g: FlowGraph) -> dict[str, tuple[float, float]]:
    rows = layers(g)
    width = max(len(r) for r in rows)
    parents: dict[str, list[str]] = {}
    for e in g.edges:
        parents.setdefault(e.target, []).append(e.source)
    pos: dict[str, tuple[float, float]] = {}
    for depth, row in enumerate(rows):
        # One barycentre pass: put each node under the mean x of the nodes above that lead to
        # it, which removes most crossings of a layered drawing.
        def centre(node: str) -> float:
            xs = [pos[p][0] for p in parents.get(node, ()) if p in pos]
            return sum(xs) / len(xs) if xs else float("inf")
        row = sorted(row, key=centre) if depth else row
        offset = (width - len(row)) / 2
        for i, node in enumerate(row):
            pos[node] = ((offset + i) * _COLUMN, -depth * _ROW)
    return pos


def to_png(graphs: list[FlowGraph], path: str) -> str | None:
    """A layered drawing: the start at the top, each state one row below the first state
    that reaches it; back edges curve. Imports matplotlib here only (Agg, no display).
    Returns a warning when the labels need a CJK font and none was found (they are drawn
    as empty boxes then), else None."""
    import textwrap

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    warning = cjk_font_warning(plt, graph_texts(graphs))
    layouts = [(g, _positions(g)) for g in graphs]
    heights = [len(layers(g)) for g in graphs]
    columns = max((max(len(r) for r in layers(g)) for g in graphs), default=1)
    with glyph_warnings_silenced(warning):
        fig, axes = plt.subplots(len(graphs), 1, squeeze=False, gridspec_kw={"height_ratios": heights or [1]},
                                 figsize=(max(6.0, columns * 2.9), max(3.0, sum(heights) * 1.25 + len(graphs) * 0.6)))
        for ax, (g, pos) in zip(axes[:, 0], layouts):
            _draw_flow(ax, g, pos, textwrap)
        fig.tight_layout()
        fig.savefig(path, dpi=110)
    plt.close(fig)
    return warning


# Chinese labels need a font with those glyphs; matplotlib ships none. Debian's packages
# (fonts-noto-cjk, fonts-wqy-microhei; `.ci/run` installs the latter) and the fonts macOS and
# Windows ship are found; $DIALOG_CJK_FONT names any other font file.
CJK_FONT_ENV = "DIALOG_CJK_FONT"
NO_CJK_FONT = ("no font with Chinese characters was found, so the labels are drawn as empty boxes. "
               "Install one (Debian/Ubuntu: apt-get install fonts-noto-cjk or fonts-wqy-microhei) "
               f"or set ${CJK_FONT_ENV} to a .ttf, .otf or .ttc file")
_CJK_FONT_FILES = ("wqy", "cjk", "simhei", "simsun", "yahei", "msyh", "pingfang", "hiragino", "stheiti",
                   "droidsansfallback", "uming", "ukai", "sourcehan", "arplumingcn")


def cjk_font_warning(plt, texts) -> str | None:
    """Sets up the CJK fallback fonts; NO_CJK_FONT when `texts` need one and none was found."""
    fonts = _use_cjk_fallback(plt)
    return NO_CJK_FONT if not fonts and any(needs_cjk_font(t) for t in texts) else None


@contextmanager
def glyph_warnings_silenced(warning: str | None):
    """With a `warning` from cjk_font_warning, matplotlib's one warning per missing glyph (dozens
    for one Chinese picture) is silenced: the caller gives that one clear line instead."""
    with warnings.catch_warnings():
        if warning:
            warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        yield


def graph_texts(graphs: list[FlowGraph]):
    for g in graphs:
        yield g.title
        yield from (n.label for n in g.nodes)
        yield from (e.label for e in g.edges)


def needs_cjk_font(text: str) -> bool:
    """Characters of the CJK blocks (ideographs, kana, hangul, full-width punctuation)."""
    return any(ord(ch) >= 0x2E80 and not 0xFE00 <= ord(ch) <= 0xFE0F for ch in text)


def cjk_font_files() -> list[str]:
    """Font files with Chinese glyphs: $DIALOG_CJK_FONT, fontconfig's answer for `:lang=zh`,
    then system fonts known by their file names (matplotlib's own search)."""
    import os
    import shutil
    import subprocess

    from matplotlib import font_manager

    files = [os.environ[CJK_FONT_ENV]] if os.environ.get(CJK_FONT_ENV) else []
    if shutil.which("fc-list"):
        try:
            listed = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=10).stdout
        except (OSError, subprocess.SubprocessError):
            listed = ""
        files += sorted(line.rstrip(": \n") for line in listed.splitlines() if line.strip())
    files += [path for path in font_manager.findSystemFonts()
              if any(k in path.lower().replace("-", "").replace("_", "") for k in _CJK_FONT_FILES)]
    return list(dict.fromkeys(files))


def _use_cjk_fallback(plt) -> list[str]:
    """Put the CJK fonts found after DejaVu Sans in matplotlib's family list (its cache may
    predate them, so they are registered); returns their family names ([] if none)."""
    from matplotlib import font_manager

    known = {f.fname: f.name for f in font_manager.fontManager.ttflist}
    names = []
    for path in cjk_font_files():
        if path not in known:
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):
                continue  # an unreadable font file is no reason to fail a drawing
            known = {f.fname: f.name for f in font_manager.fontManager.ttflist}
        if path in known:
            names.append(known[path])
    # Named families, not the generic "sans-serif": only those take part in glyph fallback.
    plt.rcParams["font.family"] = ["DejaVu Sans"] + list(dict.fromkeys(names))
    return list(dict.fromkeys(names))


def _curve_middle(ax, start: tuple, end: tuple, rad: float) -> tuple[float, float]:
    """The middle of matplotlib's `arc3` curve, which is bent in display space, in data units."""
    (x1, y1), (x2, y2) = ax.transData.transform([start, end])
    cx, cy = (x1 + x2) / 2 + rad * (y2 - y1), (y1 + y2) / 2 - rad * (x2 - x1)
    middle = (0.25 * x1 + 0.5 * cx + 0.25 * x2, 0.25 * y1 + 0.5 * cy + 0.25 * y2)
    return tuple(ax.transData.inverted().transform(middle))


def _draw_flow(ax, g: FlowGraph, pos: dict, textwrap) -> None:
    ax.set_title(g.title, fontsize=11, loc="left")
    ax.axis("off")
    xs = [x for x, _ in pos.values()]
    ys = [y for _, y in pos.values()]
    ax.set_xlim(min(xs) - _COLUMN * 0.7, max(xs) + _COLUMN * 0.7)
    ax.set_ylim(min(ys) - _ROW * 0.6, max(ys) + _ROW * 0.6)
    boxes = {}
    for node in g.nodes:
        x, y = pos[node.id]
        colour = _NODE_COLOURS[node.kind]
        style = "circle,pad=0.3" if node.kind == "end" else "round,pad=0.45"
        boxes[node.id] = ax.text(x, y, node.label, ha="center", va="center", fontsize=8.5,
                                 color="white" if node.kind == "end" else "black", zorder=3,
                                 bbox={"boxstyle": style, "fc": colour, "ec": "#555555", "lw": 0.8})
    seen: dict[tuple[str, str], int] = {}
    for e in g.edges:
        (x1, y1), (x2, y2) = pos[e.source], pos[e.target]
        repeat = seen.get((e.source, e.target), 0)
        seen[(e.source, e.target)] = repeat + 1
        backward = y2 >= y1  # same row or upwards: curve around instead of crossing nodes
        rad = (0.45 if backward else 0.0) + 0.2 * repeat
        colour = _EDGE_COLOURS.get(e.kind, "#444444")
        ax.annotate("", xy=(x2, y2), xytext=(x1, y1), zorder=2, arrowprops={
            "arrowstyle": "-|>", "color": colour, "lw": 1.0, "shrinkA": 2, "shrinkB": 2,
            "linestyle": "--" if e.kind in ("failure", "link") else "-",
            "patchA": boxes[e.source].get_bbox_patch(), "patchB": boxes[e.target].get_bbox_patch(),
            "connectionstyle": f"arc3,rad={rad}"})
        if e.label:
            ax.text(*_curve_middle(ax, (x1, y1), (x2, y2), rad), textwrap.fill(e.label, 28), ha="center",
                    va="center", fontsize=7, color=colour, zorder=4,
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85})


# --------------------------------------------------------------------------- command

def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dialog graph",
        description="Draw a domain's flows: states as nodes, transitions as edges labelled with "
                    "their intent and condition, dashed edges for failure branches and links, orange "
                    "'HTTP 404' edges for the refusals a state maps with on_status.",
    )
    parser.add_argument("domain_dir", metavar="DOMAIN", help="the domain directory, e.g. domains/telecom_zh")
    parser.add_argument("--flow", help="draw only this flow (default: all flows)")
    parser.add_argument("--format", choices=FORMATS, default=None,
                        help="mermaid (default), dot (Graphviz) or png; "
                             "default: from the -o file's extension, else mermaid")
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default: standard output; "
                                                                "png needs a file)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    fmt = args.format or _format_from_name(args.output)
    from framework.spec import SpecErrors, load_assistant

    try:
        assistant = load_assistant(args.domain_dir)
    except SpecErrors as err:
        print(err.format(), file=sys.stderr)
        return 2
    if args.flow and args.flow not in assistant.flows:
        from framework.spec.errors import did_you_mean

        hint = did_you_mean(args.flow, assistant.flows)
        print(f"dialog graph: unknown flow '{args.flow}'. Flows: {', '.join(assistant.flows)}. {hint}".rstrip(),
              file=sys.stderr)
        return 2
    graphs = assistant_graphs(assistant, args.flow)
    if fmt == "png":
        if not args.output:
            print("dialog graph: --format png needs -o FILE", file=sys.stderr)
            return 2
        warning = to_png(graphs, args.output)
        if warning:
            print(f"dialog graph: warning: {warning}", file=sys.stderr)
        return 0
    text = to_dot(graphs, assistant.name) if fmt == "dot" else to_mermaid(graphs)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0


def _format_from_name(name: str | None) -> str:
    if name and name.lower().endswith(".png"):
        return "png"
    if name and name.lower().endswith((".dot", ".gv")):
        return "dot"
    return "mermaid"


if __name__ == "__main__":
    sys.exit(main())
