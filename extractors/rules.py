"""Load the rule tables in `rules/`, validate them against their schemas, and build regexes from vocabulary."""

import csv
import hashlib
import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import regex
import yaml

from .rule_schemas import ID, JSONL_LABELS, TSV_COLUMNS, YAML_SCHEMAS, check

RULES_DIR = Path(__file__).parent / "rules"
RULE_SUFFIXES = (".yaml", ".jsonl", ".tsv")


class RuleError(ValueError):
    """A rule file is malformed; the message names the file and line."""


def _where(name: str, line: int | None = None) -> str:
    return f"extractors/rules/{name}" + (f":{line}" if line else "")


def alt(words: Iterable[object], *, name: str = "vocabulary") -> str:
    """A non-capturing alternation of the words, escaped, longest first so that the longest wins.
    Refuses an empty group or an empty word: an empty alternative would match everywhere."""
    entries = [str(word) for word in words]
    if not entries or any(not entry.strip() for entry in entries):
        raise RuleError(f"{name}: empty vocabulary or empty entry")
    return (
        "(?:"
        + "|".join(regex.escape(entry) for entry in sorted(set(entries), key=lambda entry: (-len(entry), entry)))
        + ")"
    )


def _line_of(node: yaml.Node, path: tuple[str | int, ...]) -> int:
    """The 1-based line of the YAML node at `path` (keys and list indexes), or of the
    deepest node on the way that exists."""
    for step in path:
        if isinstance(node, yaml.MappingNode):
            found = next((value for key, value in node.value if key.value == step), None)
            if found is None:
                found = next((key for key, _ in node.value if key.value == step), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            found = node.value[step]
        else:
            found = None
        if found is None:
            break
        node = found
    return int(node.start_mark.line) + 1


@cache
def load_yaml(name: str) -> dict[str, Any]:
    """A YAML rule file, checked against its schema in `rule_schemas.YAML_SCHEMAS`."""
    text = (RULES_DIR / name).read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text)
        tree = yaml.compose(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise RuleError(f"{_where(name, mark.line + 1 if mark else None)}: {error}") from error
    if name not in YAML_SCHEMAS:
        raise RuleError(f"{_where(name)}: no schema for this file (add one to extractors/rule_schemas.py)")
    problems = check(data, YAML_SCHEMAS[name])
    if problems:
        raise RuleError(
            _report(
                name,
                [(_line_of(tree, path) if tree else None, f"{_path(path)}{message}") for path, message in problems],
            )
        )
    assert isinstance(data, dict)
    return data


def entry_error(name: str, path: tuple[str | int, ...], message: str) -> RuleError:
    """An error at an entry of a YAML rule file that its reader finds (its schema cannot
    say), naming its file and line."""
    tree = yaml.compose((RULES_DIR / name).read_text(encoding="utf-8"))
    return RuleError(f"{_where(name, _line_of(tree, path) if tree else None)}: {_path(path)}{message}")


def _path(path: tuple[str | int, ...]) -> str:
    return "".join(f"[{step}]" if isinstance(step, int) else f".{step}" for step in path).lstrip(".") + (
        ": " if path else ""
    )


def _report(name: str, problems: list[tuple[int | None, str]]) -> str:
    return "\n".join(f"{_where(name, line)}: {message}" for line, message in problems)


@cache
def load_patterns(name: str) -> tuple[dict[str, Any], ...]:
    """SpanRuler patterns `{"label", "pattern", "id"}`, one JSON object a line. A pattern is a
    phrase or a spaCy token pattern, which spaCy's own pattern schema checks here so that an
    error names its line; labels must be those the file's reader knows (`JSONL_LABELS`)."""
    labels = JSONL_LABELS.get(name)
    if labels is None:
        raise RuleError(f"{_where(name)}: no labels declared for this file (add them to extractors/rule_schemas.py)")
    patterns: list[dict[str, Any]] = []
    problems: list[tuple[int | None, str]] = []
    seen: dict[str, int] = {}
    for number, line in enumerate((RULES_DIR / name).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except json.JSONDecodeError as error:
            problems.append((number, f"not a JSON object ({error.msg}); comments belong in extractors/rules/README.md"))
            continue
        problem = _pattern_problem(entry, labels)
        if problem is None and entry["id"] in seen:
            problem = f"duplicate id {entry['id']!r} (first on line {seen[entry['id']]})"
        if problem:
            problems.append((number, problem))
            continue
        seen[entry["id"]] = number
        patterns.append(entry)
    if problems:
        raise RuleError(_report(name, problems))
    return tuple(patterns)


def _pattern_problem(entry: object, labels: frozenset[str]) -> str | None:
    if not isinstance(entry, dict) or set(entry) != {"label", "pattern", "id"}:
        keys = sorted(entry) if isinstance(entry, dict) else type(entry).__name__
        return f"keys must be ['id', 'label', 'pattern'], got {keys}"
    if not isinstance(entry["id"], str) or not ID.fullmatch(entry["id"]):
        return f"id must be dotted lower-case words (like 'cmp.it_nhat'), got {entry['id']!r}"
    if entry["label"] not in labels:
        return f"label {entry['label']!r} is not one of {sorted(labels)}"
    pattern = entry["pattern"]
    if isinstance(pattern, str):
        return None if pattern.strip() else "pattern is an empty phrase"
    if not isinstance(pattern, list) or not pattern or not all(isinstance(token, dict) and token for token in pattern):
        return "pattern must be a non-empty phrase or a non-empty list of token specs"
    from spacy.schemas import validate_token_pattern  # only token patterns need spaCy here

    errors = validate_token_pattern(pattern)
    return "; ".join(errors) if errors else None


@cache
def load_table(name: str) -> tuple[dict[str, str], ...]:
    """A tab-separated rule table with the header `TSV_COLUMNS[name]`; `#` lines are comments.
    Every row must fill every column."""
    columns = TSV_COLUMNS.get(name)
    if columns is None:
        raise RuleError(f"{_where(name)}: no columns declared for this file (add them to extractors/rule_schemas.py)")
    numbered = [
        (number, line)
        for number, line in enumerate((RULES_DIR / name).read_text(encoding="utf-8").splitlines(), start=1)
        if line.strip() and not line.startswith("#")
    ]
    if not numbered or tuple(numbered[0][1].split("\t")) != columns:
        first = numbered[0][0] if numbered else None
        raise RuleError(f"{_where(name, first)}: the header must be {chr(9).join(columns)!r} (tab-separated)")
    rows = []
    for number, text in numbered[1:]:
        cells = next(csv.reader([text], delimiter="\t"))
        if len(cells) != len(columns) or not all(cell.strip() for cell in cells):
            raise RuleError(f"{_where(name, number)}: expected {len(columns)} non-empty cells, got {cells}")
        rows.append(dict(zip(columns, cells)))
    return tuple(rows)


def rule_files() -> list[Path]:
    """The rule files: the data, not their README."""
    return sorted(path for path in RULES_DIR.iterdir() if path.suffix in RULE_SUFFIXES)


def validate_all() -> list[str]:
    """Load every rule file; the problems found, one message per file."""
    loaders = {".yaml": load_yaml, ".jsonl": load_patterns, ".tsv": load_table}
    errors = []
    for path in rule_files():
        try:
            loaders[path.suffix](path.name)
        except RuleError as error:
            errors.append(str(error))
    return errors


@cache
def rules_digest() -> str:
    """A hash of every rule file: part of the extractor version stored on each row."""
    digest = hashlib.sha256()
    for path in rule_files():
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:8]


def main() -> int:
    """Check every rule file; print the problems (or how many files are valid)."""
    found = validate_all()
    print("\n".join(found) if found else f"{len(rule_files())} rule files valid")
    return 1 if found else 0
