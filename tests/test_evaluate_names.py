"""The evaluate report's name and value+unit lines, from the GUIDELINES' rule: a name is
right when its syllables overlap the gold `name` or one of its `name_alternatives` with F1 >= 0.8."""

from pipeline.research.evaluate import Report, Score, _score_value_unit, format_report, name_score, syllable_f1


def test_syllable_f1_counts_shared_syllables_tone_folded():
    assert syllable_f1("tỷ lệ giải ngân", "tỷ lệ giải ngân") == 1.0
    # 4 of 4 got, 4 of 7 wanted: P 1, R 4/7
    assert round(syllable_f1("giải ngân vốn đầu", "giải ngân vốn đầu tư công nghiệp"), 4) == round(
        2 * (4 / 7) / (1 + 4 / 7), 4
    )
    assert syllable_f1("kế hoạch", "xã đạt chuẩn") == 0.0
    assert syllable_f1("", "xã") == 0.0


def test_name_score_takes_the_best_alternative():
    gold = {"name": "vụ vi phạm", "name_alternatives": ["phát hiện, xử lý"]}
    assert name_score(gold, "phát hiện, xử lý") == 1.0
    assert name_score(gold, "vụ vi phạm") == 1.0
    assert name_score(gold, None) == 0.0


def test_value_unit_score_ignores_kind_and_sentence_and_optional_items():
    gold = [
        {"value": 95, "unit": "%", "kind": "target", "evidence": "x"},
        {"value": 945.4, "unit": "tỷ đồng", "kind": "result"},
        {"value": 3, "unit": "xã", "optional": True},
        {"value": 7, "unit": "hộ"},
    ]
    rows = [
        {"value": 95, "unit": "%", "kind": "result", "sentence": "y"},
        {"value": 945400000000, "unit": "đồng", "kind": "target", "sentence": ""},
        {"value": 3, "unit": "xã", "kind": "result", "sentence": ""},
        {"value": 12, "unit": "người", "kind": "result", "sentence": ""},
    ]
    score = Score()
    _score_value_unit(gold, rows, score)
    assert (score.tp, score.fp, score.fn) == (2, 1, 1)


def test_report_prints_the_names_and_value_unit_lines():
    report = Report(value_unit=Score(tp=9, fp=1, fn=0), name_scores=[1.0, 0.8, 0.5, 0.0])
    lines = format_report(report, details=False).splitlines()
    assert "indicators value+unit only: P 0.900 R 1.000 F1 0.947 (tp 9 fp 1 fn 0)" in lines
    assert "names right (syllable F1 >= 0.8): 2/4 = 0.500; mean syllable F1 0.575" in lines
    assert report.names_right == 0.5
