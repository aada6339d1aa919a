"""Legacy Word .doc (Word 97–2003 binary): converted by an installed tool, never parsed by our code.

Measured on a generated CJK report (bench/RESULTS.md, "legacy .doc converters"): LibreOffice headless
(→ .docx, then read like any .docx) keeps the title style, bold leads and tables, ~4 s a file; antiword
gives the same paragraphs but loses styles, ~0.01 s a file; catdoc broke a paragraph in two. So:
LibreOffice when configured, else antiword; with neither, the file is skipped by name saying what to
install. The converter's path comes from FormatOptions.doc_converter (the CLI finds one on PATH or takes
$REPORTSEARCH_DOC_CONVERTER). Government sites also serve RTF, HTML and .docx files named .doc: those are
recognised by their first bytes and read as what they are.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from indexer.ingest.formats import Extracted, FormatError, FormatOptions

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
INSTALL = ("install LibreOffice (apt-get install libreoffice-writer-nogui) or antiword (apt-get install antiword), "
           "or set REPORTSEARCH_DOC_CONVERTER, or save the file as .docx")


def _is_antiword(converter: str) -> bool:
    return Path(converter).name.startswith("antiword")


def _run(cmd: list[str], options: FormatOptions, cwd: str) -> subprocess.CompletedProcess:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": cwd, "LANG": "C.UTF-8"}
    try:
        return subprocess.run(cmd, capture_output=True, timeout=options.converter_timeout, cwd=cwd, env=env,
                              stdin=subprocess.DEVNULL, check=False)
    except subprocess.TimeoutExpired:
        raise FormatError(f"the .doc converter took over {options.converter_timeout:g} s; save the file as .docx") from None
    except OSError as exc:
        raise FormatError(f"the .doc converter {cmd[0]!r} cannot run ({exc.strerror or exc}); {INSTALL}") from None


def _convert(data: bytes, converter: str, options: FormatOptions, rtf: bool) -> Extracted:
    with tempfile.TemporaryDirectory(prefix="reportsearch-doc-") as tmp:
        src = Path(tmp) / ("source.rtf" if rtf else "source.doc")
        src.write_bytes(data)
        if _is_antiword(converter):
            if rtf:
                raise FormatError(f"an RTF file named .doc; antiword cannot read it: {INSTALL}")
            done = _run([converter, "-m", "UTF-8.txt", "-w", "0", str(src)], options, tmp)
            if done.returncode != 0 or not done.stdout.strip():
                raise FormatError(f"antiword could not read it ({done.stderr.decode('utf-8', 'replace').strip()[:200]})")
            from indexer.ingest.formats import text

            out = text.extract(done.stdout, "utf-8")
            return Extracted(text=out.text, format="doc", encoding="utf-8")
        outdir = Path(tmp) / "out"
        done = _run([converter, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--norestore",
                     "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(outdir), str(src)], options, tmp)
        produced = outdir / (src.stem + ".docx")
        if not produced.is_file():
            detail = (done.stderr or done.stdout).decode("utf-8", "replace").strip()[:200]
            raise FormatError(f"LibreOffice could not convert it (corrupt or not a Word file?) {detail}".strip())
        from indexer.ingest.formats import docx

        out = docx.extract(produced.read_bytes(), "source.docx", options)
        out.format = "doc"
        return out


def extract(data: bytes, name: str, options: FormatOptions) -> Extracted:
    """A .doc via the configured converter; a .docx/HTML/RTF file that merely carries the .doc name as itself."""
    head = data[:2048].lstrip().lower()
    if data.startswith(b"PK\x03\x04"):
        from indexer.ingest.formats import docx

        return docx.extract(data, name, options)
    if head.startswith((b"<!doctype html", b"<html", b"<meta", b"\xef\xbb\xbf<")) or b"<html" in head[:512]:
        from indexer.ingest.formats import html

        return html.extract(data, name, options)
    rtf = data.startswith(b"{\\rtf")
    if not rtf and not data.startswith(OLE_MAGIC):
        raise FormatError("not a Word .doc (no Word file signature)")
    if not options.doc_converter:
        raise FormatError(f"legacy Word .doc and no converter is installed: {INSTALL}")
    return _convert(data, options.doc_converter, options, rtf)
