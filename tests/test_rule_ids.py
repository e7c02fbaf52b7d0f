"""A row's rule_id: the reader's id, then the ids of the rule-file patterns that decided it,
joined by '+'; and the schemas that keep those ids well formed."""

import pytest

from extractors import AnalyzedDocument, deadline_cues, extract, rules
from extractors.rules import RuleError
from extractors.schema import base_rule_id, join_rule_id
from pipeline.text.nlp import Segmenter


@pytest.fixture(scope="module")
def segmenter():
    return Segmenter()


def test_join_keeps_the_reader_first_and_skips_what_decided_nothing():
    assert join_rule_id("ind.percent", "cmp.it_nhat", "kind.phan_dau") == "ind.percent+cmp.it_nhat+kind.phan_dau"
    assert join_rule_id("ind.money", None, "kind.da") == "ind.money+kind.da"
    assert join_rule_id("deadline.day", None) == "deadline.day"
    assert join_rule_id("ind.percent", "kind.da", "kind.da") == "ind.percent+kind.da"
    assert base_rule_id("ind.percent+cmp.it_nhat+kind.phan_dau") == "ind.percent"
    assert base_rule_id("task.number_dot") == "task.number_dot"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a comparator before the number, and the cue of the kind
        (
            "Phấn đấu đến năm 2027 tỷ lệ hộ dùng điện lưới đạt ít nhất 99%.",
            [(99, ">=", "target", "ind.percent+cmp.it_nhat+kind.phan_dau")],
        ),
        (
            "Năm 2024, huyện đã hỗ trợ không dưới 300 hộ làm nhà ở.",
            [(300, ">=", "result", "ind.unit_lexicon+cmp.khong_duoi+kind.da")],
        ),
        # a comparator after it: the bound alone makes a target, so no kind cue is named
        ("Mỗi xã thu hút 20 doanh nghiệp trở lên.", [(20, ">=", "target", "ind.unit_lexicon+cmp.tro_len")]),
        ("Tỷ lệ nợ quá hạn ở mức 2% trở xuống.", [(2, "<=", "target", "ind.percent+cmp.tro_xuong")]),
        # an instruction, a breakdown, a cue of plans and reports alike at the default step
        ("Đẩy mạnh tiêm chủng cho 98% trẻ em.", [(98, "=", "target", "ind.percent+directive.day_manh")]),
        (
            "Huyện có 40 trường học, trong đó 12 trường đạt chuẩn quốc gia.",
            [(40, "=", "result", "ind.unit_lexicon"), (12, "=", "result", "ind.unit_lexicon+part.trong_do")],
        ),
        ("Toàn tỉnh có thêm 6 chợ nông thôn.", [(6, "=", "target", "ind.unit_lexicon+kind.toan_tinh_co_them")]),
        # a symbol and an approximation are no cues; "dưới" sets the comparator, no cue the kind
        ("Tỷ lệ hồ sơ giải quyết đúng hạn ≥98%.", [(98, ">=", "target", "ind.percent")]),
        ("Chi phí khoảng 40 tỷ đồng.", [(40, "=", "result", "ind.money")]),
        ("Tỷ lệ thất nghiệp dưới 3%.", [(3, "<", "result", "ind.percent+cmp.duoi")]),
    ],
)
def test_indicator_rule_ids_name_the_cues_that_decided(segmenter, text, expected):
    rows = extract(AnalyzedDocument(text, segmenter, "2025-03-01")).indicators
    assert [(row.value, row.comparator, row.kind, row.rule_id) for row in rows] == expected


def test_a_reader_with_cues_keeps_its_flag(segmenter):
    """Code that acts on the reader (the thousands-comma flag) reads the first part."""
    extraction = extract(AnalyzedDocument("Năm 2023, tỉnh đã tuyển mới 12,450 lao động.", segmenter, "2025-03-01"))
    assert [(row.value, row.rule_id) for row in extraction.indicators] == [(12450, "ind.thousands_comma+kind.da")]
    assert [flag.code for flag in extraction.flags] == ["thousands_comma"]


def test_deadline_and_task_rule_ids(segmenter):
    text = "1. Các phòng gửi báo cáo trước ngày 20/10/2025.\n2. Các xã triển khai trong quý III/2025.\n"
    extraction = extract(AnalyzedDocument(text, segmenter, "2025-03-01"))
    assert [(row.text, row.rule_id) for row in extraction.deadlines] == [
        ("trước ngày 20/10/2025", "deadline.day+end.truoc_ngay"),
        ("trong quý III/2025", "deadline.quarter+within.trong"),
    ]
    assert [(row.label, row.rule_id) for row in extraction.tasks] == [
        ("1.", "task.number_dot"),
        ("2.", "task.number_dot"),
    ]


@pytest.fixture
def rules_dir(tmp_path, monkeypatch):
    """An empty rules folder in place of the real one, with the loaders' caches bypassed."""
    monkeypatch.setattr(rules, "RULES_DIR", tmp_path)
    return tmp_path


def test_an_id_that_could_not_be_joined_is_refused(rules_dir):
    (rules_dir / "cues.jsonl").write_text(
        '{"label": "CMP_GE", "pattern": "ít nhất", "id": "cmp.it_nhat+x"}\n'
        '{"label": "CMP_GE", "pattern": "tối thiểu", "id": "Cmp.ToiThieu"}\n',
        encoding="utf-8",
    )
    with pytest.raises(RuleError) as error:
        rules.load_patterns.__wrapped__("cues.jsonl")
    assert str(error.value).splitlines() == [
        "extractors/rules/cues.jsonl:1: id must be dotted lower-case words (like 'cmp.it_nhat'), got 'cmp.it_nhat+x'",
        "extractors/rules/cues.jsonl:2: id must be dotted lower-case words (like 'cmp.it_nhat'), got 'Cmp.ToiThieu'",
    ]


_DEADLINES_REST = (
    "recurrence: {tháng: monthly}\nrelative_years: {nay: 0}\nnot_after: [ước]\nreported: [đã]\n"
    "as_of_cues: [đến]\ndirective: [phải]\nplan_types: [kế hoạch]\n"
    "lunar_stems: [[giáp], [ất], [bính], [đinh], [mậu], [kỷ], [canh], [tân], [nhâm], [quý]]\n"
    "lunar_branches: [[tý], [sửu], [dần], [mão], [thìn], [tỵ], [ngọ], [mùi], [thân], [dậu], [tuất], [hợi]]\n"
    "time_column_headers: [thời hạn]\n"
)


def test_a_deadline_cue_needs_an_id_and_a_known_role(rules_dir):
    (rules_dir / "deadlines.yaml").write_text(
        "cues:\n"
        '  - {id: end.truoc, role: end_only, phrase: "trước"}\n'
        '  - {role: end_only, phrase: "chậm nhất"}\n'
        '  - {id: end.den, role: until, phrase: "đến"}\n' + _DEADLINES_REST,
        encoding="utf-8",
    )
    with pytest.raises(RuleError) as error:
        rules.load_yaml.__wrapped__("deadlines.yaml")
    assert str(error.value).splitlines() == [
        "extractors/rules/deadlines.yaml:3: cues[1]: missing key 'id'",
        "extractors/rules/deadlines.yaml:4: cues[2].role: expected one of "
        "['end_only', 'within', 'start_only', 'cue_before_la'], got 'until'",
    ]


def test_a_deadline_phrase_with_two_ids_in_one_group_is_refused(rules_dir, monkeypatch):
    """A phrase in both `end_only` and `within` would match one group of the pattern with two ids."""
    (rules_dir / "deadlines.yaml").write_text(
        "cues:\n"
        '  - {id: end.truoc, role: end_only, phrase: "trước"}\n'
        '  - {id: la.truoc, role: cue_before_la, phrase: "trước"}\n'
        '  - {id: within.truoc, role: within, phrase: "trước"}\n' + _DEADLINES_REST,
        encoding="utf-8",
    )
    monkeypatch.setattr(deadline_cues, "load_yaml", rules.load_yaml.__wrapped__)
    deadline_cues.cue_ids.cache_clear()
    try:
        with pytest.raises(RuleError, match=r"^extractors/rules/deadlines\.yaml:4: cues\[2\]: 'trước' is 'end\.truoc'"):
            deadline_cues.cue_ids()
    finally:
        deadline_cues.cue_ids.cache_clear()
