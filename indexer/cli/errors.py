"""The one error and exit rule of `search` and `trend`: a library error is the caller's mistake (status < 500:
exit 2, a usage error) or no usable index (exit 1); with --json it is printed as {"error", "status"}.

Usage errors (an unknown option, a bad number) follow the same rule: JsonErrorsCommand prints them as JSON
too when --json was given.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import click

from indexer.errors import BadRequest, ReportSearchError, error_document

SYNONYMS_HINT = "（修正该行，或用 --no-expand 只搜原词）"  # appended to a SynonymsError's message


def print_json(doc: dict) -> None:
    """One JSON document on stdout, UTF-8 whatever the locale says."""
    data = json.dumps(doc, ensure_ascii=False)
    sys.stdout.buffer.write(data.encode("utf-8") + b"\n")
    sys.stdout.flush()


def exit_code(status: int) -> int:
    """2 for the caller's mistake (a 4xx status), 1 when there is no usable index (503)."""
    return 2 if status < 500 else 1


def fail(message: str, status: int, as_json: bool) -> NoReturn:
    """Stop the command with message: as {"error", "status"} with --json, else click's usage or plain error."""
    if as_json:
        print_json(error_document(message, status))
        raise SystemExit(exit_code(status))
    if exit_code(status) == 2:
        raise click.UsageError(message)
    raise click.ClickException(message)


@contextmanager
def library_errors(as_json: bool) -> Iterator[None]:
    """Any ReportSearchError raised inside stops the command by fail() (a synonyms error with a hint)."""
    from indexer.search.language.synonyms import SynonymsError

    try:
        yield
    except SynonymsError as exc:
        fail(f"{exc}{SYNONYMS_HINT}", exc.status, as_json)
    except ReportSearchError as exc:  # bad arguments (400), no usable index (503)
        fail(str(exc), exc.status, as_json)


class JsonErrorsCommand(click.Command):
    """A command with --json: usage errors (unknown option, bad number) also come out as {"error": …}, exit 2."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        wants_json = "--json" in args  # read before parsing: click consumes `args` as it goes
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            if wants_json:
                print_json(error_document(exc.format_message(), BadRequest.status))
                ctx.exit(2)
            raise
