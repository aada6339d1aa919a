"""OCR engines behind one call: a page's greyscale pixels → OcrBox lines, under a CPU-time budget.

RapidOCR (`rapidocr-onnxruntime`: PaddleOCR's PP-OCRv4 detection and recognition models, converted to ONNX
and shipped inside the wheel, Apache-2.0) is the engine ingest uses: on our rendered report pages it reads
99.5–99.9 % of the characters right against Tesseract's ~97–98 % (docs/ocr.md, bench/RESULTS.md). Tesseract
(`chi_sim`, Debian packages, run as a program) stays here so bench/ocr.py can measure both the same way.

Neither downloads anything: RapidOCR's models are files of the installed package, Tesseract's are the
Debian package's traineddata. A missing engine raises OcrUnavailable with the command that installs it.
"""

from __future__ import annotations

import math
import os
import re
import resource
import shutil
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol

from indexer.ingest.ocr import APT_INSTALL, OCR_PAGE_SECONDS, PIP_INSTALL, OcrBox, OcrUnavailable, PageTimeout

ENGINES = ("rapidocr", "tesseract")
DEFAULT_ENGINE = "rapidocr"
_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
WIDEN = 0.5  # line heights added at each end of a detected line before it is read
_FULL = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？", "(": "（", ")": "）"}
# A delivery line's opening "——" (——2024年1月18日在…会议上) is read as "一－", "一一" or "—一": the character 一 is a
# horizontal stroke like a dash. Left so, the line reads as a numbered heading (一…) and the report loses its date.
_DELIVERY_DASH = re.compile(r"^(?:一[－—–\-―‒一]|[－—–―‒]一)(?=\d{4}年|[〇○零一二三四五六七八九]{4}年|在)")


def tidy(text: str) -> str:
    """An engine's line as the report printed it: no spaces inside Chinese, ASCII punctuation next to Chinese full-width."""
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(rf"(?<=[{_CJK}]) (?=[{_CJK}\w])|(?<=\w) (?=[{_CJK}])", "", text)  # keep spaces between Latin words only
    text = re.sub(rf"(?<=[{_CJK}])[,;:!?()]|[(](?=[{_CJK}])|[,;:!?)](?=[{_CJK}])", lambda m: _FULL[m.group(0)], text)
    return _DELIVERY_DASH.sub("——", text)


class Engine(Protocol):
    """What ingest needs of an OCR engine."""

    name: str  # recorded per report (build.json): which engine read it, e.g. "rapidocr 1.4.4"

    def recognize(self, pixels: Any, *, budget: float = OCR_PAGE_SECONDS, dpi: float = 200.0) -> list[OcrBox]:
        """The text lines of one page image (greyscale uint8 array); PageTimeout past `budget` CPU seconds."""
        ...


class _Overtime(BaseException):
    """Raised by the SIGPROF handler: the page's CPU budget is spent. A BaseException, so that a library's
    `except Exception` around its model call (RapidOCR rewraps errors as ONNXRuntimeError) lets it through."""


@contextmanager
def cpu_budget(seconds: float) -> Iterator[None]:
    """Raise PageTimeout when this process spends more than `seconds` CPU seconds (all threads) inside the block.

    ITIMER_PROF counts CPU time, not wall time, so a page is not cut short because the machine is busy; the
    signal is handled between Python steps (ONNX runs one model call at a time, each well under a second).
    """
    def overtime(signum: int, frame: object) -> None:
        raise _Overtime

    previous = signal.signal(signal.SIGPROF, overtime)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    except _Overtime:
        raise PageTimeout(f"a page takes over {seconds:g} CPU seconds to OCR (ocr_page_seconds)") from None
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


class RapidOcr:
    """RapidOCR's PP-OCRv4 models (bundled in the wheel): text lines found on a reduced page, read at full resolution.

    Detection (where the lines are) is the costly half on a whole page and needs no fine detail: it runs on
    the page scaled to DETECT_SIDE pixels. Recognition reads each line cut from the full-resolution page, one
    line per model call (batches pad every line to the longest: slower on pages of equal lines). No angle
    classifier: pages are upright, and deskew.py levels them. On our bench pages this reads the same
    characters as RapidOCR's own pipeline at half its CPU time (docs/ocr.md). The steps are RapidOCR 1.4's own
    (text_det, sorted_boxes, get_crop_img_list, text_rec): the ocr extra pins that series.
    """

    DETECT_SIDE = 1000  # pixels: the long side of the page as detection sees it (~100 dpi for A4)
    MIN_SCORE = 0.5  # lines recognised with a lower score are noise (RapidOCR's own default text_score)

    def __init__(self, threads: int = 1) -> None:
        try:
            from importlib.metadata import version

            from rapidocr_onnxruntime import RapidOCR
        except ImportError as exc:
            raise OcrUnavailable(
                f"the OCR engine is not installed ({exc.name or 'rapidocr_onnxruntime'} missing): install it with {PIP_INSTALL}"
            ) from None
        # Threads per engine: ingest runs a parsing child per core, where more threads only add overhead.
        self._ocr = RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=1, use_cls=False, rec_batch_num=1)
        self.name = f"rapidocr {version('rapidocr-onnxruntime')}"

    def recognize(self, pixels: Any, *, budget: float = OCR_PAGE_SECONDS, dpi: float = 200.0) -> list[OcrBox]:
        """The text lines of one page image (see Engine)."""
        import cv2
        import numpy as np

        h, w = pixels.shape
        scale = min(1.0, self.DETECT_SIDE / max(h, w))
        small = cv2.resize(pixels, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_AREA)
        with cpu_budget(budget):
            found, _ = self._ocr.text_det(cv2.cvtColor(small, cv2.COLOR_GRAY2BGR))
            if found is None or len(found) == 0:
                return []
            quads = [np.asarray(q, dtype=np.float32) / scale for q in self._ocr.sorted_boxes(found)]
            crops = self._ocr.get_crop_img_list(cv2.cvtColor(pixels, cv2.COLOR_GRAY2BGR), [_widened(q, w) for q in quads])
            read, _ = self._ocr.text_rec(crops)
        boxes = []
        for quad, (text, score) in zip(quads, read):
            text = tidy(text)
            if text and score >= self.MIN_SCORE:
                xs, ys = quad[:, 0], quad[:, 1]
                boxes.append(OcrBox(float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max()), text, float(score)))
        return boxes


def _widened(quad: Any, width: int) -> Any:
    """A detected line's quadrilateral (top-left, top-right, bottom-right, bottom-left) WIDEN heights longer at each end.

    Detection on the reduced page can cut a line's box at its last stroke-heavy character: a full stop after
    it, small and low, falls outside, and a paragraph whose "。" is lost runs into the next one. The line is
    read from the widened box; its position (for layout) stays the detected one.
    """
    import numpy as np

    height = float(np.linalg.norm(quad[3] - quad[0]))
    along = quad[1] - quad[0]
    unit = along / max(1e-6, float(np.linalg.norm(along)))
    grown = quad.copy()
    grown[[0, 3]] -= WIDEN * height * unit
    grown[[1, 2]] += WIDEN * height * unit
    grown[:, 0] = np.clip(grown[:, 0], 0, width - 1)
    return grown


class Tesseract:
    """Tesseract with Debian's chi_sim model, run as a program on the page (PGM on stdin, TSV on stdout)."""

    def __init__(self, language: str = "chi_sim", threads: int = 1) -> None:
        exe = shutil.which("tesseract")
        if exe is None:
            raise OcrUnavailable(f"Tesseract is not installed: install it with {APT_INSTALL}")
        langs = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30).stdout.split()
        if language not in langs:
            raise OcrUnavailable(f"Tesseract has no {language} model: install it with {APT_INSTALL}")
        version = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=30).stdout.split("\n")[0]
        self.name = f"{version.strip()} {language}"
        self._cmd = [exe, "stdin", "stdout", "-l", language, "--psm", "3"]
        # OpenMP spins idle threads: on a shared 2-core machine one thread per page reads 2× the pages per CPU second.
        self._env = {**os.environ, "OMP_THREAD_LIMIT": str(threads)}

    def recognize(self, pixels: Any, *, budget: float = OCR_PAGE_SECONDS, dpi: float = 200.0) -> list[OcrBox]:
        """The text lines of one page image (see Engine)."""
        height, width = pixels.shape
        pgm = b"P5\n%d %d\n255\n" % (width, height) + pixels.tobytes()
        cpu = math.ceil(budget)

        def limit() -> None:  # pragma: no cover - runs in the tesseract child
            resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))

        try:
            done = subprocess.run(
                [*self._cmd, "--dpi", str(round(dpi)), "tsv"], input=pgm, capture_output=True, env=self._env,
                preexec_fn=limit, timeout=4 * budget,
            )
        except subprocess.TimeoutExpired:
            raise PageTimeout(f"a page takes over {budget:g} seconds to OCR (ocr_page_seconds)") from None
        if done.returncode == -signal.SIGXCPU or done.returncode == -signal.SIGKILL:
            raise PageTimeout(f"a page takes over {budget:g} CPU seconds to OCR (ocr_page_seconds)")
        return _tsv_lines(done.stdout.decode("utf-8", "replace"))


def _tsv_lines(tsv: str) -> list[OcrBox]:
    """Tesseract's TSV (one row per page, block, paragraph, line and word) → one OcrBox per line."""
    lines: dict[tuple[str, ...], list[tuple[str, float]]] = {}
    boxes: dict[tuple[str, ...], tuple[float, float, float, float]] = {}
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12:
            continue
        key = tuple(cols[1:5])  # page, block, paragraph, line
        left, top, w, h = (float(c) for c in cols[6:10])
        if cols[0] == "4":
            boxes[key] = (left, top, left + w, top + h)
            lines[key] = []
        elif cols[0] == "5" and cols[11].strip() and key in lines:
            lines[key].append((cols[11], max(0.0, float(cols[10])) / 100))
    out = []
    for key, words in lines.items():
        text = tidy(" ".join(w for w, _ in words))
        if text:
            x0, y0, x1, y1 = boxes[key]
            chars = sum(len(w) for w, _ in words)
            conf = sum(c * len(w) for w, c in words) / chars
            out.append(OcrBox(x0, y0, x1, y1, text, conf))
    return out


def engine_id(name: str = DEFAULT_ENGINE) -> str:
    """The engine's name and version as installed ("rapidocr 1.4.4"), without loading it; "" when it is not installed.

    The OCR cache's key includes it (ocr/cache.py): pages read by another engine or version are read again.
    """
    from importlib.metadata import PackageNotFoundError, version

    if name == "rapidocr":
        try:
            return f"rapidocr {version('rapidocr-onnxruntime')}"
        except PackageNotFoundError:
            return ""
    if name == "tesseract":
        try:
            return Tesseract().name
        except OcrUnavailable:
            return ""
    raise ValueError(f"unknown OCR engine {name!r} (one of {', '.join(ENGINES)})")


def load_engine(name: str = DEFAULT_ENGINE, *, threads: int = 1) -> Engine:
    """The named OCR engine, ready to recognize pages; OcrUnavailable (with the install command) when it is missing."""
    if name == "rapidocr":
        return RapidOcr(threads)
    if name == "tesseract":
        return Tesseract(threads=threads)
    raise ValueError(f"unknown OCR engine {name!r} (one of {', '.join(ENGINES)})")
