"""Web pages saved from court, procuratorate and news sites: the article only, through trafilatura.

Why trafilatura: it is the best-kept open-source article extractor (maintained, benchmarked on news and
government pages, multilingual), it drops navigation, breadcrumbs, share bars, pagers and footers by page
structure, and it keeps headings, bold runs and tables as structure we can map. We add what it leaves:
the charset (a BOM, then <meta charset>/http-equiv, gb2312/gbk read as their superset GB18030), and a last
filter for the short site lines it sometimes keeps inside the article box (发布时间/来源/浏览量, 字号 大中小,
打印/关闭, 分享到, 上一篇/下一篇, 版权所有, ICP 备案, 公网安备). Images are dropped with their captions
(<figcaption>, caption classes; "图为…" lines become captions in layout). A <br> inside a paragraph is a
line wrap, not a paragraph break; a table becomes one paragraph per row (formats.table_rows).
"""

from __future__ import annotations

import codecs
import re

import lxml.html
import trafilatura
from lxml import etree

from indexer.ingest.decode import DecodeError, decode_report
from indexer.ingest.formats.base import Extracted, FormatError, FormatOptions, clean_title_hint, table_rows
from indexer.ingest.layout_rules import has_sentence_end, join_wrapped

_META_CHARSET = re.compile(rb"""<meta[^<>]+?charset\s*=\s*(?:["']\s*)?([A-Za-z0-9_\-]+)""", re.I)
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030", "euc-cn": "gb18030"}
_SITE_LINE = re.compile(
    r"发布时间|发布日期|发表时间|来源\s*[:：]|浏览(?:量|次数)?\s*[:：]|点击(?:数|量|率)?\s*[:：]|阅读(?:量|数)?\s*[:：]"
    r"|字号\s*[:：]|^\s*(?:[【\[]\s*)?(?:打印|关闭)(?:本页|窗口|文章)?\s*(?:[】\]]\s*)?$|分享到|上一篇|下一篇"
    r"|版权所有|ICP\s*备|公网安备|技术支持|当前位置|您的位置|您现在的位置|责任编辑\s*[:：]|扫一扫"
)
_CAPTION_CLASS = re.compile(r"caption|pic_?(?:txt|title|note|desc)|img_?(?:txt|title|desc)|tuzhu|photo_?txt", re.I)
MAX_SITE_LINE = 120  # characters: a longer paragraph mentioning 来源 or 版权所有 is article text
# "标题_平湖市人民法院", "标题 | 网站", "标题 - 网站": the page title before the site's name. Starts only where no
# space precedes (the leftmost match always does), so a long run of spaces is scanned once.
_TITLE_SITE = re.compile(r"(?<!\s)(?:\s*[_|｜]\s*|\s+-\s+)")


def _decode(data: bytes, declared: str | None) -> tuple[str, str, int]:
    """(text, encoding, replaced bytes): the catalog's encoding, else a BOM, else <meta charset>, else sniffed."""
    encoding = declared
    if encoding is None and not data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        if m := _META_CHARSET.search(data[:8192]):
            name = m.group(1).decode("ascii").lower()
            try:
                encoding = _SUPERSETS.get(codecs.lookup(name).name, codecs.lookup(name).name)
            except LookupError:
                encoding = None  # an unknown charset label: sniff instead
    try:
        decoded = decode_report(data, encoding)
        if decoded.replaced and encoding and declared is None:
            guess = decode_report(data, None)  # the page lies about its charset
            decoded = guess if guess.replaced < decoded.replaced else decoded
    except DecodeError as exc:
        if encoding is None or declared is not None:
            raise FormatError(str(exc)) from None
        try:
            decoded = decode_report(data, None)
        except DecodeError as exc2:
            raise FormatError(str(exc2)) from None
    return decoded.text, decoded.encoding, decoded.replaced


LB = "\x01"  # stands for <lb/> (a <br>) until lines are joined


def _raw(el: etree._Element) -> str:
    parts: list[str] = [el.text or ""]
    for child in el:
        parts.append(LB if child.tag == "lb" else _raw(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _join_lines(text: str) -> str:
    """<br>-wrapped lines joined as any wrapped lines are (layout_rules.join_wrapped; spaces around a <br> dropped)."""
    return re.sub(r"\s+", " ", join_wrapped(line.strip() for line in text.split(LB))).strip()


def _text(el: etree._Element) -> str:
    """An element's text with <br> joined like a wrapped line."""
    return _join_lines(_raw(el))


def _paragraph(p: etree._Element) -> list[str]:
    """A <p> as paragraphs: <lb/> joins, but a raw line end separates (trafilatura's fallback glues blocks so)."""
    pieces = [t for t in (_join_lines(line) for line in _raw(p).split("\n")) if t]
    first = p[0] if len(p) else None
    if pieces and first is not None and first.tag == "hi" and "#b" in (first.get("rend") or "") and not (p.text or "").strip():
        lead = _text(first)
        if lead and pieces[0].startswith(lead):
            pieces[0] = f"**{lead}**{pieces[0][len(lead):]}"
    return pieces


def _blocks(body: etree._Element) -> list[str]:
    out: list[str] = []
    for el in body:
        if el.tag == "head":
            level = (el.get("rend") or "h2").lstrip("h")
            text = _text(el)
            if text:
                out.append("#" * (int(level) if level.isdigit() else 2) + " " + text)
        elif el.tag in ("p", "quote"):
            out.extend(_paragraph(el))
        elif el.tag == "list":
            out.extend(t for item in el.iter("item") for t in _paragraph(item))
        elif el.tag == "table":
            out.extend(table_rows([[_text(c) for c in row.iter("cell")] for row in el.iter("row")]))
        elif el.tag == "div":
            out.extend(_blocks(el))
    return out


def _is_caption(el: etree._Element) -> bool:
    return el.tag in ("figure", "figcaption") or bool(_CAPTION_CLASS.search((el.get("class") or "") + " " + (el.get("id") or "")))


def _without_captions(page: str) -> str:
    """The page with <figure>/<figcaption> and caption-class elements removed (trafilatura may keep them).

    Each removed element's tail text goes to the sibling before it (or its parent's text), like lxml's
    drop_tree; the tails of a run of removed siblings are joined once, not appended one by one (quadratic).
    """
    try:
        tree = lxml.html.document_fromstring(page)
    except (etree.ParserError, ValueError):
        return page
    stack = [tree]
    while stack:
        parent = stack.pop()
        kept: etree._Element | None = None  # the last child kept: where tails of removed ones go
        tails: list[str] = []

        def give_tails() -> None:
            if not tails:
                return
            if kept is None:
                parent.text = (parent.text or "") + "".join(tails)
            else:
                kept.tail = (kept.tail or "") + "".join(tails)
            tails.clear()

        for child in list(parent):
            if isinstance(child.tag, str) and _is_caption(child):
                tails.append(child.tail or "")
                parent.remove(child)
                continue
            give_tails()
            kept = child
            stack.append(child)
        give_tails()
    return lxml.html.tostring(tree, encoding="unicode")


def extract(data: bytes, name: str, options: FormatOptions, encoding: str | None = None) -> Extracted:
    """The article of a saved web page as headings and paragraphs (see module doc)."""
    del options  # the page's size is bounded by the corpus' max_bytes; nothing inflates
    page, used, replaced = _decode(data, encoding)
    doc = trafilatura.bare_extraction(
        _without_captions(page), include_formatting=True, include_tables=True, include_images=False,
        include_comments=False, include_links=False, with_metadata=True,
        favor_recall=True,  # else trafilatura drops in-article <h2> headings of short reports (section lost)
    )
    body = getattr(doc, "body", None) if doc is not None else None
    page_title = getattr(doc, "title", None) or ""
    site = _TITLE_SITE.search(page_title)
    title = clean_title_hint(page_title[: site.start()] if site else page_title, name)
    blocks = [b for b in (_blocks(body) if body is not None else [])
              if not (len(b) <= MAX_SITE_LINE and _SITE_LINE.search(b)) and b.lstrip("# ") != title]
    if not any(has_sentence_end(b) for b in blocks):
        raise FormatError("no article text found in the page (only navigation, links or short lines)")
    if title:
        blocks.insert(0, "# " + title)
    return Extracted(text="\n\n".join(blocks) + "\n", format="html", encoding=used, replaced=replaced, title_hint=title)
