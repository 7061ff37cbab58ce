"""What a person reads about a test run, and the JUnit XML a CI system reads.

A failure names the test and its file:line, the step (its user message and line), each
expectation that did not hold at its own file:line:column with what was expected and what
was found (replies as a diff: `-` expected but not said, `+` said but not expected), then
the conversation up to that step, with intent, confidence and flow state per turn.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Sequence

from framework.convtest.runner import TestOutcome, reply_text


def _where(mark) -> str:
    return f"{mark.file}:{mark.line}:{mark.column}"


def format_failure(outcome: TestOutcome) -> str:
    test = outcome.test
    lines = [f"FAILED {test.name} ({test.mark.file}:{test.mark.line})"]
    if outcome.failed_step is not None and outcome.failed_step < len(test.steps):
        step = test.steps[outcome.failed_step]
        lines.append(f"  step {outcome.failed_step + 1} at {step.mark.file}:{step.mark.line}: user: {step.user}")
    for m in outcome.mismatches:
        e = m.expectation
        label = f"slots.{e.name}" if e.what == "slot" else e.what
        if m.lines:
            lines.append(f"  {_where(e.mark)}: {label}: the replies differ")
            lines += [f"    {line}" for line in m.lines]
        else:
            lines.append(f"  {_where(e.mark)}: {label}: expected {m.expected}; found {m.found}")
    if outcome.error:
        lines.append("  error while running the step:")
        lines += [f"    {line}" for line in outcome.error.rstrip().splitlines()]
    if outcome.transcript:
        lines.append("  the conversation up to there:")
        lines += [f"    {line}" for line in format_transcript(outcome)]
    return "\n".join(lines)


def format_transcript(outcome: TestOutcome) -> list[str]:
    lines = []
    for step, turn in zip(outcome.test.steps, outcome.transcript):
        top = turn.nlu.intent
        intent = f"{top.name} {top.confidence:.2f}" if top else "no intent"
        frame = turn.state.frame
        where = f"{frame.flow}.{frame.state}" if frame else "no flow"
        lines.append(f"user: {step.user}   [{intent}; {where}]")
        lines += [f"bot:  {reply_text(r)}" for r in turn.replies]
    return lines


def format_summary(outcomes: Sequence[TestOutcome]) -> str:
    failed = sum(not o.passed for o in outcomes)
    total = len(outcomes)
    text = f"{total} conversation test{'s' if total != 1 else ''}: {total - failed} passed"
    return text + (f", {failed} failed." if failed else ".")


def format_report(outcomes: Sequence[TestOutcome]) -> str:
    """Every failure, then one line per test and the summary."""
    blocks = [format_failure(o) for o in outcomes if not o.passed]
    results = [f"{'ok    ' if o.passed else 'FAILED'} {o.test.name} ({o.test.mark.file}:{o.test.mark.line})"
               for o in outcomes]
    return "\n\n".join(blocks + ["\n".join(results + [format_summary(outcomes)])])


def junit_xml(outcomes: Sequence[TestOutcome], suite: str) -> str:
    """One <testsuite> per test file, one <testcase> per test (classname: the file)."""
    root = ET.Element("testsuites", name=suite, tests=str(len(outcomes)),
                      failures=str(sum(bool(o.mismatches) for o in outcomes)),
                      errors=str(sum(bool(o.error) for o in outcomes)))
    files: dict[str, list[TestOutcome]] = {}
    for o in outcomes:
        files.setdefault(o.test.file, []).append(o)
    for file, group in files.items():
        suite_el = ET.SubElement(root, "testsuite", name=file, tests=str(len(group)),
                                 failures=str(sum(bool(o.mismatches) for o in group)),
                                 errors=str(sum(bool(o.error) for o in group)),
                                 time=f"{sum(o.seconds for o in group):.3f}")
        for o in group:
            case = ET.SubElement(suite_el, "testcase", classname=file, name=o.test.name, file=file,
                                 line=str(o.test.mark.line), time=f"{o.seconds:.3f}")
            if not o.passed:
                tag = "error" if o.error else "failure"
                first = format_failure(o).splitlines()
                message = first[2].strip() if len(first) > 2 else first[0]
                ET.SubElement(case, tag, message=message).text = format_failure(o)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
