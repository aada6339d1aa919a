"""Hand-written minimal .docx files (for cases python-docx cannot write): docx_of(body) with p()/r() builders."""

from __future__ import annotations

import io
import zipfile

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def docx_of(body_xml: str, *, extra: dict[str, bytes] | None = None, doctype: str = "") -> bytes:
    """A minimal .docx with the given <w:body> content (hand-written XML, for cases python-docx cannot write)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        z.writestr("word/document.xml",
                   f'<?xml version="1.0" encoding="UTF-8"?>{doctype}<w:document {W_NS}><w:body>{body_xml}</w:body></w:document>')
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buf.getvalue()


def p(*runs: str, ppr: str = "") -> str:
    return f"<w:p>{f'<w:pPr>{ppr}</w:pPr>' if ppr else ''}{''.join(runs)}</w:p>"


def r(text: str, bold: bool = False) -> str:
    return f"<w:r>{'<w:rPr><w:b/></w:rPr>' if bold else ''}<w:t xml:space=\"preserve\">{text}</w:t></w:r>"
