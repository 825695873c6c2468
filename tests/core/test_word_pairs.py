"""Word pairs: the keyword ranking prefers the passage holding the question's phrase."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.core.index.vector_store import StoredHit
from desktop.core.models.embedding import FastEmbedEmbedder
from desktop.core.retrieval import word_pairs as word_pairs_module
from desktop.core.retrieval.candidates import crowded, spread_over_files
from desktop.core.retrieval.config import RetrievalConfig
from desktop.core.retrieval.retriever import Retriever
from desktop.core.retrieval.word_pairs import by_word_pairs, word_pairs
from desktop.paths import AppPaths
from desktop.services.indexer import table_of
from desktop.services.workspace import Workspace
from desktop.settings import Settings


def hit(name: str, text: str, bm25: float) -> StoredHit:
    return StoredHit(name, name, 0, None, "", text, bm25)


def names(hits: list[StoredHit]) -> list[str]:
    return [h.chunk_id for h in hits]


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
    ranked = by_word_pairs([scattered, phrase], question, "Portuguese", 0.5)
    assert names(ranked) == ["phrase", "scattered"]
    # the scores fusion reads: BM25 as a share of the best, plus 0.5 x the share of
    # the question's three pairs held (funciona-sistema, sistema-informação,
    # informação-secretaria: the phrase holds the last two, the scattered one none)
    assert [h.score for h in ranked] == pytest.approx([0.8 + 0.5 * 2 / 3, 1.0])


def test_without_weight_or_pairs_the_order_is_kept_as_given() -> None:
    question = "Como funciona o sistema de informação da secretaria?"
    low = hit("low", "Um sistema de informação da secretaria guarda dados.", 1.0)
    high = hit("high", "O sistema novo da secretaria guarda a informação.", 9.0)
    # not re-sorted by BM25 either: the ranking given is the ranking returned
    assert names(by_word_pairs([low, high], question, "Portuguese", 0.0)) == ["low", "high"]
    kept = by_word_pairs([low, high], "Secretaria?", "Portuguese", 0.5)
    assert names(kept) == ["low", "high"]
    assert [h.score for h in kept] == pytest.approx([1 / 9, 1.0])  # shares of the best


def test_past_the_head_the_order_stays_and_scores_are_shares_of_the_best() -> None:
    question = "Como funciona o sistema de informação da secretaria?"
    rows = [hit(f"w{n}", "Palavras soltas da secretaria.", 20.0 - n) for n in range(12)]
    rows[1] = hit("pair", "O sistema de informação da secretaria.", 19.0)
    ranked = by_word_pairs(rows, question, "Portuguese", 0.5, head=10)
    assert ranked[0].chunk_id == "pair"  # in the head: lifted by its pairs
    # past the head: BM25's order, each score its share of the best (the vector
    # ranking's scaled cosine is added to these in fusion)
    assert names(ranked[10:]) == ["w10", "w11"]
    assert [h.score for h in ranked[10:]] == pytest.approx([10 / 20, 9 / 20])


def test_pairs_match_in_either_order() -> None:
    question = "information system of the office"
    apart = hit("apart", "The system keeps all information.", 5.0)
    reversed_pair = hit("pair", "A system, information and the office.", 4.0)
    ranked = by_word_pairs([apart, reversed_pair], question, "English", 0.5)
    assert ranked[0].chunk_id == "pair"  # "system, information" holds the pair reversed


SCATTERED = "Matrícula\n\nO sistema novo da secretaria pede a informação do aluno no primeiro dia."
PHRASE = (
    "Registro acadêmico\n\nO registro acadêmico mantém o histórico escolar e as notas de "
    "cada aluno. O sistema de informação da secretaria guarda esses dados."
)


def indexed_docs(
    home: Path, files: dict[str, str], embedder: FastEmbedEmbedder, models: Path
) -> Workspace:
    """A workspace in `home` whose collection "docs" holds `files` (name -> text)."""
    folder = home / "docs"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    ws = Workspace(AppPaths(home=home, models=models), Settings(), embedder=embedder)
    list(ws.indexer.index([folder], "docs"))
    return ws


@pytest.fixture(scope="module")
def secretaria(
    tmp_path_factory: pytest.TempPathFactory, embedder: FastEmbedEmbedder, models_dir: Path
) -> Iterator[Workspace]:
    home = tmp_path_factory.mktemp("phrases-home")
    files = {"matricula.txt": SCATTERED, "registro.txt": PHRASE}
    ws = indexed_docs(home, files, embedder, models_dir)
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
    monkeypatch.setattr(word_pairs_module, "_STEMS", {})
    monkeypatch.setattr(word_pairs_module, "_STEMS_KEPT", 3)
    before = word_pairs("sistema informação", "Portuguese")
    first = word_pairs_module._STEMS["Portuguese"]
    # more words than it keeps: a new memory, the old one left whole for other readers
    assert word_pairs("registro acadêmico escolar", "Portuguese")
    assert word_pairs_module._STEMS["Portuguese"] is not first
    assert set(first) == {"sistema", "informacao"}
    assert word_pairs("sistema informação", "Portuguese") == before


TOPICS = ("biblioteca", "laboratório", "refeitório", "ginásio", "auditório", "almoxarifado")


def _chapter(n: int, topic: str) -> str:
    days = " ".join(
        f"No dia {d} o setor de {topic} atendeu {1000 * n + d} pedidos." for d in range(1, 13)
    )
    return f"O sistema de informação do {topic} registra cada pedido. {days}"


@pytest.fixture(scope="module")
def crowded_folder(
    tmp_path_factory: pytest.TempPathFactory, embedder: FastEmbedEmbedder, models_dir: Path
) -> Iterator[Workspace]:
    """A long report whose every chapter holds the phrase, and a short note that doesn't."""
    chapters = "\n\n".join(_chapter(n, t) for n, t in enumerate(TOPICS, 1))
    files = {
        "relatorio.txt": f"Relatório anual\n\n{chapters}",
        "nota.txt": "Nota\n\nA secretaria avisa que o sistema novo guarda a informação dos alunos.",
    }
    ws = indexed_docs(tmp_path_factory.mktemp("phrases-crowded"), files, embedder, models_dir)
    yield ws
    ws.close()


def test_pairs_do_not_lift_a_crowding_file_over_the_other_files(
    crowded_folder: Workspace, embedder: FastEmbedEmbedder
) -> None:
    """Re-ordered before the spread over files: the note stays right after the
    report's first `per_file_candidates` passages, though they all hold the pair."""
    docs = crowded_folder.catalog.get_collection("docs")
    config = RetrievalConfig(per_file_candidates=2)
    question = "sistema de informação"
    keyword = crowded_folder.store.text_search(table_of(docs), question, 40)
    assert crowded(keyword, config.per_file_candidates)
    note = next(h for h in keyword if "secretaria avisa" in h.text)
    # re-ordered after the spread, the report's third and later passages would pass it
    spread_first = by_word_pairs(spread_over_files(keyword, 2)[:10], question, "Portuguese", 0.5)
    assert [h.chunk_id for h in spread_first].index(note.chunk_id) > 2

    found = Retriever(embedder, crowded_folder.store, crowded_folder.catalog, config)
    paths = [h.path for h in found.search(docs, question, 6).hits]
    assert paths[2].endswith("nota.txt")
    assert all(p.endswith("relatorio.txt") for p in paths[:2] + paths[3:])
