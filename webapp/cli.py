"""Entry point of the `reportsearch` console script: the indexer's commands plus `serve`."""

from __future__ import annotations

from indexer.cli import cli


def main() -> None:
    """Run the `reportsearch` command line."""
    cli()
