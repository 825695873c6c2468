"""The `arquivo` command line, called as `main(argv)` with real models."""

from __future__ import annotations

import json
from pathlib import Path

import pymupdf
import pytest

from desktop.cli.main import main
from desktop.core.ingest.ocr import OCR_OFF
from desktop.core.models.llm import FAST_CHAT_MODEL
from desktop.paths import AppPaths
from desktop.settings import Settings, save_settings
from tests.core.ingest.test_ocr import ENGLISH, scanned_page, text_page
from tests.helpers import ENGLISH_PAGES, make_pdf


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    make_pdf(tmp_path / "docs" / "report.pdf", ENGLISH_PAGES)
    (tmp_path / "docs" / "notes.txt").write_text("The heron counts seventeen lanterns.\n")
    (tmp_path / "docs" / "broken.pdf").write_bytes(b"<html>403 Forbidden</html>")
    return tmp_path / "docs"


def test_index_json_then_unchanged(capsys: pytest.CaptureFixture[str], docs: Path) -> None:
    code, out, _ = run(capsys, "index", str(docs), "--json")
    assert code == 0
    first = json.loads(out)
    assert set(first) == {
        "collection", "files_indexed", "files_unchanged", "files_removed",
        "files_skipped", "chunks_added", "seconds", "language", "embedding_model",
        "model_knows_language", "masked",
    }  # fmt: skip
    assert (first["language"], first["model_knows_language"]) == ("English", True)
    assert first["collection"] == "default" and first["files_indexed"] == 2
    assert first["files_skipped"] == [
        {"path": str(docs / "broken.pdf"), "reason": "not a PDF (file content is HTML)"}
    ]
    code, out, _ = run(capsys, "index", str(docs), "--json")
    again = json.loads(out)
    assert again["files_unchanged"] == 2 and again["chunks_added"] == 0


def test_search_and_collections(capsys: pytest.CaptureFixture[str], docs: Path) -> None:
    run(capsys, "index", str(docs), "--collection", "work")
    code, out, _ = run(capsys, "search", "heron lanterns", "-c", "work", "-k", "2", "--json")
    assert code == 0
    results = json.loads(out)["results"]
    assert results[0]["path"] == str(docs / "notes.txt") and results[0]["page"] is None
    assert set(results[0]) >= {"path", "page", "score", "text"}
    code, out, _ = run(capsys, "collections", "--json")
    (work,) = json.loads(out)["collections"]
    assert work["name"] == "work" and work["files"] == 2 and work["folders"] == [str(docs)]


def test_ask_json_has_answer_sources_and_timings(
    capsys: pytest.CaptureFixture[str], docs: Path
) -> None:
    run(capsys, "index", str(docs))
    # one sentence of the fixture holds these words (the team's size and its lead tie on
    # "Who leads the facilities team?", and the model's words then decide)
    code, out, _ = run(capsys, "ask", "Who schedules the quarterly safety drills?", "--json")
    assert code == 0
    answer = json.loads(out)
    assert answer["answer"].strip()
    assert answer["model"] == "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert set(answer["timings"]) >= {"retrieve_ms", "first_token_ms", "tokens_per_s"}
    top = answer["sources"][0]
    assert top["n"] == 1 and top["path"].endswith("report.pdf") and top["page"] == 3
    assert answer["cited"] == [s["n"] for s in answer["sources"] if s["cited"]]
    support = answer["support"]
    source = next(s for s in answer["sources"] if s["n"] == support["n"])
    assert source["text"][support["start"] : support["end"]] == support["sentence"]
    assert "Maria Costa leads the team" in support["sentence"]


def test_ask_streams_text_then_sources(capsys: pytest.CaptureFixture[str], docs: Path) -> None:
    run(capsys, "index", str(docs))
    code, out, _ = run(capsys, "ask", "How many lanterns does the heron count?")
    assert code == 0
    answer, _, sources = out.rpartition("\nSources:\n")  # the model may write one too
    assert answer.strip() and "[1] notes.txt" in sources
    assert 'Supporting sentence [1]: "The heron counts seventeen lanterns."' in answer
    listed = [line for line in sources.splitlines() if line.startswith("[")]
    assert listed and all(line.endswith(("(cited)", "(not cited)")) for line in listed)


def test_a_refusal_lists_the_closest_passages(
    capsys: pytest.CaptureFixture[str], docs: Path
) -> None:
    """The relevance gate can be wrong (it refuses 13% of FaQuAD's answerable questions,
    the right paragraph first for 42 of those 57): the nearest passages are listed, for
    the person to look at, and not given to the model."""
    run(capsys, "index", str(docs))
    question = "Who won the football world cup in 1970?"
    code, out, _ = run(capsys, "ask", question)
    assert code == 0
    text, _, closest = out.partition(
        "\nClosest passages (not given to the model: they do not seem to answer it):\n"
    )
    assert text.strip() == "The documents do not contain an answer to this question."
    assert closest.startswith("[1] ") and "Sources:" not in out
    _, out, _ = run(capsys, "ask", question, "--json")
    answer = json.loads(out)
    assert not answer["grounded"] and answer["sources"] == [] and answer["model"] == ""
    assert [c["n"] for c in answer["closest"]] == [1, 2, 3]
    _, out, _ = run(capsys, "search", question, "-k", "12", "--json")
    nearest = [r["text"] for r in json.loads(out)["results"]][:3]
    assert [c["text"] for c in answer["closest"]] == nearest


def test_remove_and_forget(capsys: pytest.CaptureFixture[str], docs: Path) -> None:
    run(capsys, "index", str(docs))
    code, out, _ = run(capsys, "remove", str(docs / "notes.txt"))
    assert code == 0 and "Removed 1 file" in out
    _, out, _ = run(capsys, "search", "heron lanterns", "--json")
    assert all(not r["path"].endswith("notes.txt") for r in json.loads(out)["results"])
    run(capsys, "index", str(docs))  # its folder indexed again leaves it out
    _, out, _ = run(capsys, "search", "heron lanterns", "--json")
    assert all(not r["path"].endswith("notes.txt") for r in json.loads(out)["results"])
    code, out, _ = run(capsys, "remove", str(docs / "notes.txt"))
    assert code == 2  # already out: nothing indexed there
    inner = docs / "inner"
    inner.mkdir()
    run(capsys, "index", str(inner))  # a folder inside a folder of the collection
    code, out, _ = run(capsys, "remove", str(inner))
    assert code == 0 and "no longer one of its folders" in out
    code, _, _ = run(capsys, "forget", "default")
    assert code == 0
    _, out, _ = run(capsys, "collections", "--json")
    assert json.loads(out)["collections"] == []


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["ask", "hi", "--collection", "nope"], "no collection named 'nope'"),
        (["index", "/no/such/folder"], "no such file or folder"),
        (["forget", "nope"], "no collection named 'nope'"),
    ],
)
def test_user_errors_exit_2_with_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1


def test_a_model_that_is_not_gguf_exits_2(
    capsys: pytest.CaptureFixture[str], docs: Path, tmp_path: Path
) -> None:
    run(capsys, "index", str(docs))
    fake = tmp_path / "model.gguf"
    fake.write_text("not a model")
    code, _, err = run(capsys, "ask", "Who leads the team?", "--model", str(fake))
    assert code == 2 and "not a GGUF model file" in err


def test_bad_usage_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["index"])
    assert exc.value.code == 2


def test_an_unexpected_error_exits_1_with_the_log_path(
    capsys: pytest.CaptureFixture[str], arquivo_home: Path
) -> None:
    (arquivo_home / "index").write_text("a file where the index folder should be")
    code, _, err = run(capsys, "collections")
    assert code == 1
    assert "unexpected error" in err and "arquivo.log" in err


def test_index_says_when_the_model_does_not_know_the_collection_s_language(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, arquivo_home: Path
) -> None:
    # the choice by language turned off: the collection keeps the English model
    save_settings(
        Settings(chat_model=FAST_CHAT_MODEL, multilingual_embedding_model=""),
        arquivo_home / "settings.toml",
    )
    folder = tmp_path / "notas"
    folder.mkdir()
    (folder / "estagio.txt").write_text(
        "O estágio obrigatório é realizado no último ano do curso, com a orientação de um "
        "professor. O aluno entrega um relatório ao final do semestre e apresenta o seu "
        "trabalho para uma banca de avaliação.\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "index", str(folder), "--collection", "notas de aula")
    assert code == 0
    assert "the collection is in Portuguese, which its embedding model" in out
    assert "`arquivo reindex 'notas de aula' --embedding-model multilingual-e5-small-q4`" in out
    code, out, _ = run(capsys, "index", str(folder), "--collection", "notas de aula", "--json")
    summary = json.loads(out)
    assert (summary["language"], summary["model_knows_language"]) == ("Portuguese", False)


def test_index_says_which_files_were_read_in_part(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, arquivo_home: Path
) -> None:
    save_settings(Settings(ocr_languages=""), AppPaths.resolve(arquivo_home).config)
    doc = pymupdf.open()
    text_page(doc, "Typed cover page about the harbour.")
    scanned_page(doc, ENGLISH)
    (tmp_path / "docs").mkdir()
    doc.save(tmp_path / "docs" / "book.pdf")
    code, out, _ = run(capsys, "index", str(tmp_path / "docs"))
    assert code == 0 and "1 files indexed" in out
    assert out.splitlines()[-2:] == [
        "Indexed in part:",
        f"  {tmp_path / 'docs' / 'book.pdf'}: 1 of 2 pages not read: {OCR_OFF}",
    ]


def test_ask_shows_how_far_the_sources_are_read(
    capsys: pytest.CaptureFixture[str], docs: Path
) -> None:
    run(capsys, "index", str(docs))
    code, out, err = run(capsys, "ask", "Who schedules the quarterly safety drills?")
    assert code == 0 and out.strip()
    steps = [line for line in err.splitlines() if line.startswith("Reading the sources: ")]
    percents = [int(line.rsplit(" ", 1)[1].rstrip("%")) for line in steps]
    assert len(percents) >= 2 and percents == sorted(percents) and percents[-1] == 100
    assert "Reading the sources" not in out  # stdout holds the answer alone
    code, out, err = run(capsys, "ask", "Who schedules the quarterly safety drills?", "--json")
    assert "Reading the sources" not in out + err  # JSON mode prints no progress


def test_a_file_name_with_escape_sequences_is_written_out(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / "hostile"
    folder.mkdir()
    name = "notes\x1b]0;owned\x07\x1b[2J\n[9] forged.txt"
    (folder / name).write_text("The heron counts seventeen lanterns.\n")
    (folder / "bad\x1b[31m.pdf").write_bytes(b"<html>403 Forbidden</html>")
    code, out, err = run(capsys, "index", str(folder))
    assert code == 0
    code, found, _ = run(capsys, "search", "heron lanterns")
    code, asked, asked_err = run(capsys, "ask", "How many lanterns does the heron count?")
    for text in (out, err, found, asked, asked_err):
        assert "\x1b" not in text and "\x07" not in text
    assert "bad\\x1b[31m.pdf" in out  # skipped, and named as written
    assert "notes\\x1b]0;owned\\x07\\x1b[2J\\x0a[9] forged.txt" in found
    assert "\n[9] forged.txt" not in found + asked


def test_masking_personal_data_reindexes_and_reports_each_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, arquivo_home: Path
) -> None:
    folder = tmp_path / "clients"
    folder.mkdir()
    (folder / "ana.txt").write_text(
        "Ana Lima pays by card 4111 1111 1111 1111; write to ana.lima@example.com or call "
        "(11) 98765-4321. Her CPF is 529.982.247-25.\n"
    )
    (folder / "plain.txt").write_text("The heron counts seventeen lanterns.\n")
    assert run(capsys, "index", str(folder))[0] == 0
    code, out, err = run(capsys, "mask", "default", "on")
    assert code == 0 and "read and indexed again" in err
    assert "Personal data masked:" in out
    assert f"{folder / 'ana.txt'}: 1 e-mail address, 1 CPF, 1 card number, 1 phone number" in out
    assert "plain.txt" not in out.split("Personal data masked:")[1]
    code, found, _ = run(capsys, "search", "Ana Lima card e-mail CPF")
    assert "[e-mail]" in found and "[CPF]" in found and "ana.lima@example.com" not in found
    files = [p for p in arquivo_home.rglob("*") if p.is_file()]
    assert not [p for p in files if b"529.982.247-25" in p.read_bytes()]
    code, out, _ = run(capsys, "mask", "default", "on")
    assert "already masks" in out
    code, out, _ = run(capsys, "mask", "default", "off", "--json")
    assert json.loads(out)["masked"] == [] and json.loads(out)["files_indexed"] == 2
    code, found, _ = run(capsys, "search", "Ana Lima card e-mail CPF")
    assert "ana.lima@example.com" in found
