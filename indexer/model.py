"""The paragraph model every stage shares: what a report is and what one searchable paragraph carries."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One body paragraph of a report: the unit of search."""

    report: str  # report id (see Report.id)
    position: int  # 1-based order of the paragraph within its report; the web view anchors #p<position>
    text: str  # clean text as the report said it: markup, layout numbers, bylines removed; not normalised
    section: str  # heading the paragraph sits under ("" when the report has none there)
    institution: str  # full official name, e.g. 平湖市人民检察院
    years: tuple[int, ...]  # every year the report covers, ascending
    title: str  # the report's title as a reader would cite it
    theme: str  # one theme of the taxonomy in themes.toml, e.g. 司法为民
    lead: str = ""  # the bold or numbered lead that opens the paragraph (a prefix of text), "" if none

    @property
    def id(self) -> str:
        """Stable id: the same corpus always yields the same ids."""
        return f"{self.report}-p{self.position}"

    def to_dict(self) -> dict:
        """The export / API shape of a paragraph (without search-only fields)."""
        return {
            "id": self.id,
            "report": self.report,
            "title": self.title,
            "institution": self.institution,
            "years": list(self.years),
            "theme": self.theme,
            "section": self.section,
            "position": self.position,
            "text": self.text,
        }


@dataclass(frozen=True, slots=True)
class OcrSummary:
    """How a scanned report was read: the OCR engine, the pages it read and their mean confidence (0–1, by characters)."""

    engine: str
    pages: int
    confidence: float

    def describe(self) -> str:
        """'3 pages by rapidocr 1.4.4, mean confidence 0.983' (reindex and add print it)."""
        return f"{self.pages} page{'s' if self.pages != 1 else ''} by {self.engine}, mean confidence {self.confidence:.3f}"

    def to_dict(self) -> dict:
        """The record kept in build.json's report record ("ocr")."""
        return {"engine": self.engine, "pages": self.pages, "confidence": round(self.confidence, 4)}

    @classmethod
    def from_dict(cls, record: dict) -> OcrSummary:
        """The summary from its build.json record."""
        return cls(str(record.get("engine", "")), int(record.get("pages", 0)), float(record.get("confidence", 0.0)))


@dataclass(slots=True)
class Report:
    """A parsed report file with its catalog metadata and its paragraphs in order."""

    id: str  # derived from the file name (stem), unique in a corpus; safe in a URL path segment
    file: str  # path relative to the corpus folder, with forward slashes
    title: str
    institution: str  # the institution of the report's first part
    years: tuple[int, ...]
    date: str | None = None
    source: str | None = None
    paragraphs: list[Paragraph] = field(default_factory=list)
    institutions: tuple[str, ...] = ()  # every institution that has paragraphs, in order of appearance
    ocr: OcrSummary | None = None  # for a scanned report: how its text was read (build.json keeps it)
