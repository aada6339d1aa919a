"""Legacy Word .doc (Word 97–2003 binary) and RTF: converted by an installed tool, never parsed by our code.

Measured on a generated CJK report (bench/RESULTS.md, "legacy .doc converters"): LibreOffice headless
(→ .docx, then read like any .docx) keeps the title style, bold leads and tables, ~4 s a file; antiword
gives the same paragraphs but loses styles, ~0.01 s a file; catdoc broke a paragraph in two. So:
LibreOffice when configured, else antiword; with neither, the file is skipped by name saying what to
install. The converter's path comes from FormatOptions.doc_converter (the CLI finds one on PATH or takes
$REPORTSEARCH_DOC_CONVERTER). Which files come here is decided by their first bytes (formats/sniff.py):
HTML and .docx files named .doc never do.

Two steps, so the corpus loader can run them in different processes: convert() runs the converter (a
separate program with its own time limit, which must not inherit the parsing child's address-space limit:
LibreOffice maps far more than it uses) and read_converted() parses its output like any untrusted .docx
or text, in the resource-limited child (formats/isolate.py).
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from indexer.ingest.formats.base import Extracted, FormatError, FormatOptions
from indexer.ingest.formats.sniff import CONVERTED, sniff

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


def needs_converter(data: bytes) -> bool:
    """True for the files convert() is for: OLE .doc (Word 97–2003) and RTF, by their first bytes."""
    return sniff(data).kind in CONVERTED


def convert(data: bytes, options: FormatOptions) -> tuple[bytes, str]:
    """The converter's output for an OLE .doc or RTF file and what it is ("docx" or "text"); FormatError if none."""
    converter = options.doc_converter
    rtf = sniff(data).kind == "rtf"
    if not converter:
        kind = "an RTF document" if rtf else "legacy Word .doc"
        raise FormatError(f"{kind} and no converter is installed: {INSTALL}")
    with tempfile.TemporaryDirectory(prefix="reportsearch-doc-") as tmp:
        src = Path(tmp) / ("source.rtf" if rtf else "source.doc")
        src.write_bytes(data)
        if _is_antiword(converter):
            if rtf:
                raise FormatError(f"an RTF document; antiword cannot read it: {INSTALL}")
            done = _run([converter, "-m", "UTF-8.txt", "-w", "0", str(src)], options, tmp)
            if done.returncode != 0 or not done.stdout.strip():
                raise FormatError(f"antiword could not read it ({done.stderr.decode('utf-8', 'replace').strip()[:200]})")
            return done.stdout, "text"
        outdir = Path(tmp) / "out"
        done = _run([converter, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--norestore",
                     "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(outdir), str(src)], options, tmp)
        produced = outdir / (src.stem + ".docx")
        if not produced.is_file():
            detail = (done.stderr or done.stdout).decode("utf-8", "replace").strip()[:200]
            raise FormatError(f"LibreOffice could not convert it (corrupt or not a Word file?) {detail}".strip())
        return produced.read_bytes(), "docx"


def read_converted(data: bytes, kind: str, options: FormatOptions) -> Extracted:
    """The converter's output (see convert) as the report's text, format "doc"."""
    if kind == "text":
        from indexer.ingest.formats import text

        out = text.extract(data, "utf-8")
        return Extracted(text=out.text, format="doc", encoding="utf-8")
    from indexer.ingest.formats import docx

    out = docx.extract(data, "source.docx", options)
    out.format = "doc"
    return out


def extract(data: bytes, options: FormatOptions) -> Extracted:
    """An OLE .doc or RTF file, converted (convert) and read (read_converted) in this process."""
    if sniff(data).kind not in CONVERTED:
        raise FormatError("not a Word .doc (no Word file signature)")
    return read_converted(*convert(data, options), options)
