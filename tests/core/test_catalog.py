from pathlib import Path

from desktop.core.catalog import Catalog, FileRecord


def _catalog(tmp_path: Path) -> Catalog:
    return Catalog(tmp_path / "catalog.sqlite3")


def test_migrations_run_once(tmp_path: Path) -> None:
    _catalog(tmp_path).close()
    catalog = _catalog(tmp_path)  # a second open finds the schema and adds nothing
    assert catalog.collections() == []


def test_identical_contents_are_one_document_with_two_paths(tmp_path: Path) -> None:
    catalog = _catalog(tmp_path)
    c = catalog.create_collection("docs", "m", 4)
    gone = catalog.record_files(
        c, [FileRecord("/a/x.pdf", "aa", 1, 1), FileRecord("/a/copy.pdf", "aa", 1, 1)],
        [("aa", 3, "")],
    )  # fmt: skip
    assert gone == set()
    assert catalog.paths_for(c, ["aa"]) == {"aa": ["/a/copy.pdf", "/a/x.pdf"]}
    assert catalog.stats(c).documents == 1 and catalog.stats(c).chunks == 3
    # forgetting one copy keeps the content; forgetting both drops it
    assert catalog.forget_files(c, ["/a/x.pdf"]) == set()
    assert catalog.forget_files(c, ["/a/copy.pdf"]) == {"aa"}
    assert catalog.document_hashes(c) == set()


def test_a_changed_file_releases_its_old_content(tmp_path: Path) -> None:
    catalog = _catalog(tmp_path)
    c = catalog.create_collection("docs", "m", 4)
    catalog.record_files(c, [FileRecord("/a/x.txt", "aa", 1, 1)], [("aa", 1, "")])
    gone = catalog.record_files(c, [FileRecord("/a/x.txt", "bb", 2, 2)], [("bb", 1, "")])
    assert gone == {"aa"}
    assert catalog.document_hashes(c) == {"bb"}


def test_files_under_a_folder_do_not_include_its_neighbours(tmp_path: Path) -> None:
    catalog = _catalog(tmp_path)
    c = catalog.create_collection("docs", "m", 4)
    catalog.record_files(
        c, [FileRecord("/a/b/x.txt", "aa", 1, 1), FileRecord("/a/bc/y.txt", "bb", 1, 1)],
        [("aa", 1, ""), ("bb", 1, "")],
    )  # fmt: skip
    assert list(catalog.files_under(c, "/a/b")) == ["/a/b/x.txt"]


def test_deleting_a_collection_deletes_its_rows(tmp_path: Path) -> None:
    catalog = _catalog(tmp_path)
    c = catalog.create_collection("docs", "m", 4)
    catalog.add_roots(c, ["/a"])
    catalog.record_files(c, [FileRecord("/a/x.txt", "aa", 1, 1)], [("aa", 1, "")])
    catalog.delete_collection(c)
    again = catalog.create_collection("docs", "m", 4)
    assert catalog.stats(again).files == 0 and catalog.roots(again) == []
