"""Metadata detected from a report's own text: title, institution, years reviewed, date delivered, and where from."""

from __future__ import annotations

from bench.data import report_files as rf
from indexer.ingest.corpus import load_corpus
from indexer.ingest.detect import detect_metadata
from indexer.ingest.layout import parse_blocks

BODY = "各位代表：\n\n{speaker}\n\n2023年，全院共受理案件一万件，审结九千件。\n\n2024年，我们将继续努力。\n"


def detect(text: str, name: str = "x.txt", title_hint: str | None = None):
    blocks = parse_blocks(text)
    first = next(i for i, b in enumerate(blocks) if b.kind == "body")
    lines = [b.text for b in blocks[:first] if b.kind in ("heading", "caption")]
    body = "\n".join(b.text for b in blocks if b.kind != "caption")
    return detect_metadata(text, lines, body, name, title_hint=title_hint)


def test_institution_line_and_report_line_join_into_the_title():
    text = ("海宁市人民检察院\n\n工作报告\n\n——2024年1月20日在海宁市第十七届人民代表大会第四次会议上\n\n"
            + BODY.format(speaker="现在，我向大会报告工作。"))
    found = detect(text)
    assert (found.title, found.institution, found.institution_from) == ("海宁市人民检察院工作报告", "海宁市人民检察院", "from the title")
    assert (found.years, found.date) == ((2023,), "2024-01-20")


def test_institution_from_the_speaker_sentence_then_the_byline():
    found = detect(BODY.format(speaker="现在，我代表嘉兴市中级人民法院向大会报告工作，请予审议。"))
    assert (found.institution, found.institution_from) == ("嘉兴市中级人民法院", 'from "我代表…"')
    bylined = detect("海盐县人民法院院长　王五\n\n" + BODY.format(speaker="现在，我向大会报告工作。"))
    assert (bylined.institution, bylined.institution_from) == ("海盐县人民法院", "from the byline")
    top = detect(BODY.format(speaker="现在，我代表最高人民法院向大会报告工作。"))
    assert top.institution == "最高人民法院"


def test_years_reviewed_follow_the_date_delivered():
    january = detect("——2024年1月18日在市第十七届人民代表大会第四次会议上\n\n" + BODY.format(speaker="2024年是关键之年。2024年将更好。"))
    assert january.years == (2023,) and january.years_from == "delivered 2024-01-18: reviews the year before"
    five = detect("——2022年1月10日在市第十六届人民代表大会第一次会议上\n\n各位代表：\n\n过去五年，全院审结案件五万件。\n")
    assert five.years == (2017, 2018, 2019, 2020, 2021) and "five-year review" in five.years_from
    autumn = detect("（2023年9月26日在市人大常委会第十次会议上）\n\n专项工作报告正文，审结案件一千件。\n")
    assert (autumn.years, autumn.date) == ((2023,), "2023-09-26")
    ranged = detect("2017—2021年工作回顾\n\n五年来审结案件五万件，同比上升。\n")
    assert ranged.years == (2017, 2018, 2019, 2020, 2021)


def test_title_falls_back_to_metadata_then_institution_then_file_name():
    plain = BODY.format(speaker="现在，我代表平湖市人民法院向大会报告工作。")
    assert detect(plain, title_hint="平湖法院2023年报告").title_from == "from the file's Title property"
    made = detect(plain)
    assert (made.title, made.title_from) == ("平湖市人民法院工作报告（2023年）", "made from the institution and years")
    nothing = detect("今年工作很多，成绩很好。\n\n明年继续努力。\n", name="notes-2019.txt")
    assert (nothing.title, nothing.title_from, nothing.years, nothing.years_from) == (
        "notes-2019", "from the file name", (2019,), "from the file name")
    assert "institution none" in nothing.describe()


def test_a_span_of_years_is_the_year_label_in_messages_and_chinese_prose_in_a_made_title():
    text = ("——2022年1月10日在市第十六届人民代表大会第一次会议上\n\n各位代表：\n\n"
            "现在，我代表平湖市人民法院报告工作。过去五年，审结案件五万件。\n")
    found = detect(text)
    assert found.title == "平湖市人民法院工作报告（2017—2021年）"  # as the reports' own titles write it
    assert "years 2017-2021 (a five-year review" in found.describe()  # the label the CLI and catalog.toml use


def test_the_catalog_wins_over_detection(tmp_path):
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "report.docx").write_bytes(rf.as_docx())
    (root / "other.pdf").write_bytes(rf.as_pdf())
    (root / "catalog.toml").write_text(
        '[[report]]\nfile = "report.docx"\ntitle = "目录里的标题"\ninstitution = "平湖市人民检察院"\nyear = 2022\n'
        'date = "2024-02-01"\n', encoding="utf-8")
    load = load_corpus(root)
    by_file = {r.file: r for r in load.reports}
    cataloged = by_file["report.docx"]
    assert (cataloged.title, cataloged.institution, cataloged.years, cataloged.date) == (
        "目录里的标题", "平湖市人民检察院", (2022,), "2024-02-01")
    assert set(load.detected) == {"other.pdf"} and by_file["other.pdf"].date == "2024-01-18"


def test_detect_file_reads_one_document_for_add(tmp_path):
    from indexer.ingest.corpus import detect_file

    path = tmp_path / "new.docx"
    path.write_bytes(rf.as_docx())
    found = detect_file(path)
    assert found.to_dict() == {
        "title": rf.TITLE, "title_from": "from the heading lines", "institution": "平湖市人民法院",
        "institution_from": "from the title", "years": [2023], "years_from": "delivered 2024-01-18: reviews the year before",
        "date": "2024-01-18", "date_from": f"from the line {'——2024年1月18日在平湖市第十七届人民代表大会'!r}"}
