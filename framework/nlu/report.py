"""Writing an evaluation report: JSON, Markdown, the confusion matrix as CSV (all of it) and
as a PNG people can read (above PLOT_ALL intents: the PLOTTED most confused ones)."""
from __future__ import annotations

import csv
import json
from pathlib import Path

PLOT_ALL = 40  # up to this many intents the picture shows them all
PLOTTED = 30  # above, at most this many: the intents with the most errors (as gold or as prediction)


def write_report(report: dict, stem: str | Path, confusion_png: bool = True) -> list[Path]:
    """`stem`.json, `stem`.md, `stem`_confusion.csv and (optionally) `stem`_confusion.png."""
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    paths = [stem.with_suffix(".json"), stem.with_suffix(".md"), stem.parent / (stem.name + "_confusion.csv")]
    write_confusion_csv(report["confusion_matrix"], report["labels"], paths[2])
    png = None
    if confusion_png:
        png = stem.parent / (stem.name + "_confusion.png")
        try:
            shown, font_warning = plot_confusion(report["confusion_matrix"], report["labels"], png)
            paths.append(png)
            if font_warning:
                report.setdefault("notes", []).append(f"confusion matrix: {font_warning}")
            if len(shown) < len(report["labels"]):
                report["confusion_plot"] = {"labels": shown, "of": len(report["labels"])}
                report.setdefault("notes", []).append(
                    f"confusion matrix: the picture shows the {len(shown)} most confused of {len(report['labels'])} "
                    f"intents; all of them are in {paths[2].name}")
        except Exception as e:  # a report without its picture is still a report
            png = None
            report.setdefault("notes", []).append(f"confusion matrix PNG not drawn: {e}")
    paths[0].write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    paths[1].write_text(to_markdown(report, png.name if png else None), encoding="utf-8")
    return paths


def write_confusion_csv(matrix, labels, path: Path) -> None:
    """Rows gold, columns predicted; the first row and column name the intents."""
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["gold \\ predicted", *labels])
        writer.writerows([label, *row] for label, row in zip(labels, matrix))


def most_confused(matrix, labels, n: int = PLOTTED) -> list[int]:
    """Indices of the (at most `n`) intents with the most errors, as gold (row) or as
    prediction (column), in the original label order; ties go to the larger support.
    Intents without an error are left out (they would only pad the picture), unless
    fewer than two have errors."""
    import numpy as np

    cm = np.asarray(matrix)
    off = cm - np.diag(np.diag(cm))
    errors = off.sum(1) + off.sum(0)
    order = sorted(range(len(labels)), key=lambda i: (-errors[i], -cm[i].sum(), i))[:n]
    confused = [i for i in order if errors[i] > 0]
    return sorted(confused if len(confused) >= 2 else order)


def _pct(x):
    return "n/a" if x is None else f"{100 * x:.2f}"


def to_markdown(report: dict, png_name: str | None = None) -> str:
    lines = [f"# Intent evaluation: {report.get('model_id', '')}", ""]
    if report.get("data"):
        lines += [f"Data: {report['data']} ({report['n']} examples)", ""]
    if report.get("unknown_labels"):
        listed = ", ".join(f"{k} ({v})" for k, v in report["unknown_labels"].items())
        lines += [f"Left out of the scores (intents the model does not know): {listed}", ""]
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
        lines += ["", "## Confusion matrix", ""]
        if report.get("confusion_plot"):
            plot = report["confusion_plot"]
            lines += [f"The {len(plot['labels'])} most confused of {plot['of']} intents; the whole matrix is in "
                      f"{png_name.replace('.png', '.csv')}.", ""]
        lines.append(f"![confusion matrix]({png_name})")
    return "\n".join(lines) + "\n"


def plot_confusion(matrix, labels, path: Path, limit: int = PLOT_ALL,
                   shown: int = PLOTTED) -> tuple[list[str], str | None]:
    """Rows gold, columns predicted, row-normalised colours with counts; returns the labels
    drawn and a warning when Chinese labels found no font (else None). Above `limit` intents only the `shown` most confused are drawn (a 150-intent
    matrix at a readable size is a wall of 4-point labels). Chinese labels use the CJK
    font `dialog graph` finds (framework.compile.diagram)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from framework.compile.diagram import cjk_font_warning, glyph_warnings_silenced

    cm = np.asarray(matrix, dtype=float)
    keep = list(range(len(labels))) if len(labels) <= limit else most_confused(matrix, labels, shown)
    # normalised by the whole row (all predictions of that gold intent), then cut
    norm = (cm / np.maximum(cm.sum(1, keepdims=True), 1))[np.ix_(keep, keep)]
    cm = cm[np.ix_(keep, keep)]
    ticks = [labels[i] for i in keep]
    n = len(ticks)
    warning = cjk_font_warning(plt, ticks)
    with glyph_warnings_silenced(warning):
        size = max(5.0, min(18.0, 0.42 * n + 3))
        fig, ax = plt.subplots(figsize=(size, size))
        ax.imshow(norm, cmap="Blues", vmin=0, vmax=1)
        fs = 8 if n > 20 else 10
        ax.set_xticks(range(n), ticks, rotation=90, fontsize=fs)
        ax.set_yticks(range(n), ticks, fontsize=fs)
        ax.set_xlabel("predicted")
        ax.set_ylabel("gold")
        if n < len(labels):
            ax.set_title(f"the {n} most confused of {len(labels)} intents (all: {path.stem}.csv)", fontsize=10)
        for i in range(n):
            for j in range(n):
                if cm[i, j]:
                    ax.text(j, i, int(cm[i, j]), ha="center", va="center", fontsize=fs - 1,
                            color="white" if norm[i, j] > 0.5 else "black")
        fig.tight_layout()
        fig.savefig(path, dpi=110)
    plt.close(fig)
    return ticks, warning
