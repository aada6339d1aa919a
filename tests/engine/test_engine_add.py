"""`reportsearch add` and `reportsearch remove`: corpus, catalog (layout kept) and index change together."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from indexer.cli import cli
from indexer.index.store import Store
from indexer.search.engine import get_report, search
from tests.helpers.adding import new_report


def run(*args: str | Path) -> object:
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_add_copies_catalogs_and_indexes_without_a_full_rebuild(indexed: tuple[Path, Path], tmp_path: Path,
                                                                repo_corpus: Path) -> None:
    corpus, index = indexed
    catalog_before = (corpus / "catalog.toml").read_text(encoding="utf-8")
    source = new_report(repo_corpus, tmp_path / "downloads", "haiyan-court-2024.txt")
    result = run("add", source, "--source", "https://example.org/haiyan", "--date", "2025-01-20",
                 "--corpus", corpus, "--index", index)
    assert result.exit_code == 0, result.output
    assert "incremental: 1 added, 0 changed, 0 removed" in result.output
    assert "institution = '海盐县人民法院'" in result.output  # the catalog entry written
    assert "detected: title " in result.output and "institution 海盐县人民法院 (the most frequent name in the text)" in result.output
    assert (corpus / "haiyan-court-2024.txt").read_bytes() == source.read_bytes()
    catalog = (corpus / "catalog.toml").read_text(encoding="utf-8")
    assert catalog.startswith(catalog_before)  # the user's comments and entries are kept byte for byte
    entry = tomllib.loads(catalog)["report"][-1]
    assert entry == {"file": "haiyan-court-2024.txt", "title": "创新攻坚 再谱新篇 平湖两会特别报道",
                     "institution": "海盐县人民法院", "year": 2024, "date": "2025-01-20",
                     "source": "https://example.org/haiyan"}
    store = Store(index)
    found = search(store, "海盐县人民法院")
    full = found["hits"][:found["total"]]  # partial matches of other reports may follow
    assert full and {h["report"] for h in full} == {"haiyan-court-2024"}
    report = get_report(store, "haiyan-court-2024")
    assert report["source"] == "https://example.org/haiyan" and report["date"] == "2025-01-20"


def test_add_refuses_a_duplicate_by_content_naming_the_existing_file(indexed_copy: tuple[Path, Path], tmp_path: Path,
                                                                     repo_corpus: Path) -> None:
    corpus, index = indexed_copy
    copy = tmp_path / "elsewhere" / "renamed.txt"
    copy.parent.mkdir()
    shutil.copy(repo_corpus / "pinghu-court-2023.txt", copy)
    catalog = (corpus / "catalog.toml").read_bytes()
    build = Store(index).current().build_id
    result = run("add", copy, "--corpus", corpus, "--index", index)
    assert result.exit_code == 2
    assert "already in the corpus as pinghu-court-2023.txt (same content)" in result.output
    assert not (corpus / "renamed.txt").exists() and (corpus / "catalog.toml").read_bytes() == catalog
    assert Store(index).current().build_id == build


def test_add_dry_run_changes_nothing(indexed_copy: tuple[Path, Path], tmp_path: Path, repo_corpus: Path) -> None:
    corpus, index = indexed_copy
    source = new_report(repo_corpus, tmp_path / "dl", "tongxiang-court-2022.txt", "桐乡市", 2022)
    files = sorted(p.name for p in corpus.iterdir())
    build = Store(index).current().build_id
    result = run("add", source, "--dry-run", "--corpus", corpus, "--index", index)
    assert result.exit_code == 0, result.output
    assert "would add" in result.output and "institution = '桐乡市人民法院', year = 2022" in result.output
    assert sorted(p.name for p in corpus.iterdir()) == files
    assert Store(index).current().build_id == build


def test_add_a_folder_with_given_metadata_and_refusals(indexed: tuple[Path, Path], tmp_path: Path,
                                                       repo_corpus: Path) -> None:
    corpus, index = indexed
    folder = tmp_path / "batch"
    new_report(repo_corpus, folder, "a-2021.txt", "海宁市", 2021)
    new_report(repo_corpus, folder / "sub", "b-2022.md", "嘉善县", 2022)
    (folder / "notes.docx.tmp").write_text("not a report", encoding="utf-8")  # not a supported kind: ignored
    (folder / "nothing.txt").write_text("  \n\n", encoding="utf-8")  # no text: refused by name
    result = run("add", folder, "--year", "2019-2020", "--institution", "嘉兴市人民检察院",
                 "--corpus", corpus, "--index", index)
    assert result.exit_code == 1, result.output  # one file refused, the others added
    assert "refused" in result.output and "nothing.txt" in result.output
    entries = {e["file"]: e for e in tomllib.loads((corpus / "catalog.toml").read_text(encoding="utf-8"))["report"]}
    assert entries["a-2021.txt"]["year"] == "2019-2020" and entries["b-2022.md"]["institution"] == "嘉兴市人民检察院"
    hits = search(Store(index), "法院", institutions=["嘉兴市人民检察院"], years=["2019"], per_page=100)
    assert {h["report"] for h in hits["hits"]} >= {"a-2021", "b-2022"}


@pytest.mark.parametrize(("args", "message"), [
    (["--year", "20x4"], "--year"),
    (["--date", "18 Jan"], "--date must be a date"),
    (["--title", "两个文件一个标题"], "--title names one report"),
])
def test_add_bad_arguments_are_usage_errors(indexed_copy: tuple[Path, Path], tmp_path: Path, repo_corpus: Path,
                                           args: list[str], message: str) -> None:
    corpus, index = indexed_copy
    one = new_report(repo_corpus, tmp_path / "x", "x-2024.txt")
    two = new_report(repo_corpus, tmp_path / "x", "y-2024.txt", "海宁市")
    result = run("add", one, two, *args, "--corpus", corpus, "--index", index)
    assert result.exit_code == 2 and message in result.output
    assert not (corpus / "x-2024.txt").exists()


def test_remove_moves_the_file_aside_cuts_the_entry_and_unindexes(indexed: tuple[Path, Path]) -> None:
    corpus, index = indexed
    catalog = (corpus / "catalog.toml").read_text(encoding="utf-8")
    original = (corpus / "pinghu-court-2023.txt").read_bytes()
    result = run("remove", "pinghu-court-2023", "--corpus", corpus, "--index", index)
    assert result.exit_code == 0, result.output
    assert not (corpus / "pinghu-court-2023.txt").exists()
    assert (corpus / ".removed" / "pinghu-court-2023.txt").read_bytes() == original  # kept, never indexed
    after = (corpus / "catalog.toml").read_text(encoding="utf-8")
    assert "pinghu-court-2023.txt" not in after
    assert after.startswith(catalog.split("[[report]]\nfile = \"pinghu-court-2023.txt\"")[0])  # comments kept
    assert '[[report.part]]\ninstitution = "平湖市人民检察院"' in after  # the other entries, sub-tables included
    store = Store(index)
    assert get_report(store, "pinghu-court-2023") is None
    assert search(store, "诉源治理", years=["2023"])["total"] == 0
    again = run("remove", "pinghu-court-2023", "--corpus", corpus, "--index", index)
    assert again.exit_code == 2 and "no report 'pinghu-court-2023'" in again.output


def test_remove_moves_only_the_indexed_file_and_names_it(indexed: tuple[Path, Path], repo_corpus: Path) -> None:
    corpus, index = indexed
    # A second file with the same id, later in corpus order: skipped by the indexer ("id already used").
    never_indexed = new_report(repo_corpus, corpus / "zz", "pinghu-court-2023.txt", place="海宁市")
    result = run("reindex", "--corpus", corpus, "--index", index)
    assert "report id 'pinghu-court-2023' is already used by pinghu-court-2023.txt" in result.output
    result = run("remove", "pinghu-court-2023", "--corpus", corpus, "--index", index)
    assert result.exit_code in (0, 1), result.output
    assert never_indexed.is_file()  # never indexed, so never touched
    assert "removed report pinghu-court-2023 (pinghu-court-2023.txt)" in result.output
    assert f"file moved to {corpus / '.removed' / 'pinghu-court-2023.txt'}" in result.output
    assert not (corpus / ".removed" / "zz").exists()
    assert sorted(p.name for p in (corpus / ".removed").rglob("*") if p.is_file()) == ["pinghu-court-2023.txt"]


def test_an_add_interrupted_after_its_catalog_entry_is_completed_by_the_next_add(
        indexed: tuple[Path, Path], tmp_path: Path, repo_corpus: Path) -> None:
    from indexer.collection import Metadata, add_reports
    from indexer.index.update import Hooks

    corpus, index = indexed
    source = new_report(repo_corpus, tmp_path / "downloads", "haiyan-court-2024.txt")

    def stop_at_loaded(phase: str) -> None:
        if phase == "loaded":
            raise KeyboardInterrupt  # Ctrl-C after the copy and the catalog entry, before the index switched

    with pytest.raises(KeyboardInterrupt):
        add_reports([source], corpus, index, Metadata(title="海盐县人民法院工作报告（用户标题）"),
                    hooks=Hooks(checkpoint=stop_at_loaded))
    assert (corpus / "haiyan-court-2024.txt").is_file() and get_report(Store(index), "haiyan-court-2024") is None
    other_title = run("add", source, "--title", "另一个标题", "--corpus", corpus, "--index", index)
    assert other_title.exit_code == 2 and "title" in other_title.output and "catalog.toml" in other_title.output
    again = run("add", source, "--corpus", corpus, "--index", index)
    assert again.exit_code == 0, again.output
    assert "[completing an interrupted add]" in again.output and "incremental: 1 added" in again.output
    report = get_report(Store(index), "haiyan-court-2024")
    assert report is not None and report["title"] == "海盐县人民法院工作报告（用户标题）"  # the entry written first
    entries = [e for e in tomllib.loads((corpus / "catalog.toml").read_text("utf-8"))["report"]
               if e["file"] == "haiyan-court-2024.txt"]
    assert len(entries) == 1
    done = run("add", source, "--corpus", corpus, "--index", index)  # now it is really there
    assert done.exit_code == 2 and "already in the corpus as haiyan-court-2024.txt" in done.output
