"""Hostile inputs, made here (never stored): the files of issue 18 and adversarial text for every parser.

Each maker takes a size n and returns text or bytes that grows with n, built to hit one parser rule where a
backtracking regex or a quadratic loop would hurt (repeated characters, unclosed tags, thousands of `<p `,
long lines without punctuation, deep nesting). tests/ingest/test_hostile_growth.py times each at two sizes;
bench/hostile.py (which loads this file by path) indexes the largest of them next to the bundled corpus.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
SENTENCE = "审结各类案件一千件，同比上升百分之五，执行到位金额三亿元。"
P = f"<p>{SENTENCE}</p>"


def unique_lines(n: int, width: int = 12, sep: str = "\n") -> str:
    """n different lines of CJK text without punctuation (equal lines would be dropped as running headers)."""
    return "".join(chr(0x4E00 + i % 20000) + chr(0x4E00 + i // 20000) + "字" * (width - 2) + sep for i in range(n))


# ------------------------------------------------------------------------------------------- issue 18


def speaker_text(n: int) -> str:
    """Issue 18 item 1: a speaker sentence whose "institution" is n × 市 and no court (13.8 s at n=48)."""
    return f"# 工作报告\n\n2023年，我代表{'市' * n}向大会报告工作，请予审议。\n"


def markup_text(n: int) -> str:
    """Issue 18 item 3: a sentence, then n unclosed `<p ` (quadratic in strip_markup: 9.8 s at 234 KB)."""
    return "人民法院审结案件。" + "<p " * n


def docx_bytes(body_xml: str, styles_xml: str = "") -> bytes:
    """A minimal .docx: word/document.xml around body_xml (and word/styles.xml if given)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        z.writestr("word/document.xml", f'<?xml version="1.0"?><w:document {W_NS}><w:body>{body_xml}</w:body></w:document>')
        if styles_xml:
            z.writestr("word/styles.xml", f"<w:styles {W_NS}>{styles_xml}</w:styles>")
    return buf.getvalue()


def element_flood_docx(elements: int) -> bytes:
    """Issue 18 item 2: a small zip whose document.xml is `elements` × <x a="1"/> (60 MiB at 6.3 M elements)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        with z.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(f'<?xml version="1.0"?><w:document {W_NS}><w:body>'.encode())
            chunk = b'<x a="1"/>' * 100_000
            for _ in range(elements // 100_000):
                part.write(chunk)
            part.write(b'<x a="1"/>' * (elements % 100_000) + b"</w:body></w:document>")
    return buf.getvalue()


def bomb_docx(inflated: int) -> bytes:
    """A .docx whose document.xml inflates to `inflated` bytes of spaces from a few kilobytes."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        with z.open("word/document.xml", "w", force_zip64=True) as part:
            chunk = b" " * 2**20
            for _ in range(inflated // len(chunk)):
                part.write(chunk)
    return buf.getvalue()


def lines_pdf(lines: int, *, sizes: bool = False) -> bytes:
    """`lines` lines of CJK text without punctuation, 45 a page; sizes=True: each line in its own font size."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for i in range(lines):
        if i and i % 45 == 0:
            c.showPage()
        c.setFont("STSong-Light", 12 + (i % 200) * 0.5 if sizes else 12)
        c.drawString(72, 800 - (i % 45) * 16, unique_lines(1, width=4 if sizes else 30).strip() + chr(0x4E00 + i % 20000))
    c.setFont("STSong-Light", 12)
    c.drawString(72, 30, SENTENCE)
    c.save()
    return buf.getvalue()


def big_page(paragraphs: int) -> bytes:
    """Issue 18 item 2: a large, ordinary web page (2.8 MB at about 30,000 paragraphs)."""
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>平湖市人民法院工作报告</title></head><body><article>"
            + P * paragraphs + "</article></body></html>").encode()


# ------------------------------------------------------------------------------------------- adversarial text


def tiff_pages(pages: int, width: int = 1654, height: int = 2339) -> bytes:
    """A little-endian TIFF whose header declares `pages` pages (IFDs) of width × height pixels and holds no pixels."""
    out = bytearray(b"II*\x00" + struct.pack("<I", 8))
    for n in range(pages):
        nxt = 0 if n == pages - 1 else len(out) + 2 + 2 * 12 + 4
        out += struct.pack("<H", 2) + struct.pack("<HHII", 256, 4, 1, width) + struct.pack("<HHII", 257, 4, 1, height)
        out += struct.pack("<I", nxt)
    return bytes(out)


def jpeg_markers(markers: int) -> bytes:
    """A JPEG of `markers` comment segments, then a frame header declaring 100 × 100 pixels (and no image data)."""
    comment = b"\xff\xfe" + struct.pack(">H", 6) + b"scan"
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, 100, 100, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + comment * markers + sof + b"\xff\xd9"


def png_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A tiny PNG whose header declares width × height pixels (ten billion by default, 10 GB decoded)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


def _r(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


_BEGIN = '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'

# name → (maker of size n, the size the growth test starts from). Text makers return str (a .txt/.md file's
# text), document makers bytes (the file).
TEXT: dict[str, tuple] = {
    "p-tags": (markup_text, 20_000),
    "h1-tags": (lambda n: "<h1 " * n, 20_000),
    "lt-spaces": (lambda n: "审结案件。<" + " " * n + "x", 50_000),
    "doctypes": (lambda n: "审结案件。" + "<!DOCTYPE " * n, 20_000),
    "open-attributes": (lambda n: "审结案件。" + "<a href='" * n, 20_000),
    "open-scripts": (lambda n: "审结案件。" + "<script" * n, 20_000),
    "open-comments": (lambda n: "审结案件。" + "<!--" * n, 20_000),
    "long-line": (lambda n: "字" * n, 200_000),
    "wrapped-lines": (lambda n: unique_lines(n), 10_000),
    "fragments": (lambda n: unique_lines(n, width=40, sep="\n\n"), 5_000),
    "closer-fragments": (lambda n: "字\n\n" + ("」" * 70 + "\n\n") * n, 2_000),
    "heading-spaces": (lambda n: "# a" + " " * n + "b", 50_000),
    "heading-hashes": (lambda n: "# a" + "#" * n + "b", 50_000),
    "page-number-spaces": (lambda n: "第1页" + " " * n + "x", 50_000),
    "open-images": (lambda n: "![" * n, 20_000),
    "open-links": (lambda n: "[x](" * n, 20_000),
    "court-heading": (lambda n: "# " + "法院" * n + "x\n\n正文。", 2_000),
    "institution-lines": (lambda n: "# " + "平湖市人民法院 " * n + "\n\n正文。", 2_000),
    "bold-marks": (lambda n: "**" * n, 20_000),
    "closers": (lambda n: "——" + "」" * n + "x", 50_000),
    "speaker-cities": (speaker_text, 4_000),
    "speaker-repeated": (lambda n: "我代表市" * n + "人民法院", 2_000),
    "court-names": (lambda n: "，平湖市人民法院" * n, 2_000),
    "years": (lambda n: "2023年" * n, 20_000),
    "sentences": (lambda n: "字。" * n, 50_000),
    "theme-near-misses": (lambda n: ("接受" + "字" * 9) * n, 10_000),
}
DOCUMENTS: dict[str, tuple] = {
    "docx-open-fields": (lambda n: docx_bytes(f"<w:p>{_BEGIN * n}{_r(SENTENCE) * n}</w:p>"), 1_000),
    "docx-style-chain": (lambda n: docx_bytes(f"<w:p>{_r(SENTENCE)}</w:p>", "".join(
        f'<w:style w:styleId="s{i}"><w:name w:val="s{i}"/><w:basedOn w:val="s{i + 1}"/></w:style>' for i in range(n))), 1_000),
    "docx-spaces": (lambda n: docx_bytes(f"<w:p>{_r('审结' + ' ' * n + '案件')}<w:r><w:br/></w:r>{_r(SENTENCE)}</w:p>"), 20_000),
    "docx-paragraphs": (lambda n: docx_bytes(f"<w:p>{_r(SENTENCE)}</w:p>" * n), 1_000),
    "docx-nesting": (lambda n: docx_bytes("<w:sdt><w:sdtContent>" * n + f"<w:p>{_r(SENTENCE)}</w:p>" + "</w:sdtContent></w:sdt>" * n), 50),
    "html-paragraphs": (big_page, 500),
    "html-deep-divs": (lambda n: (f"<html><body>{'<div>' * n}{P}{'</div>' * n}</body></html>").encode(), 2_000),
    "html-open-p": (lambda n: ("<html><body>" + "<p " * n + P + "</body></html>").encode(), 20_000),
    "html-open-divs": (lambda n: ("<html><body>" + ("<div>" + P) * n + "</body></html>").encode(), 500),
    "html-line-breaks": (lambda n: ("<html><body><p>" + "审结案件。<br>" * n + "</p></body></html>").encode(), 2_000),
    "html-figures": (lambda n: ("<html><body><article>" + P + "<figure></figure>x" * n + P + "</article></body></html>").encode(), 8_000),
    "html-long-title": (lambda n: ("<html><head><title>" + "a " * n + "</title></head><body>" + P * 3 + "</body></html>").encode(), 20_000),
    "html-nested-bold": (lambda n: ("<html><body><p>" + "<b>" * n + SENTENCE + "</b>" * n + "</p></body></html>").encode(), 2_000),
    "html-meta-tags": (lambda n: ("<meta " * n + "<html><body>" + P + "</body></html>").encode(), 2_000),
    "pdf-one-paragraph": (lines_pdf, 300),
    "pdf-font-sizes": (lambda n: lines_pdf(n, sizes=True), 300),
    # Page images: the headers our own parsers read before anything is decoded (indexer/ingest/ocr/images.py).
    "image-tiff-pages": (tiff_pages, 5_000),
    "image-jpeg-markers": (jpeg_markers, 20_000),
}
SUFFIX = {"docx": ".docx", "html": ".html", "pdf": ".pdf", "image": ".tif"}


def suffix(name: str) -> str:
    """The file suffix of a DOCUMENTS entry."""
    return SUFFIX[name.split("-", 1)[0]]


def issue_files() -> dict[str, bytes]:
    """The files of issue 18 items 1–3 at the sizes the issue measured (bench/hostile.py)."""
    return {
        "item1-speaker-48.txt": speaker_text(48).encode(),
        "item2-flood-named.doc": element_flood_docx(6_300_000),  # document.xml of 60 MiB, a zip of ~120 KB
        "item2-page-named.doc": big_page(30_000),  # 2.8 MB
        "item3-markup-234k.txt": markup_text(78_000).encode(),
        "bomb.docx": bomb_docx(80 * 2**20),
    }


def growth_files(scale: int = 4) -> dict[str, bytes]:
    """Every input of the growth tests at `scale` × its starting size (4: the larger size the tests time)."""
    files = {f"text-{name}.txt": make(scale * n).encode() for name, (make, n) in TEXT.items()}
    files.update({f"doc-{name}{suffix(name)}": make(scale * n) for name, (make, n) in DOCUMENTS.items()})
    return files
