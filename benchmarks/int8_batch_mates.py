"""How much a served answer depends on its batch-mates (issue 11, found in session 7): each text
of a CSV file alone, then in 6 batches of 8 with random training examples of the domain, as
the server's micro-batcher would call predict(); prints how often the top intent and the side
of the threshold differ from the text alone, and the confidence gap.

    python benchmarks/int8_batch_mates.py MODEL DOMAIN FILE.csv          # int8
    python benchmarks/int8_batch_mates.py MODEL DOMAIN FILE.csv --precision float32
    python benchmarks/int8_batch_mates.py MODEL DOMAIN FILE.csv --precision int8-batch

torch's dynamic int8 linear (`int8-batch`, served until 2026-12-02) quantises a whole batch's
activations with one scale, so what other conversations send in the same batch moved a text's
answer; float32 and today's int8 (one scale per token, framework.nlu.int8) do not."""
import argparse
import csv
import random
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from framework.nlu import data as nlu_data  # noqa: E402
from framework.nlu.model import load_classifier  # noqa: E402
from framework.spec import load_assistant  # noqa: E402

parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument("model_dir")
parser.add_argument("domain")
parser.add_argument("devfile", help="CSV text,intent (never a held-out file before its scoring)")
parser.add_argument("--precision", default="int8", choices=["int8", "int8-batch", "float16", "float32"])
cli = parser.parse_args()
model_dir, domain, devfile = cli.model_dir, cli.domain, cli.devfile
a = load_assistant(domain)
if cli.precision == "int8-batch":  # the former scheme, as benchmarks/perf_precision.py builds it
    from perf_precision import load_variant  # noqa: E402

    clf = load_variant(model_dir, "int8-batch", 1, None)
else:
    clf = load_classifier(model_dir, a, quantize=cli.precision, threads=1)
thr = clf.threshold if hasattr(clf, "threshold") else None
others = [e.text for e in nlu_data.from_assistant(a)]
dev = [r[0] for r in csv.reader(open(devfile, encoding="utf-8"))][1:]
rng = random.Random(0)
flips = crossings = 0; gaps = []
for t in dev:
    alone = clf.predict([t])[0][0]
    for k in range(6):
        mates = rng.sample(others, 7)
        pos = rng.randrange(8); batch = mates[:pos] + [t] + mates[pos:]
        got = clf.predict(batch)[pos][0]
        gaps.append(abs(got.confidence - alone.confidence) if got.name == alone.name else 1.0)
        flips += got.name != alone.name
        if thr is not None:
            crossings += (got.confidence >= thr) != (alone.confidence >= thr)
n = len(dev) * 6
print(f"{model_dir} ({cli.precision}): {len(dev)} texts x 6 batches: top intent differs from alone {flips}/{n} ({100*flips/n:.2f}%), "
      f"threshold side differs {crossings}/{n} ({100*crossings/n:.2f}%), confidence gap median {statistics.median(gaps):.4f} "
      f"p99 {sorted(gaps)[int(.99*len(gaps))]:.4f} max {max(gaps):.4f}, threshold {thr}")
