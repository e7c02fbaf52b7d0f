"""Wrapped PDF lines joined into their sentence, offsets unchanged (pipeline/parse/reflow.py)."""

from pipeline.parse.reflow import join_wrapped_lines

WRAPPED = "Sở Tài chính đã ban hành 12 văn bản hướng dẫn các"  # runs to the margin of its page
FULL = "Năm 2026, Sở tiếp tục rà soát thủ tục hành chính của ngành."


def test_a_line_at_the_margin_that_goes_on_in_lower_case_is_joined():
    text = f"{WRAPPED}\nphòng chuyên môn thực hiện.\n{FULL}"
    assert join_wrapped_lines(text) == f"{WRAPPED} phòng chuyên môn thực hiện.\n{FULL}"


def test_ends_of_sentences_list_labels_table_rows_and_short_lines_keep_their_breaks():
    text = (
        "Kết quả kiểm tra công tác cải cách hành chính như sau:\nhồ sơ đúng hạn\n"
        f"{WRAPPED}\na) Rà soát\n{WRAPPED} |\nxây dựng |\nHello, world\nr0c0 r0c1\n{FULL}"
    )
    assert join_wrapped_lines(text) == text


def test_offsets_do_not_move():
    text = f"{WRAPPED}\nphòng chuyên môn thuộc Sở và tỷ lệ giải ngân vốn của\ncác dự án đạt 95%.\n{FULL}"
    joined = join_wrapped_lines(text)
    assert len(joined) == len(text) and joined.index("các dự án") == text.index("các dự án")
    assert joined.count("\n") == 1
