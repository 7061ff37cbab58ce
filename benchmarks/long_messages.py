#!/usr/bin/env python3
"""What a long message costs the classifier, and what it reads: prints a Markdown table.

    python benchmarks/long_messages.py --model models/banking_en --model models/telecom_zh

A message longer than the model's `max_length` tokens is read in windows
(framework/nlu/long_texts.py): at most 4, the surest one gives the intent. For each model,
messages of growing length (a story told in sentences, the request at the end; the request
alone as the short case) are parsed one at a time, served as `serve.py` serves them (int8,
the classifier's default threads), and the median milliseconds of `--repeats` parses are
printed beside the windows read and the intent found.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

STORIES = {  # (a sentence of story, the request at the end)
    "en": ("I've been with this bank for ten years and the app logged me out three times this week. ",
           "Anyway, I need to send 42 dollars to my brother Sam tomorrow, can you do that?"),
    "zh": ("我上个月出差去了好几个地方，在外地用了不少流量，回来以后发现账单特别高。",
           "麻烦帮我查一下这个月的话费余额。"),
}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", action="append", required=True, help="a trained model folder (repeatable)")
    parser.add_argument("--chars", default="0,300,1000,5000",
                        help="story lengths in characters before the request (default: 0,300,1000,5000)")
    parser.add_argument("--repeats", type=int, default=7, help="parses timed per message (default: 7)")
    args = parser.parse_args(argv)

    from framework.nlu import load_classifier
    from framework.nlu.long_texts import plan

    print("| model | story chars | message chars | windows | intent (confidence) | ms, median | x the request alone |")
    print("|---|---:|---:|---:|---|---:|---:|")
    for model_dir in args.model:
        model = load_classifier(model_dir, quantize="int8")
        language = "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in " ".join(model.labels)) else "en"
        sentence, request = STORIES[language]
        alone = None
        for chars in (int(c) for c in args.chars.split(",")):
            story = (sentence * (chars // len(sentence) + 1))[:chars]
            text = story + request
            count = len(plan(model.tokenizer, text, model.max_length)[0])  # as parse reads it
            model.parse([text])  # warm
            times = []
            for _ in range(args.repeats):
                start = time.perf_counter()
                (parsed,) = model.parse([text])
                times.append((time.perf_counter() - start) * 1000)
            ms = statistics.median(times)
            alone = alone or ms
            top = parsed.ranking[0]
            print(f"| {Path(model_dir).name} | {chars} | {len(text)} | {count} | {top.name} ({top.confidence:.2f}) "
                  f"| {ms:.1f} | {ms / alone:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
