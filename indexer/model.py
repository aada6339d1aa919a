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
