"""Load the rule tables in `rules/`, validate them, and build regexes from vocabulary."""

import hashlib
import json
from functools import lru_cache
from pathlib import Path

import regex
import yaml

RULES_DIR = Path(__file__).parent / "rules"


class RuleError(ValueError):
    """A rule file is malformed; the message names the file and the entry."""


def alt(words, *, name: str = "vocabulary") -> str:
    """A non-capturing alternation, longest first. Refuses an empty group or an empty
    word: an empty alternative would match everywhere."""
    words = [w for w in words]
    if not words or any(not str(w).strip() for w in words):
        raise RuleError(f"{name}: empty vocabulary or empty entry")
    return "(?:" + "|".join(regex.escape(str(w)) for w in sorted(set(words), key=len, reverse=True)) + ")"


@lru_cache(maxsize=None)
def load_yaml(name: str) -> dict:
    path = RULES_DIR / name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise RuleError(f"{path}: {error}") from error
    if not isinstance(data, dict):
        raise RuleError(f"{path}: expected a mapping at the top level")
    return data


_PATTERN_KEYS = {"label", "pattern", "id"}


@lru_cache(maxsize=None)
def load_patterns(name: str) -> tuple[dict, ...]:
    """SpanRuler-shaped patterns `{"label", "pattern", "id"}`, one JSON object a line; a
    pattern is a phrase or a spaCy token pattern (checked by the ruler's validation)."""
    path = RULES_DIR / name
    patterns, seen = [], set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("//"):
            continue
        try:
            entry = json.loads(line)
        except json.JSONDecodeError as error:
            raise RuleError(f"{path}:{number}: {error}") from error
        if set(entry) != _PATTERN_KEYS:
            raise RuleError(f"{path}:{number}: keys must be {sorted(_PATTERN_KEYS)}, got {sorted(entry)}")
        pattern = entry["pattern"]
        if not (isinstance(pattern, str) and pattern.strip()
                or isinstance(pattern, list) and pattern and all(isinstance(t, dict) and t for t in pattern)):
            raise RuleError(f"{path}:{number}: pattern must be a non-empty phrase or a list of token specs")
        if entry["id"] in seen:
            raise RuleError(f"{path}:{number}: duplicate id {entry['id']!r}")
        seen.add(entry["id"])
        patterns.append(entry)
    return tuple(patterns)


@lru_cache(maxsize=1)
def rules_digest() -> str:
    """A hash of every rule file: part of the extractor version stored on each row."""
    digest = hashlib.sha256()
    for path in sorted(RULES_DIR.iterdir()):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:8]
