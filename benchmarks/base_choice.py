#!/usr/bin/env python3
"""Two bases for one domain side by side over several seeds, and a decision rule between them.

    python benchmarks/base_choice.py /tmp/snap/domains/telecom_zh \\
        --group l12=/tmp/m/l12_13,/tmp/m/l12_1,/tmp/m/l12_2 \\
        --group l6=/tmp/m/l6_13,/tmp/m/l6_1,/tmp/m/l6_2 \\
        --data .../eval/fresh_test.csv --data .../eval/fresh_test_2.csv --time-logs /tmp/logs

The first group is the reference, the second the candidate. Per model, all --data files pooled
and scored as `dialog evaluate` scores (framework.nlu.evaluate.evaluate_classifier: below the
model's threshold = out of scope) as `serve` runs it (the model folder's ONNX Runtime file or
torch, in the precision their checks chose), and in float32
when that differs: in scope, out of scope caught, confidently wrong, top-1 of the in-scope
messages without the threshold, correct answers lost to the threshold. Per group: the means
over its models and the spread (max - min) of their thresholds. With --time-logs DIR, each
model's training cost from DIR/<model folder name>.time (the output of `/usr/bin/time -v`):
CPU seconds (user + sys), wall seconds, peak RSS.

Speed (unless --no-speed): the first model of each group in int8, one torch thread, the call
the server makes (`parse`), the groups interleaved round after round in this one process so a
shared machine slows them alike: ms per text one at a time and texts/s in batches of 32, wall
clock and this process's CPU clock; medians over --rounds.

Then the decision rule, fixed before any figure was seen (session 9, task zh6): switch to the
candidate only if ALL hold on the means over the seeds: (a) served in-scope accuracy at most
0.5 points below the reference's, (b) confidently wrong at most 0.3 points above, (c) the
candidate's threshold spread <= 0.1, (d) out of scope caught at most 2 points below.
Only the files named are read: never name a held-out file.
"""
from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# the rule (points, threshold units); written down before the figures, not to be tuned to them
MAX_IN_SCOPE_LOSS = 0.5
MAX_WRONG_RISE = 0.3
MAX_THRESHOLD_SPREAD = 0.1
MAX_OOS_LOSS = 2.0


def training_cost(log: Path) -> dict | None:
    """CPU s (user + sys), wall s and peak RSS (MiB) from a `/usr/bin/time -v` log."""
    if not log.exists():
        return None
    text = log.read_text(encoding="utf-8", errors="replace")

    def field(name: str) -> str | None:
        m = re.search(rf"^\s*{re.escape(name)}: (.+)$", text, re.M)
        return m.group(1).strip() if m else None

    user, system = field("User time (seconds)"), field("System time (seconds)")
    elapsed, rss = field("Elapsed (wall clock) time (h:mm:ss or m:ss)"), field("Maximum resident set size (kbytes)")
    if user is None or elapsed is None:
        return None
    wall = 0.0
    for part in elapsed.split(":"):
        wall = wall * 60 + float(part)
    return {"cpu_s": float(user) + float(system or 0), "wall_s": wall,
            "peak_rss_mib": int(rss) / 1024 if rss else None, "exit": field("Exit status")}


def score(model_dir: str, assistant, data, precision: str) -> dict:
    """The pooled data scored as `dialog evaluate` scores, in `precision`."""
    from framework.nlu.evaluate import evaluate_classifier
    from framework.nlu.model import load_classifier

    if precision == "served":  # as `serve` runs it: ONNX Runtime's file or torch, the precision its checks chose
        clf = load_classifier(model_dir, assistant, quantize="auto", runtime="auto", threads=1)
    else:
        clf = load_classifier(model_dir, assistant, quantize=precision != "float32" and precision, threads=1)
    report = evaluate_classifier(clf, data)
    oos = clf.meta.get("out_of_scope")
    labels, cm = report["labels"], report["confusion_matrix"]
    in_rows = [i for i, name in enumerate(labels) if name != oos]
    in_n = sum(sum(cm[i]) for i in in_rows)
    top1 = sum(cm[i][i] for i in in_rows)
    s = report["scope"]
    network = f"{clf.runtime} {clf.quantized or 'float32'}" if clf.runtime == "torch" else str(clf.quantized)
    return {"precision": precision, "network": network, "threshold": clf.threshold, "in_scope": 100 * s["in_scope_accuracy"],
            "oos_caught": 100 * s["oos_recall"], "confidently_wrong": 100 * s["confidently_wrong"],
            "top1_in_scope": 100 * top1 / in_n, "below_threshold": top1 - round(s["in_scope_accuracy"] * in_n),
            "in_scope_n": s["in_scope_n"], "out_of_scope_n": s["out_of_scope_n"]}


def timed(clf, texts: list[str], batch: int) -> tuple[float, float]:
    """(wall s, CPU s) of `parse` over `texts` in batches of `batch` (the server's call, as
    framework.nlu.evaluate.measure_speed makes it, with this process's CPU clock beside)."""
    wall, cpu = time.perf_counter(), time.process_time()
    for i in range(0, len(texts), batch):
        clf.parse(texts[i:i + batch])
    return time.perf_counter() - wall, time.process_time() - cpu


def speed(models: dict[str, str], assistant, texts: list[str], rounds: int) -> dict:
    from framework.nlu.model import load_classifier

    clfs = {name: load_classifier(d, assistant, quantize="int8", threads=1) for name, d in models.items()}
    one, many = texts[:50], (texts * 2)[:256]
    got = {name: {"b1_wall": [], "b1_cpu": [], "b32_wall": [], "b32_cpu": []} for name in clfs}
    for clf in clfs.values():
        clf.batch_size = 32
        clf.parse(many[:32])  # warm-up
    for r in range(rounds):
        order = list(clfs) if r % 2 == 0 else list(reversed(clfs))  # alternate who goes first
        for name in order:
            w, c = timed(clfs[name], one, 1)
            got[name]["b1_wall"].append(1000 * w / len(one))
            got[name]["b1_cpu"].append(1000 * c / len(one))
            w, c = timed(clfs[name], many, 32)
            got[name]["b32_wall"].append(len(many) / w)
            got[name]["b32_cpu"].append(len(many) / c)
    return {name: {k: statistics.median(v) for k, v in g.items()} for name, g in got.items()}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    p.add_argument("domain", help="the domain the models were trained for")
    p.add_argument("--group", action="append", required=True, metavar="NAME=DIR,DIR,...",
                   help="models of one base, one per seed; the first group is the reference")
    p.add_argument("--data", action="append", required=True, help="labelled CSV (text,intent); repeatable, pooled")
    p.add_argument("--time-logs", type=Path, help="folder of <model folder name>.time files (/usr/bin/time -v)")
    p.add_argument("--rounds", type=int, default=5, help="speed rounds (each group's first model once per round)")
    p.add_argument("--no-speed", dest="speed", action="store_false")
    p.add_argument("--json", type=Path, help="write every figure here")
    args = p.parse_args(argv)
    from framework.nlu.data import read_data_file
    from framework.spec import load_assistant

    assistant = load_assistant(args.domain)
    data = [row for f in args.data for row in read_data_file(f)]
    groups = {}
    for g in args.group:
        name, dirs = g.split("=", 1)
        groups[name] = [d for d in dirs.split(",") if d]
    print(f"{time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())} UTC, load average "
          f"{open('/proc/loadavg').read().split()[0]}; {len(data)} messages from {len(args.data)} file(s)\n")
    print("| group | model | precision | threshold | in scope | OOS caught | confidently wrong | "
          "top-1 in scope, no threshold | correct, below threshold | training CPU s | wall s | peak RSS MiB |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    results: dict = {"data": args.data, "groups": {}}
    for name, dirs in groups.items():
        rows = []
        for d in dirs:
            cost = training_cost(args.time_logs / f"{Path(d).name}.time") if args.time_logs else None
            for precision in ("served", "float32"):
                s = score(d, assistant, data, precision)
                s.update(model=d, served=precision == "served", cost=cost)
                rows.append(s)
                c = cost or {}
                label = f"{s['network']} (served)" if precision == "served" else precision
                print(f"| {name} | {Path(d).name} | {label} | "
                      f"{s['threshold']:.4f} | {s['in_scope']:.2f} | {s['oos_caught']:.2f} | "
                      f"{s['confidently_wrong']:.2f} | {s['top1_in_scope']:.2f} | {s['below_threshold']} | "
                      f"{c.get('cpu_s', float('nan')):.0f} | {c.get('wall_s', float('nan')):.0f} | "
                      f"{c.get('peak_rss_mib') or float('nan'):.0f} |", flush=True)
        results["groups"][name] = rows
    print("\n| group | precision | seeds | thresholds | spread | in scope | OOS caught | confidently wrong | "
          "top-1 in scope | training CPU s | wall s |")
    print("|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    means = {}
    for name, rows in results["groups"].items():
        for label, pick in (("served", [r for r in rows if r["served"]]),
                            ("float32", [r for r in rows if r["precision"] == "float32"])):
            ts = [r["threshold"] for r in pick]
            m = {k: statistics.mean(r[k] for r in pick)
                 for k in ("in_scope", "oos_caught", "confidently_wrong", "top1_in_scope")}
            costs = [r["cost"] for r in pick if r["cost"]]
            m.update(spread=max(ts) - min(ts), thresholds=ts, n=len(pick),
                     cpu_s=statistics.mean(c["cpu_s"] for c in costs) if costs else None,
                     wall_s=statistics.mean(c["wall_s"] for c in costs) if costs else None)
            means[name, label] = m
            print(f"| **{name}** | {label} ({', '.join(sorted({r['network'] for r in pick}))}) | {len(pick)} | "
                  f"{' / '.join(f'{t:.4f}' for t in ts)} | {m['spread']:.4f} | {m['in_scope']:.2f} | "
                  f"{m['oos_caught']:.2f} | {m['confidently_wrong']:.2f} | {m['top1_in_scope']:.2f} | "
                  f"{m['cpu_s'] or float('nan'):.0f} | {m['wall_s'] or float('nan'):.0f} |")
    results["means"] = {f"{k[0]}/{k[1]}": v for k, v in means.items()}
    names = list(groups)
    if len(names) >= 2:
        ref, cand = means[names[0], "served"], means[names[1], "served"]
        checks = [
            ("(a) served in scope, candidate - reference", cand["in_scope"] - ref["in_scope"],
             f">= -{MAX_IN_SCOPE_LOSS}", cand["in_scope"] - ref["in_scope"] >= -MAX_IN_SCOPE_LOSS),
            ("(b) confidently wrong, candidate - reference", cand["confidently_wrong"] - ref["confidently_wrong"],
             f"<= +{MAX_WRONG_RISE}", cand["confidently_wrong"] - ref["confidently_wrong"] <= MAX_WRONG_RISE),
            ("(c) candidate's threshold spread", cand["spread"], f"<= {MAX_THRESHOLD_SPREAD}",
             cand["spread"] <= MAX_THRESHOLD_SPREAD),
            ("(d) OOS caught, candidate - reference", cand["oos_caught"] - ref["oos_caught"],
             f">= -{MAX_OOS_LOSS}", cand["oos_caught"] - ref["oos_caught"] >= -MAX_OOS_LOSS)]
        print(f"\nDecision rule, {names[1]} against {names[0]} (means over {cand['n']} / {ref['n']} seeds):\n")
        print("| condition | value | needed | holds |\n|---|---:|---|---|")
        for label, value, need, ok in checks:
            print(f"| {label} | {value:+.4f} | {need} | {'yes' if ok else '**no**'} |")
        switch = all(ok for *_, ok in checks)
        print(f"\n**{'switch' if switch else 'keep'}** ({names[1] if switch else names[0]})")
        results["rule"] = {"checks": [dict(zip(("condition", "value", "needed", "holds"), c)) for c in checks],
                           "switch": switch}
    if args.speed:
        firsts = {name: dirs[0] for name, dirs in groups.items()}
        texts = [row.text for row in data]
        print(f"\nSpeed, int8, 1 thread, `parse`, {args.rounds} interleaved rounds (medians), "
              f"{time.strftime('%H:%M:%S', time.gmtime())} UTC, load {open('/proc/loadavg').read().split()[0]}:\n")
        sp = speed(firsts, assistant, texts, args.rounds)
        print("| model | batch 1: ms per text (wall) | (CPU) | batch 32: texts/s (wall) | (CPU) |")
        print("|---|---:|---:|---:|---:|")
        for name, s in sp.items():
            print(f"| {name} ({Path(firsts[name]).name}) | {s['b1_wall']:.1f} | {s['b1_cpu']:.1f} | "
                  f"{s['b32_wall']:.0f} | {s['b32_cpu']:.0f} |")
        if len(sp) >= 2:
            a, b = (sp[n] for n in names[:2])
            print(f"\n{names[1]} / {names[0]}: batch 1 CPU ms {b['b1_cpu'] / a['b1_cpu']:.2f}x, "
                  f"batch 32 CPU texts/s {b['b32_cpu'] / a['b32_cpu']:.2f}x")
        results["speed"] = sp
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
