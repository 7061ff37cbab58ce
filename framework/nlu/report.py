"""Writing an evaluation report: JSON, Markdown and a confusion-matrix PNG."""
from __future__ import annotations

import json
from pathlib import Path

CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei",
             "Source Han Sans SC", "SimHei", "Microsoft YaHei", "AR PL UMing CN", "Droid Sans Fallback")


def write_report(report: dict, stem: str | Path, confusion_png: bool = True) -> list[Path]:
    """`stem`.json, `stem`.md and (optionally) `stem`_confusion.png."""
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    paths = [stem.with_suffix(".json"), stem.with_suffix(".md")]
    paths[0].write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    png = None
    if confusion_png:
        png = stem.parent / (stem.name + "_confusion.png")
        try:
            plot_confusion(report["confusion_matrix"], report["labels"], png)
            paths.append(png)
        except Exception as e:  # a report without its picture is still a report
            png = None
            report.setdefault("notes", []).append(f"confusion matrix PNG not drawn: {e}")
    paths[1].write_text(to_markdown(report, png.name if png else None), encoding="utf-8")
    return paths


def _pct(x):
    return "n/a" if x is None else f"{100 * x:.2f}"


def to_markdown(report: dict, png_name: str | None = None) -> str:
    lines = [f"# Intent evaluation: {report.get('model_id', '')}", ""]
    if report.get("data"):
        lines += [f"Data: {report['data']} ({report['n']} examples)", ""]
    if (report.get("base_model") or {}).get("name"):
        lines += [f"Base model: {report['base_model']['name']}", ""]
    lines += ["| metric | value |", "|---|---|",
              f"| accuracy | {_pct(report['accuracy'])} |", f"| macro-F1 | {_pct(report['macro_f1'])} |"]
    th = report.get("threshold") or {}
    if th.get("threshold") is not None:
        lines.append(f"| fallback threshold | {th['threshold']} ({th.get('method', '')}) |")
    scope = report.get("scope")
    if scope:
        lines.append(f"| in-scope accuracy at threshold | {_pct(scope['in_scope_accuracy'])} |")
        lines.append(f"| out-of-scope recall at threshold | {_pct(scope['oos_recall'])} |")
        if scope.get("confidently_wrong") is not None:
            lines.append(f"| confidently wrong (wrong intent at or above threshold) | {_pct(scope['confidently_wrong'])} |")
    ent = report.get("entities")
    if ent:
        lines.append(f"| entities: precision / recall / F1 (exact span and label) | {_pct(ent['precision'])} / "
                     f"{_pct(ent['recall'])} / {_pct(ent['f1'])} ({ent['gold']} annotated) |")
    for name, other in (report.get("variants") or {}).items():
        lines.append(f"| {name}: accuracy / macro-F1 | {_pct(other['accuracy'])} / {_pct(other['macro_f1'])} |")
        if other.get("ms_per_sentence_batch1") is not None:
            lines.append(f"| {name}: latency batch 1 / throughput batch 32 | "
                         f"{other['ms_per_sentence_batch1']:.1f} ms / {other['sentences_per_s_batch32']:.0f} sent/s |")
    if report.get("cross_validation"):
        cv = report["cross_validation"]
        lines.append(f"| cross-validation ({cv['folds']} folds) accuracy | {_pct(cv['accuracy_mean'])} "
                     f"± {_pct(cv['accuracy_std'])} |")
    lines += ["", "## Per intent", "", "| intent | precision | recall | F1 | support |", "|---|---|---|---|---|"]
    for name, m in sorted(report["per_intent"].items(), key=lambda kv: kv[1]["f1"]):
        lines.append(f"| {name} | {_pct(m['precision'])} | {_pct(m['recall'])} | {_pct(m['f1'])} | {m['support']} |")
    if report.get("confused_pairs"):
        lines += ["", "## Most confused pairs", "", "| gold | predicted | count |", "|---|---|---|"]
        lines += [f"| {p['gold']} | {p['predicted']} | {p['count']} |" for p in report["confused_pairs"][:15]]
    if report.get("misclassified"):
        lines += ["", "## Misclassified examples", "", "| text | gold | predicted | confidence |", "|---|---|---|---|"]
        lines += [f"| {m['text'].replace('|', '/')} | {m['gold']} | {m['predicted']} | {m['confidence']:.3f} |"
                  for m in report["misclassified"][:50]]
    if png_name:
        lines += ["", "## Confusion matrix", "", f"![confusion matrix]({png_name})"]
    return "\n".join(lines) + "\n"


def _cjk_font():
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((n for n in CJK_FONTS if n in names), None)


def plot_confusion(matrix, labels, path: Path) -> None:
    """Rows gold, columns predicted, row-normalised colours with counts. Labels with CJK
    characters use a CJK font when one is installed, otherwise indices plus a legend."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    cm = np.asarray(matrix, dtype=float)
    n = len(labels)
    needs_cjk = any(ord(ch) > 0x2E80 for label in labels for ch in label)
    font = _cjk_font() if needs_cjk else None
    use_index = needs_cjk and font is None
    ticks = [str(i) for i in range(n)] if use_index else list(labels)
    size = max(5.0, min(26.0, 0.32 * n + 3))
    fig, ax = plt.subplots(figsize=(size + (3 if use_index else 0), size))
    if font:
        plt.rcParams["font.sans-serif"] = [font] + plt.rcParams["font.sans-serif"]
        plt.rcParams["axes.unicode_minus"] = False
    norm = cm / np.maximum(cm.sum(1, keepdims=True), 1)
    ax.imshow(norm, cmap="Blues", vmin=0, vmax=1)
    fs = max(4, min(10, int(220 / max(n, 1))))
    ax.set_xticks(range(n), ticks, rotation=90, fontsize=fs, fontfamily=font or "sans-serif")
    ax.set_yticks(range(n), ticks, fontsize=fs, fontfamily=font or "sans-serif")
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    if n <= 30:
        for i in range(n):
            for j in range(n):
                if cm[i, j]:
                    ax.text(j, i, int(cm[i, j]), ha="center", va="center", fontsize=fs,
                            color="white" if norm[i, j] > 0.5 else "black")
    if use_index:  # no CJK font: a legend of index -> label, rendered as escapes
        legend = "\n".join(f"{i}: {label.encode('unicode_escape').decode()}" for i, label in enumerate(labels))
        fig.text(0.74, 0.5, legend, fontsize=fs, va="center", family="monospace")
        fig.subplots_adjust(right=0.72)
    fig.tight_layout() if not use_index else None
    fig.savefig(path, dpi=110)
    plt.close(fig)
