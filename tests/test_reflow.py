"""Wrapped PDF lines joined into their sentence, offsets unchanged (pipeline/parse/reflow.py)."""

from pipeline.parse.reflow import join_wrapped_lines


def test_a_line_that_goes_on_in_lower_case_is_joined():
    text = "Sở đã ban hành 12 văn bản hướng dẫn các\nphòng chuyên môn thực hiện.\nNăm 2026 tiếp tục."
    assert join_wrapped_lines(text) == (
        "Sở đã ban hành 12 văn bản hướng dẫn các phòng chuyên môn thực hiện.\nNăm 2026 tiếp tục."
    )


def test_ends_of_sentences_list_labels_and_table_rows_keep_their_breaks():
    text = "Kết quả như sau:\nhồ sơ đúng hạn\n- Công văn số 12\nvề việc\na) Rà soát\nb) Báo cáo\n| 1 | Sở\nxây dựng |"
    assert join_wrapped_lines(text) == (
        "Kết quả như sau:\nhồ sơ đúng hạn\n- Công văn số 12 về việc\na) Rà soát\nb) Báo cáo\n| 1 | Sở\nxây dựng |"
    )


def test_offsets_do_not_move():
    text = "thu ngân sách đạt\n95% dự toán và tỷ lệ giải ngân của\ncác dự án"
    joined = join_wrapped_lines(text)
    assert len(joined) == len(text) and joined.index("các dự án") == text.index("các dự án")
