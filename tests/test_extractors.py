"""Extractors on short texts and on the seed articles: exact values."""

import random

from conftest import SEEDS

from extractors import deadlines, extract
from extractors.deadlines import extract_deadlines
from extractors.indicators import extract_indicators
from extractors.tasks import extract_tasks


def _indicators(analyzed):
    return [(i.value, i.value_high, i.unit, i.per, i.comparator, i.kind) for i in extract_indicators(analyzed)]


def test_seed_000_targets(analyze):
    analyzed = analyze((SEEDS / "000_21784c90663ce49a.txt").read_text(encoding="utf-8"), "2021-01-14")
    found = _indicators(analyzed)
    assert (95, None, "%", None, ">=", "target") in found
    assert (3, None, "xã", None, ">=", "target") in found
    assert (12, None, "dự án", "năm", "=", "target") in found
    assert (10, None, "mô hình", None, "=", "target") in found


def test_seed_001_results_with_scales_and_rates(analyze):
    analyzed = analyze((SEEDS / "001_d93671f2cbad73a6.txt").read_text(encoding="utf-8"), "2020-10-09")
    found = _indicators(analyzed)
    assert (179000, None, "tấn", None, ">", "result") in found
    assert (570, None, "kg", "người", ">", "result") in found
    assert (11.3, None, "tiêu chí", "xã", "=", "result") in found
    assert (945.4, None, "tỷ đồng", None, "=", "result") in found
    assert not [f for f in found if f[0] in (19.0,) and f[2] == "%"]  # Covid-19
    assert not [f for f in found if f[0] in (3.4, 2020, 2025)]  # mức độ 3,4; nhiệm kỳ 2020-2025


def test_seed_004_has_no_indicator(analyze):
    analyzed = analyze((SEEDS / "004_779c34460cddf585.txt").read_text(encoding="utf-8"), "2020-11-12")
    assert extract_indicators(analyzed) == []


def test_fraction_and_range(analyze):
    analyzed = analyze("Năm 2021 có 22/28 chỉ tiêu hoàn thành. Phấn đấu tăng trưởng đạt từ 8,5 - 9%.", "2022-01-20")
    assert _indicators(analyzed) == [
        (22, None, "chỉ tiêu", None, "=", "result"),
        (8.5, 9, "%", None, "range", "target"),
    ]


def test_a_counted_word_outside_the_lexicon_is_the_segmenters_whole_word(analyze):
    """After a verb that counts, the word after the number is the unit: the segmenter's word
    whole, with its offsets; a capitalized word (a title, a name) is no unit."""
    text = "Tỉnh đã hỗ trợ 15 ngư dân; trường đã tuyển sinh 40 lưu học sinh; xã đã tặng 5 Bằng khen."
    found = [(row.value, row.unit, row.rule_id, text[row.start : row.end]) for row in extract_indicators(analyze(text))]
    assert found == [
        (15, "ngư dân", "ind.fallback_word+kind.da", "15 ngư dân"),
        (40, "lưu học sinh", "ind.fallback_word+kind.da", "40 lưu học sinh"),
    ]


def test_invalid_deadline_is_kept_and_flagged(analyze):
    analyzed = analyze("Ban Tổ chức đánh giá kết quả trước ngày 31/11/2021 để làm cơ sở.", "2021-01-14")
    extraction = extract(analyzed)
    [deadline] = extraction.deadlines
    assert (deadline.text, deadline.start_date, deadline.end_date, deadline.valid) == (
        "trước ngày 31/11/2021",
        None,
        "2021-11-31",
        False,
    )
    assert [flag.code for flag in extraction.flags] == ["invalid_date"]


def test_deadlines_relative_to_document_year(analyze):
    analyzed = analyze("Triển khai nhiệm vụ 3 tháng cuối năm. Hoàn thành trong quý II/2021.", "2021-01-15")
    assert [(d.text, d.start_date, d.end_date, d.granularity) for d in extract_deadlines(analyzed)] == [
        ("3 tháng cuối năm", "2021-10-01", "2021-12-31", "quarter"),
        ("trong quý II/2021", "2021-04-01", "2021-06-30", "quarter"),
    ]


def test_past_periods_and_as_of_dates_are_not_deadlines(analyze):
    analyzed = analyze("Đến ngày 18/12/2021, toàn tỉnh kết nạp được 4.028 đảng viên.", "2022-01-20")
    assert extract_deadlines(analyzed) == []


def test_nested_task_list_with_announced_count(analyze):
    text = (
        "Hội nghị đề ra 2 nhiệm vụ trọng tâm:\n"
        "1. Rà soát các chỉ tiêu.\n"
        "a) Tổng hợp số liệu.\n"
        "- Gửi Sở Tài chính.\n"
        "b) Báo cáo UBND tỉnh.\n"
        "2. Xây dựng kế hoạch năm 2022.\n"
        "3. Tổ chức kiểm tra.\n"
    )
    tasks, flags = extract_tasks(analyze(text))
    assert [(t.label, t.level, t.parent.label if t.parent else None) for t in tasks] == [
        ("1.", 0, None),
        ("a)", 1, "1."),
        ("b)", 1, "1."),
        ("2.", 0, None),
        ("3.", 0, None),
    ]
    assert tasks[1].text == "Tổng hợp số liệu.\n- Gửi Sở Tài chính."
    assert [f.code for f in flags] == ["task_count_mismatch"]


def test_seed_001_fifteen_tasks_and_mismatch(analyze):
    analyzed = analyze((SEEDS / "001_d93671f2cbad73a6.txt").read_text(encoding="utf-8"), "2020-10-09")
    tasks, flags = extract_tasks(analyzed)
    assert [t.label for t in tasks] == [f"({n})" for n in range(1, 16)]
    assert "Các tiểu ban phục vụ Đại hội" in tasks[13].text
    assert tasks[14].text.startswith("Tiến hành việc phân loại cán bộ")
    assert "announces 13" in flags[0].message and "has 15 items" in flags[0].message


def test_deadline_scan_finds_what_the_pattern_finds_everywhere():
    """The pattern tried only where a cue or a time expression can start finds what it finds
    tried at every character: on the seeds and on random runs of the words deadlines are made of."""
    from pipeline.text.normalize import fold_for_matching

    texts = [fold_for_matching(path.read_text(encoding="utf-8")) for path in sorted(SEEDS.glob("*.txt"))]
    words = [
        "trước",
        "ngày",
        "đến",
        "hết",
        "tháng",
        "năm",
        "quý",
        "ii",
        "iv",
        "cuối",
        "đầu",
        "tết",
        "nguyên",
        "đán",
        "giáp",
        "thìn",
        "ba",
        "sáu",
        "chín",
        "trong",
        "12",
        "30/11",
        "2021",
        "5.5",
        "123/5",
        "/",
        "-",
        ":",
        "giờ",
        "phút",
        "hoàn thành",
        "chậm nhất",
        "là",
        "a",
        "x1",
        "từ",
        "kể từ",
        "vào",
        "thứ",
        "hai",
        "chủ nhật",
        "hằng",
        "hàng",
        "tuần",
        "mồng",
        "giữa",
        "16h00",
        "7h",
        "hạn chót",
        "nay",
        "tới",
        "của",
        "15.6",
        ",",
    ]
    rng = random.Random(3)
    texts += [" ".join(rng.choice(words) for _ in range(rng.randint(1, 12))).replace(" /", "/") for _ in range(3000)]
    for text in texts:
        expected = [(m.span(), m.groupdict()) for m in deadlines._pattern().finditer(text)]
        assert [(m.span(), m.groupdict()) for m in deadlines._matches(text)] == expected, text
