"""When each report was added to the index: build.json's per-report `added` (ISO 8601, UTC), what the Atom feed
orders by, and `content`, the digest that decides whether a report is still the one that was added.

A report keeps the `added` of the build it comes from while its text stays the same (its `content`: SHA-256 of
its paragraphs' texts in order), through incremental and full reindexes alike; a new report, a removed one put
back, or one whose text changed gets the time of the build that indexes it. A catalog edit (title, date) is no
new text: the report keeps its time. A previous build made before these fields existed is trusted by
fingerprint instead (same file, catalog entry, dictionary and themes), and lends its `built_at` as the time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from indexer.model import Report


def stamp_now() -> str:
    """The current time as build.json writes it (UTC, ISO 8601 with microseconds: two builds never tie)."""
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="microseconds")


def content_digest(report: Report) -> str:
    """SHA-256 of the report's paragraphs' texts, in order."""
    texts = json.dumps([p.text for p in report.paragraphs], ensure_ascii=False)
    return hashlib.sha256(texts.encode("utf-8", "surrogatepass")).hexdigest()


class AddedTimes:
    """Each report's `added`, from the build a new build follows (its build.json, None for the first build)."""

    def __init__(self, previous: dict | None, now: str | None = None) -> None:
        self.old = {r.get("id"): r for r in (previous or {}).get("reports", []) if isinstance(r, dict)}
        self.since = (previous or {}).get("built_at")
        self.now = now or stamp_now()

    def of(self, report: Report, digest: str, fingerprint: str | None) -> str:
        """The `added` of a report parsed for the new build (see the module docstring)."""
        record = self.old.get(report.id)
        if record is None:
            return self.now
        if record.get("content"):
            same = record["content"] == digest
        else:
            same = fingerprint is not None and record.get("fingerprint") == fingerprint
        return (record.get("added") or self.since or self.now) if same else self.now

    def kept(self, record: dict) -> dict:
        """A record reused as it was (incremental build), its `added` filled in when its build predates it."""
        return record if record.get("added") else record | {"added": self.since or self.now}
