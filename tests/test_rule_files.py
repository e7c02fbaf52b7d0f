"""Rule files as validated data: every file matches its schema, a malformed one fails with
its file and line, vocabulary never yields an empty alternative, and every cue pattern is
exercised by a snippet."""

from pathlib import Path

import pytest
import yaml

from extractors import AnalyzedDocument, extract_deadlines, rules
from extractors.cues import cue_matches
from extractors.phrases import Tokens
from extractors.rules import RuleError, alt, load_patterns, load_yaml
from pipeline.text.nlp import Segmenter

SNIPPETS = Path(__file__).parent / "snippets"


def test_every_rule_file_is_valid():
    assert rules.validate_all() == []
    assert {path.suffix for path in rules.rule_files()} == {".yaml", ".jsonl", ".tsv"}


@pytest.fixture
def rules_dir(tmp_path, monkeypatch):
    """An empty rules folder in place of the real one, with the loaders' caches bypassed."""
    monkeypatch.setattr(rules, "RULES_DIR", tmp_path)
    return tmp_path


def _load(kind, name):
    return getattr(rules, kind).__wrapped__(name)


def test_a_bad_jsonl_line_names_its_file_and_line(rules_dir):
    (rules_dir / "cues.jsonl").write_text(
        '{"label": "CMP_GE", "pattern": "ít nhất", "id": "cmp.it_nhat"}\n'
        "// a comment\n"
        '{"label": "CMP_XX", "pattern": "tối thiểu", "id": "cmp.toi_thieu"}\n'
        '{"label": "CMP_GE", "pattern": "", "id": "cmp.empty"}\n'
        '{"label": "CMP_GE", "pattern": "không dưới", "id": "cmp.it_nhat"}\n',
        encoding="utf-8",
    )
    with pytest.raises(RuleError) as error:
        _load("load_patterns", "cues.jsonl")
    lines = str(error.value).splitlines()
    assert [line.split(": ", 1)[0] for line in lines] == [
        "extractors/rules/cues.jsonl:2",
        "extractors/rules/cues.jsonl:3",
        "extractors/rules/cues.jsonl:4",
        "extractors/rules/cues.jsonl:5",
    ]
    assert "comments belong in extractors/rules/README.md" in lines[0]
    assert "label 'CMP_XX' is not one of" in lines[1]
    assert "empty phrase" in lines[2]
    assert "duplicate id 'cmp.it_nhat' (first on line 1)" in lines[3]


def test_a_bad_token_pattern_is_refused_with_spacy_s_message(rules_dir):
    (rules_dir / "bodies_generic.jsonl").write_text(
        '{"label": "BODY", "pattern": [{"NORM": "sở"}, {"NROM": "x"}], "id": "body.generic.so"}\n', encoding="utf-8"
    )
    with pytest.raises(RuleError, match=r"^extractors/rules/bodies_generic\.jsonl:1: .*NROM"):
        _load("load_patterns", "bodies_generic.jsonl")


def test_a_bad_yaml_entry_names_its_file_line_and_key(rules_dir):
    real = yaml.safe_load((Path(rules.__file__).parent / "rules" / "tables.yaml").read_text(encoding="utf-8"))
    assert set(real) == {"target_headers", "max_unit_chars", "unit_headers"}
    (rules_dir / "tables.yaml").write_text(
        '# a comment\ntarget_headers: ["kế hoạch", ""]\nmax_unit_chars: 0\nmax_unit_char: 3\nunit_headers: ["ĐVT"]\n',
        encoding="utf-8",
    )
    with pytest.raises(RuleError) as error:
        _load("load_yaml", "tables.yaml")
    assert str(error.value).splitlines() == [
        "extractors/rules/tables.yaml:4: max_unit_char: unknown key (known: max_unit_chars, target_headers, unit_headers)",
        "extractors/rules/tables.yaml:2: target_headers[1]: expected a non-empty string, got ''",
        "extractors/rules/tables.yaml:3: max_unit_chars: expected an integer >= 1, got 0",
    ]


def test_a_bad_regex_and_a_repeated_word_are_refused(rules_dir):
    (rules_dir / "negatives.yaml").write_text('before:\n  ordinal: "(?:thứ $"\nafter:\n  x: "^/"\n', encoding="utf-8")
    with pytest.raises(RuleError, match=r"^extractors/rules/negatives\.yaml:2: before\.ordinal: not a valid regular"):
        _load("load_yaml", "negatives.yaml")
    (rules_dir / "parties.yaml").write_text(
        'assignee_before: ["giao", "giao"]\nassignee_after: [":"]\n'
        'not_before: ["của"]\ncoordinator_before: ["phối hợp"]\n',
        encoding="utf-8",
    )
    with pytest.raises(
        RuleError, match=r"^extractors/rules/parties\.yaml:1: assignee_before\[1\]: 'giao' listed twice$"
    ):
        _load("load_yaml", "parties.yaml")


def test_a_tsv_table_checks_its_header_and_cells(rules_dir):
    (rules_dir / "tet.tsv").write_text("# comment\nyear\ttet\n2021\t2021-02-12\n2022\t\n", encoding="utf-8")
    with pytest.raises(RuleError, match=r"^extractors/rules/tet\.tsv:4: expected 2 non-empty cells"):
        _load("load_table", "tet.tsv")
    (rules_dir / "tet.tsv").write_text("year,tet\n2021,2021-02-12\n", encoding="utf-8")
    with pytest.raises(RuleError, match=r"^extractors/rules/tet\.tsv:1: the header must be"):
        _load("load_table", "tet.tsv")


def test_a_file_without_a_schema_is_refused(rules_dir):
    (rules_dir / "new.yaml").write_text("words: [a]\n", encoding="utf-8")
    with pytest.raises(RuleError, match=r"^extractors/rules/new\.yaml: no schema for this file"):
        _load("load_yaml", "new.yaml")


def test_alt_refuses_an_empty_group_or_entry():
    assert alt(["a", "a b", "c.d"]) == r"(?:a\ b|c\.d|a)"
    for words in ([], ["a", ""], ["  "]):
        with pytest.raises(RuleError, match="empty vocabulary or empty entry"):
            alt(words, name="test")


def test_every_deadline_cue_decides_a_snippet_deadline() -> None:
    """Each cue of deadlines.yaml shows in the rule_id of a deadline read from a snippet."""
    segmenter = Segmenter()
    fired: set[str] = set()
    for path in sorted(SNIPPETS.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            analyzed = AnalyzedDocument(case["text"], segmenter, case.get("date", "2021-03-01"))
            fired |= {cue for row in extract_deadlines(analyzed) for cue in row.rule_id.split("+")[1:]}
    cues = [entry["id"] for entry in load_yaml("deadlines.yaml")["cues"]]
    assert len(cues) > 30
    assert [cue for cue in cues if cue not in fired] == []


def _snippet_texts() -> list[str]:
    texts = []
    for path in sorted(SNIPPETS.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            texts += [case[key] for key in ("text", "title") if case.get(key)]
    return texts


def test_every_cue_pattern_fires_on_a_snippet() -> None:
    """A cue no snippet reaches is untested: write the snippet it is for, or remove it."""
    fired: set[str] = set()
    for text in _snippet_texts():
        fired |= {match.id for match in cue_matches(Tokens(text))}
    patterns = [entry["id"] for entry in load_patterns("cues.jsonl")]
    assert len(patterns) > 50
    assert [pattern for pattern in patterns if pattern not in fired] == []
