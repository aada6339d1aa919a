"""One family of library exceptions, each carrying the HTTP status it means and the message a user reads.

The web app and the CLI turn any ReportSearchError into the same JSON shape, `{"error": …, "status": …}`
(see `error_document`); anything else escaping the library is a bug: a 500 with its traceback logged.
"""

from __future__ import annotations


class ReportSearchError(Exception):
    """Base of every error the library raises on purpose; `status` is the HTTP status it maps to."""

    status: int = 500


class BadRequest(ReportSearchError, ValueError):
    """The caller's input cannot be used as given (a bad page, filter, year, query argument)."""

    status = 400


class NotFound(ReportSearchError, LookupError):
    """The thing asked for (a report, a build) does not exist."""

    status = 404


class Conflict(ReportSearchError):
    """The operation cannot run now because of another one (a reindex already running)."""

    status = 409


class Unavailable(ReportSearchError):
    """The index is missing, stale or being built: try again after `reportsearch reindex`."""

    status = 503


def error_document(message: str, status: int) -> dict[str, object]:
    """The one JSON error shape of the API and the CLI's --json output."""
    return {"error": message, "status": status}
