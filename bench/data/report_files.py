"""One work report built as each format a user meets (txt, docx, pdf, html, doc), made here, never downloaded.

REPORT is the source: (kind, text) blocks (a writer's `report=` takes others, e.g. a longer one for the
formats benchmark). Every writer lays it out the way that format's producers do:
Word styles and runs, a PDF with running headers, page numbers and hard-wrapped indented lines, a court
site's page with navigation, a publish-time line, share bar and copyright footer.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from indexer.ingest.layout import parse_blocks

TITLE = "平湖市人民法院工作报告"
DELIVERED = "——2024年1月18日在平湖市第十七届人民代表大会第四次会议上"
LONG = (
    "全年共受理各类案件21036件，审结20187件，同比分别上升4.2%和5.1%，结收案比达到95.96%，"
    "法官人均结案数位居全省基层法院前列，审判质效主要指标稳中向好，"
    "为平湖经济社会高质量发展提供了有力司法服务和保障。"
)
Blocks = Sequence[tuple[str, str]]
REPORT: Blocks = (
    ("title", TITLE),
    ("delivered", DELIVERED),
    ("byline", "平湖市人民法院院长　张明"),
    ("body", "各位代表："),
    ("body", "现在，我代表平湖市人民法院向大会报告工作，请予审议。"),
    ("heading", "一、2023年工作回顾"),
    ("body", "2023年，在市委坚强领导下，市法院坚持以习近平新时代中国特色社会主义思想为指导，" + LONG),
    ("lead", "坚持服务大局。|审结涉企纠纷案件3521件，标的额38.6亿元，助力营商环境持续优化，" + LONG),
    ("lead", "坚持司法为民。|推进一站式诉讼服务中心建设，网上立案率达到92.3%，为群众节约诉讼成本，" + LONG),
    *[("lead", f"{lead}|{LONG}{LONG}") for lead in (
        "坚持公正司法。", "坚持深化改革。", "坚持从严治院。", "坚持接受监督。", "坚持强基导向。", "坚持诉源治理。")],
    ("heading", "二、2024年工作安排"),
    ("body", "2024年，市法院将深入贯彻落实党的二十大精神，" + LONG + "以更高标准推进审判执行工作。"),
    ("body", "各位代表，新征程上，我们将在市委领导下，忠诚履职，为建设共同富裕示范区贡献法院力量！"),
)


def body_texts(report: Blocks = REPORT) -> list[str]:
    """The paragraphs every format must yield, in order (leads lose their marker)."""
    return [t.replace("|", "") for k, t in report if k in ("body", "lead") and t != "各位代表："]


def bodies(text: str) -> list[str]:
    """The body paragraphs layout finds in an extracted text (to compare with body_texts())."""
    return [b.text for b in parse_blocks(text) if b.kind == "body"]


def as_markdown() -> str:
    out = []
    for kind, text in REPORT:
        if kind == "title":
            out.append("# " + text)
        elif kind == "heading":
            out.append("## " + text)
        elif kind == "lead":
            lead, rest = text.split("|")
            out.append(f"**{lead}**{rest}")
        else:
            out.append(text)
    return "\n\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------------- docx


def as_docx(*, title_property: str = "Microsoft Word - 文档1.docx", table: list[list[str]] | None = None,
            report: Blocks = REPORT) -> bytes:
    """A .docx written by python-docx: Title/Heading styles, runs split mid-word, a soft break, a PAGE footer."""
    import docx
    from docx.oxml import OxmlElement
    from docx.shared import Pt

    d = docx.Document()
    d.core_properties.title = title_property
    footer = d.sections[0].footer.paragraphs[0]
    footer.add_run("第")
    _field(footer, "PAGE", "3")
    footer.add_run("页")
    d.sections[0].header.paragraphs[0].add_run(TITLE)
    for kind, text in report:
        if kind == "title":
            d.add_paragraph(text, style="Title")
        elif kind == "heading":
            d.add_paragraph(text, style="Heading 1")
        elif kind == "lead":
            lead, rest = text.split("|")
            p = d.add_paragraph()
            p.paragraph_format.first_line_indent = Pt(24)
            p.add_run(lead).bold = True
            half = len(rest) // 2
            p.add_run(rest[:half])  # Word splits runs anywhere (spell check, revisions): joined again
            p.add_run(rest[half:])
        else:
            p = d.add_paragraph()
            p.paragraph_format.first_line_indent = Pt(24)
            if len(text) > 60:
                cut = len(text) // 3
                p.add_run(text[:cut])
                br = OxmlElement("w:br")  # a soft line break (Shift+Enter) inside the paragraph
                p.add_run()._r.append(br)
                p.add_run(text[cut:])
            else:
                p.add_run(text)
    if table:
        t = d.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, cell in enumerate(row):
                t.cell(r, c).text = cell
        d.add_paragraph("以上数据截至2023年12月31日。")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _field(paragraph: Any, instruction: str, shown: str) -> None:  # a python-docx Paragraph
    """A complex field (begin, instrText, separate, result, end) as Word writes page numbers."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for kind, text in (("begin", None), (None, instruction), ("separate", None), (None, shown), ("end", None)):
        run = paragraph.add_run()._r
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run.append(fld)
        elif text == instruction:
            instr = OxmlElement("w:instrText")
            instr.text = f" {instruction} "
            run.append(instr)
        else:
            t = OxmlElement("w:t")
            t.text = text
            run.append(t)


# ---------------------------------------------------------------------------------------------- pdf


def as_pdf(
    *, metadata_title: str = "Microsoft Word - 平湖法院报告.docx", fake_bold: bool = True, footer: str = "— {n} —",
    password: str | None = None, report: Blocks = REPORT,
) -> bytes:
    """A4 pages by reportlab in the Adobe-GB1 CID font: running header, page-number footers, indents, wrapping."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    font = "STSong-Light"
    buf = io.BytesIO()
    encrypt = None
    if password:
        from reportlab.lib.pdfencrypt import StandardEncryption

        encrypt = StandardEncryption(password, canPrint=0)
    c = canvas.Canvas(buf, pagesize=A4, encrypt=encrypt)
    c.setTitle(metadata_title)
    width, height = A4
    left, right, size = 72.0, width - 72.0, 12.0
    state = {"y": height - 90.0, "page": 1}

    def furniture() -> None:
        c.setFont(font, 9)
        c.drawCentredString(width / 2, height - 40, TITLE)
        c.drawCentredString(width / 2, 36, footer.format(n=state["page"]))

    def need(h: float) -> None:
        if state["y"] - h < 72:
            c.showPage()
            state["page"] += 1
            state["y"] = height - 90.0
            furniture()

    def draw(x: float, text: str, fsize: float, bold_chars: int = 0) -> None:
        c.setFont(font, fsize)
        c.drawString(x, state["y"], text)
        if fake_bold and bold_chars:
            c.drawString(x + 0.35, state["y"], text[:bold_chars])  # Word's fake bold for a font without bold

    furniture()
    for kind, text in report:
        if kind in ("title", "heading"):
            fsize = 20.0 if kind == "title" else 15.0
            need(fsize * 2.2)
            x = (width - len(text) * fsize) / 2 if kind == "title" else left
            draw(x, text, fsize, len(text))
            state["y"] -= fsize * 2
            continue
        if kind in ("delivered", "byline"):
            need(size * 2)
            draw((width - len(text) * size) / 2, text, size)
            state["y"] -= size * 2
            continue
        lead_len = text.index("|") if kind == "lead" else 0
        plain = text.replace("|", "")
        indent = 2 if text != "各位代表：" else 0
        pos, first = 0, True
        while pos < len(plain):
            room = right - left - (indent * size if first else 0)
            end = pos + 1
            while end < len(plain) and pdfmetrics.stringWidth(plain[pos:end + 1], font, size) <= room:
                end += 1
            piece = plain[pos:end]
            room = len(piece)
            need(size * 1.8)
            draw(left + (indent * size if first else 0), piece, size, max(0, lead_len - pos) if first else 0)
            state["y"] -= size * 1.8
            pos += room
            first = False
        state["y"] -= size * 0.4
    c.save()
    return buf.getvalue()


# ---------------------------------------------------------------------------------------------- html


def as_html(*, charset: str = "gb2312", body_extra: str = "", heading_tag: str = "") -> bytes:
    """A court site's article page, saved with its charset: navigation, meta line, widgets, share bar, footer."""
    paras = []
    for kind, text in REPORT:
        if kind == "title":
            continue
        if kind == "heading":
            paras.append(f"<{heading_tag}>{text}</{heading_tag}>" if heading_tag else f"<p><strong>{text}</strong></p>")
        elif kind == "lead":
            lead, rest = text.split("|")
            paras.append(f'<p style="text-indent:2em"><strong>{lead}</strong>{rest}</p>')
        elif kind in ("delivered", "byline"):
            paras.append(f'<p style="text-align:center">{text}</p>')
        elif len(text) > 60:
            cut = len(text) // 2
            paras.append(f'<p style="text-indent:2em">{text[:cut]}<br>{text[cut:]}</p>')
        else:
            paras.append(f'<p style="text-indent:2em">{text}</p>')
    article = "\n".join(paras[:4]) + (
        '\n<p style="text-align:center"><img src="/pic/2024/01/court.jpg" alt="法院大楼"></p>'
        '\n<p class="pic-caption" style="text-align:center">图为平湖市人民法院诉讼服务中心</p>\n'
    ) + "\n".join(paras[4:]) + body_extra
    page = f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>{TITLE}_平湖市人民法院</title></head>
<body>
<div class="top"><a href="/">首页</a> | <a href="/en">English</a> | 无障碍浏览</div>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/fyxw">法院新闻</a></li><li><a href="/spgk">审判公开</a></li>
<li><a href="/ssfw">诉讼服务</a></li><li><a href="/gzbg">工作报告</a></li></ul></div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/gzbg">工作报告</a> &gt; 正文</div>
<div class="article">
<h1>{TITLE}</h1>
<div class="info">发布时间：2024-01-25 10:32:11　来源：平湖市人民法院　浏览量：3127
　字号：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a>　<a href="javascript:window.print()">打印</a>　<a href="javascript:window.close()">关闭</a></div>
<div class="content">
{article}
</div>
<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a> <a href="#">QQ空间</a></div>
<div class="pager"><p>上一篇：<a href="/a/1.html">平湖法院召开2023年度总结大会</a></p>
<p>下一篇：<a href="/a/3.html">平湖法院开展宪法宣传周活动</a></p></div>
</div>
<div class="footer"><p>版权所有：平湖市人民法院　地址：平湖市当湖街道胜利路123号　电话：0573-85011234</p>
<p>浙ICP备05012345号-1　浙公网安备 33048202000123号</p><p>技术支持：某某网络科技有限公司</p></div>
</body></html>"""
    return page.encode("gb18030" if charset.lower() in ("gb2312", "gbk", "gb18030") else charset)


# ---------------------------------------------------------------------------------------------- doc


def soffice() -> str:
    """The LibreOffice executable the .doc tests convert with (installed by .ci/run)."""
    path = shutil.which("soffice") or shutil.which("libreoffice")
    assert path, "LibreOffice is needed for the .doc tests: apt-get install libreoffice-writer-nogui"
    return path


def convert(data: bytes, suffix: str, target: str, workdir: Path) -> bytes:
    """Convert a document with LibreOffice headless (e.g. a generated .docx → "doc" or "pdf")."""
    src = workdir / f"source{suffix}"
    src.write_bytes(data)
    profile = workdir / "lo-profile"
    subprocess.run(
        [soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", target,
         "--outdir", str(workdir / "out"), str(src)],
        check=True, capture_output=True, timeout=180,
    )
    return (workdir / "out" / f"source.{target}").read_bytes()
