"""The word tests of the name steps (extractors/name_words.py) on words, not sentences."""

import pytest

from extractors.name_words import act_names_it, changed_to, final_act, restates_in_aside


@pytest.mark.parametrize(
    ("unit", "generic"),
    [("vụ", True), ("hồ sơ", True), ("văn bản QPPL", True), ("đơn", True), ("đơn vị", False), ("xã", False)],
)
def test_a_generic_counted_noun_is_a_whole_word_of_the_list(unit, generic):
    """'văn bản QPPL' is a 'văn bản'; 'đơn vị' (a unit) is no 'đơn' (an application)."""
    assert act_names_it(unit) is generic


@pytest.mark.parametrize(
    ("before", "act"),
    [
        ("cơ quan chức năng mới kiểm tra được", "kiểm tra"),
        ("Ban chỉ đạo đã xử lý", "xử lý"),
        ("huyện đang thực hiện", ""),  # a light verb names nothing
        ("Toàn tỉnh có", ""),
        ("cưỡng chế thu hồi đất", ""),  # the act is not last
    ],
)
def test_the_act_a_name_ends_with(before, act):
    assert final_act(before) == act


@pytest.mark.parametrize(
    ("between", "rest", "restates"),
    [
        (" (", ") nuôi tôm", True),
        (" (hơn ", ")", True),
        (" (giảm ", "), đạt", True),
        (" (", " thoát nghèo) so với", False),  # the aside's own words name it
        (" (trong đó ", ")", False),
        (", ", ")", False),
    ],
)
def test_an_aside_that_restates_the_figure_before(between, rest, restates):
    assert restates_in_aside(between, rest) is restates


@pytest.mark.parametrize(
    ("between", "same"),
    [(" giảm xuống còn ", True), (" trực thuộc giảm còn ", True), (" tăng lên ", True), (" và ", False)],
)
def test_a_quantity_changed_into_the_next_figure(between, same):
    assert changed_to(between) is same
