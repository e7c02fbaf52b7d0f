"""The kind decision list's data and the section roles it reads from a document's structure."""

import pytest

from extractors import kinds
from extractors.kinds import Sections, document_role, heading_role
from extractors.rules import RuleError, load_yaml


def test_heading_roles_from_the_guidelines():
    assert heading_role("MỤC TIÊU") == "target"
    assert heading_role("Mục tiêu cụ thể") == "target"
    assert heading_role("Các chỉ tiêu chủ yếu") == "target"
    assert heading_role("NHIỆM VỤ, GIẢI PHÁP") == "target"
    assert heading_role("PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2026") == "target"
    assert heading_role("KẾT QUẢ ĐẠT ĐƯỢC") == "result"
    assert heading_role("Tình hình thực hiện") == "result"
    assert heading_role("ĐÁNH GIÁ CHUNG") == "result"
    assert heading_role("Kết quả năm 2025 và phương hướng năm 2026") is None  # both: the parts inside decide
    assert heading_role("Tổ chức thực hiện") is None


def test_sections_follow_the_nearest_enclosing_heading():
    text = (
        "I. KẾT QUẢ ĐẠT ĐƯỢC\n1. Công tác chỉ đạo\n- Tỷ lệ A đạt 80%.\n"
        "II. PHƯƠNG HƯỚNG, NHIỆM VỤ\n1. Mục tiêu cụ thể\n- Tỷ lệ A đạt 90%.\n"
        "III. TỔ CHỨC THỰC HIỆN\n- Giao 5 sở.\n"
    )
    sections = Sections(text)
    assert [sections.role_at(text.index(figure)) for figure in ("80%", "90%", "5 sở")] == ["result", "target", None]


def test_a_numbered_line_closes_the_heading_of_its_rank():
    text = "1. Mục tiêu\n- 100% xã.\n2. Công tác khác\n- 50 hộ.\n"
    sections = Sections(text)
    assert sections.role_at(text.index("100%")) == "target"
    assert sections.role_at(text.index("50 hộ")) is None


def test_document_roles_by_type_title_and_meeting_news():
    assert document_role(None, "UBND TỈNH X\nKẾ HOẠCH\nTriển khai ...") == "target"
    assert document_role(None, "Số: 12/BC-UBND\n", kinds.own_type("Số: 12/BC-UBND\n")) == "result"
    assert document_role("Toàn văn Kế hoạch 188/KH-UBND về giáo dục", "") == "target"
    assert document_role("Báo cáo tình hình kinh tế", "") == "result"
    assert document_role("Hội nghị giao ban công tác mặt trận tháng 9", "") == "result"
    assert document_role("Tỉnh tăng cường phòng chống dịch", "") is None


def test_steps_are_validated_at_load(monkeypatch):
    data = dict(load_yaml("kinds.yaml"))
    kinds._rules.cache_clear()
    monkeypatch.setattr(kinds, "load_yaml", lambda name: {**data, "steps": ["section", "default"]})
    with pytest.raises(RuleError, match="steps must be"):
        kinds._rules()
    monkeypatch.setattr(kinds, "load_yaml", lambda name: {**data, "section_roles": {"target": ["mục tiêu"]}})
    kinds._rules.cache_clear()
    with pytest.raises(RuleError, match="section_roles"):
        kinds._rules()
    kinds._rules.cache_clear()


def test_a_line_with_a_figure_is_an_item_not_a_heading():
    text = "I. NHIỆM VỤ\n3. Đánh giá, xếp loại 100% cán bộ.\n- 20 cán bộ được đào tạo.\n"
    sections = Sections(text)
    assert sections.role_at(text.index("100%")) == "target"
    assert sections.role_at(text.index("20 cán bộ")) == "target"
