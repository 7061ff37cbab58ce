"""`dialog test DOMAIN`: run the domain's conversation tests (DOMAIN/tests/*.yml) against its
trained model, through the same Agent as `dialog shell`.

Exit 0 when every test passes, 1 when one fails, 2 for bad input (the domain or a test file
does not validate, no tests, no model): a test file's mistakes are reported like a domain's.
"""
from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dialog test", description="Run a domain's conversation tests (DOMAIN/tests/*.yml) against its "
                                        "trained model, loaded as `serve` runs it (ONNX Runtime or torch, in the "
                                        "precision its checks chose). Exit 1 if one fails.")
    parser.add_argument("domain", help="domain directory, e.g. domains/telecom_zh")
    parser.add_argument("files", nargs="*", help="test files to run (default: every *.yml in DOMAIN/tests/)")
    parser.add_argument("--model", help="trained model directory (default: models/<domain name>/)")
    parser.add_argument("--junit", metavar="FILE", help="also write the results as JUnit XML (for CI systems)")
    parser.add_argument("--no-demo-backend", action="store_true",
                        help="do not start the domain's backend.py: webhooks without answers in the test "
                             "go to their configured URLs")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from framework.convtest.cases import read_tests, test_files
    from framework.spec import SpecErrors, load_assistant

    try:
        assistant = load_assistant(args.domain)
    except SpecErrors as err:
        print(str(err), file=sys.stderr)
        return 2
    files = [Path(f) for f in args.files] if args.files else test_files(args.domain)
    missing = [f for f in files if not f.is_file()]
    if missing:
        print(f"dialog test: no such test file: {missing[0]}", file=sys.stderr)
        return 2
    tests, problems = read_tests(args.domain, assistant, files)
    if problems:
        print(str(SpecErrors(problems)), file=sys.stderr)
        return 2
    if not tests:
        print(f"dialog test: no conversation tests in {Path(args.domain) / 'tests'}/*.yml", file=sys.stderr)
        return 2

    parse = _load_parser(args, assistant)
    if parse is None:
        return 2
    from framework.convtest.report import format_report, junit_xml
    from framework.convtest.runner import RunOptions, run_tests

    outcomes = asyncio.run(run_tests(assistant, parse, tests, args.domain,
                                     RunOptions(demo_backend=not args.no_demo_backend)))
    print(format_report(outcomes))
    if args.junit:
        junit = Path(args.junit)
        junit.parent.mkdir(parents=True, exist_ok=True)  # CI paths like reports/dialog.xml
        junit.write_text(junit_xml(outcomes, assistant.name), encoding="utf-8")
    return 0 if all(o.passed for o in outcomes) else 1


def _load_parser(args, assistant):
    """The model as `dialog shell` loads it, or None after saying why not."""
    import framework.nlu as nlu
    from framework.agent import classifier_parser

    model_dir = Path(args.model) if args.model else nlu.default_model_dir(args.domain)
    missing = f"No trained model at {model_dir}. Train one first: python train.py {args.domain}"
    if not model_dir.is_dir():
        print(missing, file=sys.stderr)
        return None
    try:
        classifier = nlu.load_classifier(model_dir, assistant, quantize="auto", runtime="auto")
    except FileNotFoundError:
        print(missing, file=sys.stderr)
        return None
    except RuntimeError as err:  # ModelMismatchError: trained for other intents
        if type(err).__name__ != "ModelMismatchError":
            raise
        print(str(err), file=sys.stderr)
        return None
    return classifier_parser(classifier, assistant)


if __name__ == "__main__":
    sys.exit(main())
