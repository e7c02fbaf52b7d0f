"""`directives report`: one offline HTML file with charts, checked as a picture in Chromium."""

import re

from browser import screenshot
from click.testing import CliRunner
from PIL import Image

from pipeline.cli import cli
from pipeline.research.charts import PALETTE

WIDTH, HEIGHT = 1200, 1800


def test_report_is_one_offline_file_with_charts_and_tables(bundled_db, tmp_path):
    output = tmp_path / "report.html"
    result = CliRunner().invoke(cli, ["report", "--db", str(bundled_db), "-o", str(output)])
    assert result.exit_code == 0, result.output
    html = output.read_text(encoding="utf-8")
    assert "<script" not in html and not re.search(r'(src|href)="', html)
    assert html.count("<svg") == 7  # four provinces with figures, counts, flags, coverage
    for heading in ("Targets and results by category and year, per province", "Extraction counts per document",
                    "Quality flags", "Coverage: documents per source and year", "Documents",
                    "Targets and the results reported later"):
        assert f"<h2>{heading}</h2>" in html
    assert "<title>002_e6d35a45ef2bf389.txt (Lạng Sơn): targets 4</title>" in html
    assert "<td>xã đạt chuẩn nông thôn mới</td>" in html


def test_report_renders_as_a_picture(bundled_db, tmp_path):
    output = tmp_path / "report.html"
    CliRunner().invoke(cli, ["report", "--db", str(bundled_db), "-o", str(output)])
    png = tmp_path / "report.png"
    screenshot(output.as_uri(), png, WIDTH, HEIGHT)
    image = Image.open(png).convert("RGB")
    assert image.size == (WIDTH, HEIGHT)
    colours = image.getcolors(maxcolors=1 << 20)
    assert len(colours) > 50
    white = sum(count for count, colour in colours if colour == (255, 255, 255))
    assert 0.5 < white / (WIDTH * HEIGHT) < 0.97
    present = {colour for _, colour in colours}
    for hex_colour in PALETTE[:5]:  # tasks, targets, results, deadlines, citations bars
        assert tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)) in present
