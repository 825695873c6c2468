"""Word pairs: the keyword ranking prefers the passage holding the question's phrase."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.core import phrases
from desktop.core.embedding import FastEmbedEmbedder
from desktop.core.phrases import by_phrases, word_pairs
from desktop.core.retrieval import RetrievalConfig, Retriever
from desktop.core.store import StoredHit
from desktop.paths import AppPaths
from desktop.services.indexer import table_of
from desktop.services.workspace import Workspace
from desktop.settings import Settings


def hit(name: str, text: str, bm25: float) -> StoredHit:
    return StoredHit(name, name, 0, None, "", text, bm25)


def test_pairs_are_neighbouring_content_words_stemmed_across_stop_words() -> None:
    pairs = word_pairs("Os sistemas de informação das empresas", "Portuguese")
    assert pairs == word_pairs("sistema informação empresa", "Portuguese")
    assert len(pairs) == 2  # "de", "das" left out, plurals stemmed away
    # accents folded before stemming: a question typed without them meets the text
    assert word_pairs("sistema informacao", "Portuguese") < pairs
    assert word_pairs("The cells divided.", "English") == word_pairs("cell divides", "English")


def test_a_passage_holding_the_question_s_phrase_moves_up() -> None:
    question = "Como funciona o sistema de informação da secretaria?"
    scattered = hit("scattered", "O sistema novo da secretaria guarda a informação.", 10.0)
    phrase = hit("phrase", "Um sistema de informação da secretaria guarda dados.", 8.0)
    assert by_phrases([scattered, phrase], question, "Portuguese", 0.5) == [phrase, scattered]
    # BM25's order where the weight is 0, or where the question has no pair
    assert by_phrases([scattered, phrase], question, "Portuguese", 0.0) == [scattered, phrase]
    assert by_phrases([scattered, phrase], "Secretaria?", "Portuguese", 0.5) == [
        scattered,
        phrase,
    ]


def test_pairs_match_in_either_order() -> None:
    question = "information system of the office"
    reversed_order = hit("reversed", "The system keeps all information.", 5.0)
    reversed_pair = hit("pair", "A system, information and the office.", 4.0)
    ranked = by_phrases([reversed_order, reversed_pair], question, "English", 0.5)
    assert ranked[0] is reversed_pair  # "system, information" holds the pair reversed


SCATTERED = "Matrícula\n\nO sistema novo da secretaria pede a informação do aluno no primeiro dia."
PHRASE = (
    "Registro acadêmico\n\nO registro acadêmico mantém o histórico escolar e as notas de "
    "cada aluno. O sistema de informação da secretaria guarda esses dados."
)


@pytest.fixture(scope="module")
def secretaria(
    tmp_path_factory: pytest.TempPathFactory, embedder: FastEmbedEmbedder, models_dir: Path
) -> Iterator[Workspace]:
    home = tmp_path_factory.mktemp("phrases-home")
    folder = home / "docs"
    folder.mkdir()
    (folder / "matricula.txt").write_text(SCATTERED, encoding="utf-8")
    (folder / "registro.txt").write_text(PHRASE, encoding="utf-8")
    ws = Workspace(AppPaths(home=home, models=models_dir), Settings(), embedder=embedder)
    list(ws.indexer.index([folder], "docs"))
    yield ws
    ws.close()


def test_retrieval_ranks_the_phrase_above_scattered_words(
    secretaria: Workspace, embedder: FastEmbedEmbedder
) -> None:
    docs = secretaria.catalog.get_collection("docs")
    assert docs.language == "Portuguese"
    question = "O que é o sistema de informação da secretaria?"
    by_bm25 = secretaria.store.text_search(table_of(docs), question, 2)
    assert by_bm25[0].text.startswith("Matrícula")  # the words alone score higher

    def first(config: RetrievalConfig) -> str:
        found = Retriever(embedder, secretaria.store, secretaria.catalog, config)
        return found.search(docs, question, 2).hits[0].path

    assert first(RetrievalConfig()).endswith("registro.txt")
    assert first(RetrievalConfig(phrase_weight=0.0)).endswith("matricula.txt")


def test_the_stem_memory_starts_afresh_when_full(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(phrases, "_STEMS", {})
    monkeypatch.setattr(phrases, "_STEMS_KEPT", 3)
    before = word_pairs("sistema informação", "Portuguese")
    first = phrases._STEMS["Portuguese"]
    # more words than it keeps: a new memory, the old one left whole for other readers
    assert word_pairs("registro acadêmico escolar", "Portuguese")
    assert phrases._STEMS["Portuguese"] is not first
    assert set(first) == {"sistema", "informacao"}
    assert word_pairs("sistema informação", "Portuguese") == before
