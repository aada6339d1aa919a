"""Word .docx: the body's paragraphs and tables in order, read straight from the zip with defusedxml.

Why not python-docx: it parses with lxml (DTDs allowed), loads every part of the package (images included)
into memory and hides what we need to see — field codes (PAGE), soft line breaks, deleted revisions.
Reading word/document.xml and word/styles.xml ourselves takes ~150 lines, refuses any DTD or entity
(XXE, billion laughs), and reads at most FormatOptions.max_unzipped bytes whatever the zip claims.

What becomes what: a paragraph in a Heading/Title style (or with an outline level) is a heading; a short,
unindented, wholly bold paragraph that does not end like a sentence is a heading; a bold run opening a
paragraph is its lead; soft line breaks (w:br) and runs split mid-word are joined; page headers/footers
(separate parts), field results of PAGE/NUMPAGES/DATE, deleted text, drawings and text boxes are not read;
a table becomes one paragraph per row ("header：cell；header：cell。", see formats.table_rows).
"""

from __future__ import annotations

import io
import re
import zipfile
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from indexer.ingest.formats.base import Extracted, FormatError, FormatOptions, clean_title_hint, table_rows
from indexer.ingest.layout_rules import ends, join_wrapped

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DC = "{http://purl.org/dc/elements/1.1/}"
_DROPPED_FIELDS = re.compile(r"^\s*(PAGE|NUMPAGES|SECTIONPAGES|DATE|TIME|PRINTDATE|SAVEDATE|CREATEDATE)\b", re.I)
_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.I)
_SKIPPED = {W + t for t in ("delText", "instrText", "drawing", "pict", "object", "footnoteReference",
                            "endnoteReference", "commentReference")}
SHORT_HEADING = 40  # characters: a bold unindented paragraph up to this long, not ended like a sentence, is a heading
MAX_STYLE_DEPTH = 32  # basedOn links followed per style (Word's own chains are a few deep; a hostile file's 100,000)
MAX_INSTRUCTION = 256  # characters of a field instruction kept (" PAGE \* MERGEFORMAT "): only its first word matters


def _read(zf: zipfile.ZipFile, name: str, budget: list[int]) -> bytes | None:
    """The part's bytes, read through the decompressor with the remaining budget (declared sizes can lie)."""
    try:
        info = zf.getinfo(name)
    except KeyError:
        return None
    if info.file_size > budget[0]:
        raise FormatError(f"{name} inflates to {info.file_size:,} bytes, over the {budget[0]:,}-byte limit (zip bomb?)")
    with zf.open(info) as part:
        data = part.read(budget[0] + 1)
    if len(data) > budget[0]:
        raise FormatError(f"{name} inflates past the {budget[0]:,}-byte limit (zip bomb?)")
    budget[0] -= len(data)
    return data


class _Bounded(TreeBuilder):
    """ElementTree's builder, refusing a part with more than `limit` elements (a small zip of <x/><x/>… is cheap to
    send and costs ~300 bytes per element parsed: 60 MiB of them took 2.3 GB)."""

    def __init__(self, name: str, limit: int) -> None:
        super().__init__()
        self.name, self.limit, self.left = name, limit, limit

    def start(self, tag: str, attrs: dict[str, str]) -> Element:
        """An element opens: count it."""
        self.left -= 1
        if self.left < 0:
            raise FormatError(f"{self.name} has over {self.limit:,} XML elements (max_xml_elements); hostile or broken file")
        return super().start(tag, attrs)


def _xml(data: bytes, name: str, limit: int) -> Element:
    try:
        parser = DefusedXMLParser(target=_Bounded(name, limit), forbid_dtd=True)
        parser.feed(data)
        return parser.close()
    except FormatError:
        raise  # too many elements (a ValueError too, but not a corrupt part)
    except DefusedXmlException:
        raise FormatError(f"{name} declares a DTD or entities; refused (XML external entities are never read)") from None
    except (ParseError, ValueError) as exc:  # a corrupt part
        raise FormatError(f"{name} is not well-formed XML ({exc})") from None


def _on(el: Element | None) -> bool:
    """A w:b / w:i style toggle: present and not switched off."""
    return el is not None and el.get(W + "val", "true").lower() not in ("0", "false", "off", "none")


def _styles(root: Element | None) -> dict[str, tuple[int, bool]]:
    """styleId → (heading level or 0, bold), following basedOn."""
    raw: dict[str, tuple[str, int, bool | None, str | None]] = {}
    for st in (root.iter(W + "style") if root is not None else []):
        sid = st.get(W + "styleId") or ""
        name_el = st.find(W + "name")
        name = (name_el.get(W + "val") if name_el is not None else "") or sid
        m = _HEADING_STYLE.match(name.strip())
        level = 1 if name.strip().lower() in ("title", "标题") else int(m.group(1)) if m else 0
        outline = st.find(f"{W}pPr/{W}outlineLvl")
        outline_val = (outline.get(W + "val") or "") if outline is not None else ""
        if not level and outline_val.isdigit() and int(outline_val) < 9:
            level = int(outline_val) + 1
        b = st.find(f"{W}rPr/{W}b")
        based = st.find(W + "basedOn")
        raw[sid] = (name, level, _on(b) if b is not None else None, based.get(W + "val") if based is not None else None)
    out: dict[str, tuple[int, bool]] = {}
    for sid in raw:
        level, bold, cur = 0, None, sid
        seen: set[str] = set()
        while cur in raw and cur not in seen and len(seen) < MAX_STYLE_DEPTH:
            seen.add(cur)
            _, lv, own_bold, cur_based = raw[cur]
            level = level or lv
            bold = own_bold if bold is None else bold
            cur = cur_based or ""
        out[sid] = (level, bool(bold))
    return out


class _Field:
    """One open complex field: its instruction so far, whether its result is being read, whether that is dropped."""

    def __init__(self) -> None:
        self.instruction = ""
        self.in_result = False
        self.dropped = False  # in its result, and the instruction is PAGE/NUMPAGES/DATE…


class _Para:
    """Text of one w:p with bold per character span, skipping field codes and page-number results."""

    def __init__(self, p: Element, style_bold: bool) -> None:
        self.pieces: list[tuple[str, bool]] = []
        self.field_stack: list[_Field] = []
        self.codes = 0  # open fields between begin and separate (their text is field code)
        self.dropped = 0  # open fields whose result is dropped
        self._walk(p, style_bold)

    def _emit(self, text: str, bold: bool) -> None:
        if self.dropped or self.codes:  # counted as fields open and close: no scan of the stack per run
            return  # a dropped result, or between begin and separate: field code, not text
        self.pieces.append((text, bold))

    def _begin(self) -> None:
        self.field_stack.append(_Field())
        self.codes += 1

    def _separate(self) -> None:
        field = self.field_stack[-1]
        if not field.in_result:
            field.in_result = True
            self.codes -= 1
            self._recheck(field)

    def _end(self) -> None:
        field = self.field_stack.pop()
        if field.in_result:
            self.dropped -= field.dropped
        else:
            self.codes -= 1

    def _instruction(self, text: str) -> None:
        field = self.field_stack[-1]
        if len(field.instruction) < MAX_INSTRUCTION:
            field.instruction = (field.instruction + text)[:MAX_INSTRUCTION]
            if field.in_result:
                self._recheck(field)

    def _recheck(self, field: _Field) -> None:
        dropped = bool(_DROPPED_FIELDS.match(field.instruction))
        self.dropped += dropped - field.dropped
        field.dropped = dropped

    def _walk(self, el: Element, style_bold: bool) -> None:
        for child in el:
            tag = child.tag
            if tag in _SKIPPED or tag == W + "del" or tag == W + "txbxContent":
                if tag == W + "instrText" and self.field_stack:
                    self._instruction(child.text or "")
                continue
            if tag == W + "fldSimple":
                if not _DROPPED_FIELDS.match(child.get(W + "instr") or ""):
                    self._walk(child, style_bold)
                continue
            if tag == W + "r":
                rpr = child.find(W + "rPr")
                b = rpr.find(W + "b") if rpr is not None else None
                bold = _on(b) if b is not None else style_bold
                for item in child:
                    if item.tag == W + "t":
                        self._emit(item.text or "", bold)
                    elif item.tag == W + "tab":
                        self._emit(" ", bold)
                    elif item.tag == W + "fldChar":
                        kind = item.get(W + "fldCharType")
                        if kind == "begin":
                            self._begin()
                        elif kind == "separate" and self.field_stack:
                            self._separate()
                        elif kind == "end" and self.field_stack:
                            self._end()
                    elif item.tag == W + "instrText" and self.field_stack:
                        self._instruction(item.text or "")
                    elif item.tag in (W + "br", W + "cr") and item.get(W + "type") in (None, "textWrapping"):
                        self._emit("\n", bold)  # a soft line break: joined in text(), never a paragraph break
                continue
            if tag == W + "pPr":
                continue
            self._walk(child, style_bold)  # hyperlink, ins, smartTag, sdt content …

    def text(self) -> str:
        # Runs split mid-word are concatenated; a soft break joins like a hard-wrapped line (space between Latin words).
        lines = "".join(piece for piece, _ in self.pieces).split("\n")
        return re.sub(r"[ \t\u00a0]+", " ", join_wrapped(line.strip() for line in lines)).strip()

    def bold_prefix(self) -> tuple[str, bool]:
        """(the leading bold text, whether the whole paragraph is bold)."""
        prefix, whole = "", True
        for piece, bold in self.pieces:
            if not piece.strip():
                prefix += piece
                continue
            if not bold:
                whole = False
                break
            prefix += piece
        return prefix.strip(), whole


def _style_id(p: Element) -> str:
    style = p.find(f"{W}pPr/{W}pStyle")
    return style.get(W + "val", "") if style is not None else ""


def _paragraph(p: Element, styles: dict[str, tuple[int, bool]], title_style: bool) -> str:
    ppr = p.find(W + "pPr")
    sid = _style_id(p)
    level, style_bold = styles.get(sid, (0, False))
    ol_val = (ol.get(W + "val") or "") if ppr is not None and (ol := ppr.find(W + "outlineLvl")) is not None else ""
    if ol_val.isdigit():
        level = level or (int(ol_val) + 1 if int(ol_val) < 9 else 0)
    para = _Para(p, style_bold)
    text = para.text()
    if not text:
        return ""
    if level:
        return "#" * min(6, level + (1 if title_style and not sid.lower().startswith("title") else 0)) + " " + text
    ind = ppr.find(W + "ind") if ppr is not None else None
    indented = ind is not None and any(
        (ind.get(W + k) or "0").lstrip("-").isdigit() and int(ind.get(W + k) or "0") > 0
        for k in ("firstLine", "firstLineChars", "left", "start", "leftChars")
    )
    lead, whole = para.bold_prefix()
    ended = ends(text)
    if whole and not indented and not ended and len(text) <= SHORT_HEADING:
        return "### " + text
    if lead and text.startswith(lead) and (len(lead) < len(text) or ended):
        return f"**{lead}**{text[len(lead):]}"
    return text


def _cell_text(tc: Element) -> str:
    return "".join(_Para(p, False).text() for p in tc.iter(W + "p"))


def extract(data: bytes, name: str, options: FormatOptions) -> Extracted:
    """Headings, paragraphs and tables of word/document.xml in document order (see the module doc)."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise FormatError("not a .docx (not a zip archive; a renamed .doc? save it as .docx)") from None
    with zf:
        names = set(zf.namelist())
        if "word/document.xml" not in names:
            raise FormatError("a zip archive but not a Word .docx (no word/document.xml)")
        budget = [options.max_unzipped]
        try:
            document = _xml(_read(zf, "word/document.xml", budget) or b"", "word/document.xml", options.max_xml_elements)
            styles_xml = _read(zf, "word/styles.xml", budget)
            core_xml = _read(zf, "docProps/core.xml", budget)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, RuntimeError) as exc:
            raise FormatError(f"corrupt .docx ({exc})") from None
        except NotImplementedError as exc:  # an unsupported compression method
            raise FormatError(f"unsupported .docx compression ({exc})") from None
    styles = _styles(_xml(styles_xml, "word/styles.xml", options.max_xml_elements) if styles_xml else None)
    body = document.find(W + "body")
    if body is None:
        raise FormatError("word/document.xml has no body")
    # With a Title paragraph, "Heading 1" is one level below the title.
    title_style = any(_style_id(p).lower().startswith("title") for p in body.iter(W + "p"))
    blocks: list[str] = []

    def visit(container: Element) -> None:
        for child in container:
            if child.tag == W + "p":
                if text := _paragraph(child, styles, title_style):
                    blocks.append(text)
            elif child.tag == W + "tbl":
                rows = [[_cell_text(tc) for tc in tr.findall(W + "tc")] for tr in child.findall(W + "tr")]
                blocks.extend(table_rows(rows))
            elif child.tag in (W + "sdt", W + "sdtContent", W + "customXml"):
                visit(child)

    visit(body)
    title = None
    if core_xml:
        t = _xml(core_xml, "docProps/core.xml", options.max_xml_elements).find(DC + "title")
        title = clean_title_hint(t.text if t is not None else None, name)
    return Extracted(text="\n\n".join(blocks) + "\n", format="docx", title_hint=title)
