"""`dialog import-rasa RASA_PROJECT OUT_DIR`: convert a Rasa 3.x project.

Reads the project's domain (domain.yml or a domain/ directory), every YAML file under data/
(NLU data, rules, stories, CALM flows, told apart by their top-level keys), its test stories
(tests/), config.yml and endpoints.yml; writes OUT_DIR/domain.yml, OUT_DIR/flows.yml, the
test stories as conversation tests (OUT_DIR/tests/rasa_test_stories.yml, for `dialog test`),
and OUT_DIR/IMPORT_REPORT.txt listing what was not converted (file:line: what: why). Then the
output is validated as `dialog validate` would. The same project always gives the same
files, so running it again changes nothing.

Exit status: 0 converted and valid (the report may list parts left out); 2 the project
cannot be read, or the output does not validate (its problems are printed).
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from framework.rasa_import import calm, domain as domain_part, stories, test_stories
from framework.rasa_import.located import LineDict, Report, load

REPORT_FILE = "IMPORT_REPORT.txt"


@dataclass
class Converted:
    domain: dict[str, Any]
    flows: dict[str, Any]
    report: Report
    tests: dict[str, Any] = field(default_factory=dict)  # conversation tests from Rasa's test stories
    rasa_nlu: dict[str, Any] | None = None  # regexes, lookups, synonyms: data/rasa_nlu.yml, named by rasa_nlu:


class ProjectError(ValueError):
    """The project cannot be read (no domain, YAML that does not parse)."""


def _read(path: Path, root: Path) -> Any:
    try:
        return load(path, str(path.relative_to(root)))
    except yaml.YAMLError as err:
        raise ProjectError(f"not valid YAML: {err}") from None


def _yaml_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if p.suffix in (".yml", ".yaml") and p.is_file())


def _merged_domain(root: Path) -> LineDict:
    files = [root / "domain.yml"] if (root / "domain.yml").exists() else _yaml_files(root / "domain")
    if not files or not all(f.exists() for f in files):
        raise ProjectError(f"{root}: no domain.yml or domain/ directory: is this a Rasa project?")
    merged = LineDict()
    merged.file, merged.line, merged.key_lines = str(files[0].relative_to(root)), 1, {}
    for path in files:
        data = _read(path, root) or LineDict()
        for key, value in data.items():
            if isinstance(value, dict) and isinstance(merged.get(key), dict):
                merged[key].update(value)
                merged[key].key_lines.update(value.key_lines)
            elif isinstance(value, list) and isinstance(merged.get(key), list):
                merged[key].extend(value)
            else:
                merged[key] = value
                merged.key_lines[key] = data.key_line(key)
    return merged


def convert_project(root: str | Path) -> Converted:
    from framework.nlu.data import DataFormatError
    from framework.nlu.rasa_import import load_rasa_nlu

    root = Path(root)
    report = Report()
    domain = _merged_domain(root)
    config = _read(root / "config.yml", root) if (root / "config.yml").exists() else None
    endpoints = _read(root / "endpoints.yml", root) if (root / "endpoints.yml").exists() else None
    examples, nlu_files, items, calm_flows, extras = [], [], [], LineDict(), []
    calm_flows.key_lines = {}
    for path in _yaml_files(root / "data") + ([root / "flows.yml"] if (root / "flows.yml").exists() else []):
        data = _read(path, root)
        if not isinstance(data, dict):
            continue
        if "nlu" in data:
            try:
                nlu = load_rasa_nlu(path)  # the entities engineer's importer: synonyms, roles, lookups
            except DataFormatError as err:
                raise ProjectError(str(err)) from None
            examples += nlu.examples
            nlu_files.append(str(path.relative_to(root)))
            for warning in nlu.warnings:
                report.skip(None, "NLU data", warning.message, line=warning.line, file=str(path.relative_to(root)))
            extras.append((nlu, path.relative_to(root)))
        if isinstance(data.get("responses"), dict) and "nlu" not in data:  # data/responses.yml (retrieval)
            domain.setdefault("responses", LineDict()).update(data["responses"])
            if hasattr(domain["responses"], "key_lines"):
                domain["responses"].key_lines.update(data["responses"].key_lines)
        for key in ("rules", "stories"):
            items += [i for i in data.get(key) or () if isinstance(i, dict)]
        if isinstance(data.get("flows"), dict):
            calm_flows.update(data["flows"])
            calm_flows.key_lines.update(data["flows"].key_lines)
    slots = domain_part.convert_slots(domain, report)
    responses = domain_part.convert_responses(domain, slots, report)
    intents = domain_part.convert_intents(domain, examples, report, nlu_files)
    action_url = _action_url(endpoints)
    actions = domain_part.convert_actions(domain, action_url, slots, report)
    forms = {k: v for k, v in (domain.get("forms") or {}).items()}
    built = stories.convert(items, forms, domain, set(actions), responses, set(intents), report)
    responses.update({k: v for k, v in built.extra_responses.items() if k not in responses})
    flows = built.flows
    for name, flow in calm.convert(calm_flows, responses, set(actions), report).items():
        flows[name if name not in flows else f"{name}_flow"] = flow
    _drop_unknown_triggers(flows, intents, report, domain)
    _drop_unstartable(flows, report)
    language, settings = domain_part.settings_from(config, domain, report)
    behaviours: dict[str, Any] = {}
    fallback = built.fallback or ("utter_default" if "utter_default" in responses else None)
    if fallback:
        behaviours["fallback"] = {"response": fallback}
    for name in ("affirm", "deny"):
        if name in intents:
            behaviours[name] = {"intent": name}
    out: dict[str, Any] = {"version": "1", "language": language, "flows": ["flows.yml"]}
    rasa_nlu = _nlu_extras(extras, slots, report)
    if rasa_nlu:
        out["rasa_nlu"] = RASA_NLU_FILE
    if settings:
        out["settings"] = settings
    out |= {"intents": intents, "slots": slots, "responses": responses}
    if actions:
        out["actions"] = actions
    if behaviours:
        out["global"] = behaviours
    tests = test_stories.convert(_test_story_items(root), responses, intents, report)
    return Converted(out, flows, report, tests, rasa_nlu)


def _test_story_items(root: Path) -> list:
    """The stories of the project's tests/ folder (Rasa's test stories, with `user:` steps)."""
    items = []
    for path in _yaml_files(root / "tests") if (root / "tests").is_dir() else []:
        data = _read(path, root)
        if isinstance(data, dict):
            items += [i for i in data.get("stories") or () if isinstance(i, dict)]
    return items


def _action_url(endpoints: Any) -> str:
    endpoint = endpoints.get("action_endpoint") if isinstance(endpoints, dict) else None
    url = endpoint.get("url") if isinstance(endpoint, dict) else None
    return f"${{RASA_ACTION_ENDPOINT:-{url or domain_part.DEFAULT_ACTION_URL}}}"


RASA_NLU_FILE = "data/rasa_nlu.yml"


def _nlu_extras(extras: list, slots: dict, report: Report) -> dict[str, Any] | None:
    """The NLU files' regexes, lookup tables and synonyms as one Rasa NLU file that the domain
    names with `rasa_nlu:` (framework/spec/rasa_nlu.py runs them on every message). A regex or
    lookup table whose entity fills no slot is left out and reported: it could fill nothing."""
    fillable = {str((v or {}).get("entity") or k) for k, v in slots.items() if isinstance(v, dict)} | set(slots)
    regexes: dict[str, list[str]] = {}
    lookups: dict[str, list[str]] = {}
    synonyms: dict[str, list[str]] = {}
    for nlu, path in extras:
        for kind, found, kept in (("regex", nlu.regexes, regexes), ("lookup table", nlu.lookups, lookups)):
            for entity, values in found.items():
                if entity in fillable:
                    kept.setdefault(entity, []).extend(v for v in values if v not in kept.get(entity, []))
                else:
                    report.skip(None, f"{kind} '{entity}'", "no slot takes this entity (add a slot with "
                                f"'entity: {entity}' and import again)", line=1, file=str(path))
        for variant, value in nlu.synonyms.items():
            if variant != value.lower():
                synonyms.setdefault(value, []).append(variant)
    items = ([{"regex": e, "examples": _examples(v)} for e, v in regexes.items()]
             + [{"lookup": e, "examples": _examples(v)} for e, v in lookups.items()]
             + [{"synonym": k, "examples": _examples(v)} for k, v in synonyms.items()])
    return {"version": "3.1", "nlu": items} if items else None


def _nlu_yaml(data: dict[str, Any]) -> str:
    """Rasa's own layout: `examples: |` blocks (yaml.safe_dump would quote them)."""
    lines = [f'version: "{data["version"]}"', "nlu:"]
    for item in data["nlu"]:
        kind = next(k for k in item if k != "examples")
        lines += [f"- {kind}: {json.dumps(item[kind], ensure_ascii=False)}", "  examples: |"]
        lines += [f"    {line}" for line in item["examples"].splitlines()]
    return "\n".join(lines) + "\n"


def _examples(values: list[str]) -> str:
    return "".join(f"- {v}\n" for v in values)


def _drop_unknown_triggers(flows: dict, intents: dict, report: Report, domain: LineDict) -> None:
    for name, flow in flows.items():
        kept = [t for t in flow.get("trigger", []) if t in intents]
        for lost in sorted(set(flow.get("trigger", [])) - set(kept)):
            report.skip(domain.get("intents"), f"flow '{name}': trigger '{lost}'", "the intent has no examples")
        if kept:
            flow["trigger"] = kept
        else:
            flow.pop("trigger", None)


def _drop_unstartable(flows: dict, report: Report) -> None:
    """A flow with no trigger that no other flow links to could never start: left out
    (until a fixpoint: its own links no longer count)."""
    while True:
        linked = {s.get("link") for f in flows.values() for s in f["states"].values()}
        dead = [n for n, f in flows.items() if not f.get("trigger") and n not in linked]
        for name in dead:
            file, line = flows.pop(name).get("x-source", ("?", 0))
            report.skip(None, f"flow '{name}'", "no trigger intent (a CALM flow without nlu_trigger is started by "
                                                "an LLM) and no link to it: left out; give it an nlu_trigger",
                        line=line, file=file)
        if not dead:
            break
    for name, flow in flows.items():
        source = flow.pop("x-source", None)
        if source:
            report.skip(None, f"flow '{name}'", "no nlu_trigger: it starts only through a link here",
                        line=source[1], file=source[0])


def _dump(data: Any) -> str:
    return yaml.safe_dump(_plain(data), sort_keys=False, allow_unicode=True, width=100)


def _plain(data: Any) -> Any:
    """LineDict/LineList -> dict/list (safe_dump refuses subclasses)."""
    if isinstance(data, dict):
        return {k: _plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_plain(v) for v in data]
    return data


def write(converted: Converted, out_dir: Path, project: Path) -> list[str]:
    out_dir.mkdir(parents=True, exist_ok=True)
    header = f"# Converted from the Rasa project {project.name} by `dialog import-rasa`; see {REPORT_FILE}.\n"
    (out_dir / "domain.yml").write_text(header + _dump(converted.domain), encoding="utf-8")
    (out_dir / "flows.yml").write_text(header + _dump({"flows": converted.flows}), encoding="utf-8")
    extras = out_dir / RASA_NLU_FILE
    if converted.rasa_nlu:
        extras.parent.mkdir(exist_ok=True)
        extras.write_text(header + _nlu_yaml(converted.rasa_nlu), encoding="utf-8")
    elif extras.exists():  # an earlier import of a project that had them
        extras.unlink()
    if converted.tests:
        (out_dir / "tests").mkdir(exist_ok=True)
        (out_dir / "tests" / test_stories.OUTPUT).write_text(header + _dump(converted.tests), encoding="utf-8")
    lines = [str(u) for u in converted.report.sorted()]
    (out_dir / REPORT_FILE).write_text("Not converted (file:line: what: why)\n" + "".join(f"{l}\n" for l in lines)
                                       if lines else "Everything was converted.\n", encoding="utf-8")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dialog import-rasa", description=__doc__.split("\n\n")[0])
    parser.add_argument("project", help="the Rasa 3.x project directory (domain.yml, data/, config.yml)")
    parser.add_argument("out_dir", help="where to write the domain (domain.yml, flows.yml, IMPORT_REPORT.txt)")
    args = parser.parse_args(argv)
    from framework.spec import check_domain_dir

    project, out_dir = Path(args.project), Path(args.out_dir)
    try:
        converted = convert_project(project)
    except (ProjectError, OSError) as err:
        print(f"import-rasa: {err}", file=sys.stderr)
        return 2
    lines = write(converted, out_dir, project)
    print(f"wrote {out_dir / 'domain.yml'} ({len(converted.domain['intents'])} intents, "
          f"{len(converted.domain['slots'])} slots, {len(converted.domain['responses'])} responses) and "
          f"{out_dir / 'flows.yml'} ({len(converted.flows)} flows)")
    if lines:
        print(f"not converted ({len(lines)}, also in {out_dir / REPORT_FILE}):")
        print("\n".join(f"  {line}" for line in lines))
    _, errors = check_domain_dir(out_dir)
    if not errors and converted.tests:  # the conversation tests must read too
        from framework.convtest.cases import read_tests
        from framework.spec import load_assistant

        errors = read_tests(out_dir, load_assistant(out_dir))[1]
    if errors:
        print(f"the output does not validate ({len(errors)} problems):", file=sys.stderr)
        print("\n".join(e.format() for e in errors), file=sys.stderr)
        return 2
    print("the output validates")
    return 0


if __name__ == "__main__":
    sys.exit(main())
