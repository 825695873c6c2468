"""The bridge across languages: the real Universal Sentence Encoder (multilingual v3)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from desktop.core.index.vector_store import StoredHit
from desktop.core.retrieval.cross_language import UniversalSentenceEncoder, by_meaning
from desktop.errors import ModelError

QUESTION = "What does the memory of the computer store?"
MEMORY = "A memória do computador armazena os dados e as instruções por certo tempo."
PROCESSOR = "O processador do computador executa as instruções dos programas."
LOOM = "O tear de Jacquard usava cartões perfurados para tecer padrões de cores."


@pytest.fixture(scope="module")
def use() -> UniversalSentenceEncoder:
    return UniversalSentenceEncoder(remembered=2)


def _row(chunk: str, text: str) -> StoredHit:
    return StoredHit(chunk, chunk, 0, None, "", text, 0.0)


def test_the_encoder_reads_an_english_question_in_portuguese_passages(
    use: UniversalSentenceEncoder,
) -> None:
    memory, processor, loom = use.similarities(
        QUESTION, [("memory", MEMORY), ("processor", PROCESSOR), ("loom", LOOM)]
    )
    assert memory > processor > loom
    assert memory > 0.4 > loom


def test_the_encoder_remembers_only_the_latest_passages(use: UniversalSentenceEncoder) -> None:
    """Vectors are kept by chunk id and text, at most `remembered` of them: a kept one is
    not read again; the same id with another text (a page read again with OCR) is. The
    last question is kept too: one search asks for the head, then for the gate."""
    first = use.similarities(QUESTION, [("a", MEMORY), ("b", LOOM), ("c", PROCESSOR)])
    assert len(use._vectors) == 2  # "b" and "c", the latest
    model = use._model
    read: list[object] = []

    def encode(texts: object) -> object:
        read.append(texts)
        return type(model).encode(model, texts)

    model.encode = encode
    try:
        again = use.similarities(QUESTION, [("c", PROCESSOR)])
        assert read == []  # the passage, and the question just asked, are remembered
        changed = use.similarities(QUESTION, [("c", MEMORY)])
        assert read == [[MEMORY]]
        use.similarities(LOOM, [("c", MEMORY)])
        assert read == [[MEMORY], LOOM]  # another question is read
    finally:
        del model.encode
    assert again == pytest.approx(first[2:], abs=1e-6)
    assert changed == pytest.approx(first[:1], abs=1e-6)


def test_a_question_of_a_whole_page_is_read_from_its_start(use: UniversalSentenceEncoder) -> None:
    long_question = QUESTION + " " + "lorem ipsum dolor " * 2000
    (closeness,) = use.similarities(long_question, [("memory", MEMORY)])
    (short,) = use.similarities(QUESTION + " " + "lorem ipsum dolor " * 110, [("memory", MEMORY)])
    assert -1.0 <= closeness <= 1.0
    assert closeness == pytest.approx(short, abs=0.05)


def test_meaning_puts_the_passage_about_the_question_first_and_keeps_the_scores(
    use: UniversalSentenceEncoder,
) -> None:
    """Fusion ranked the loom first (an English question shares no word with it); the
    bridge ranks it last, and the memory passage first: fused by rank, the memory
    passage leads. The scores stay the head's own, on the scale of other collections."""
    rows = [_row("loom", LOOM), _row("memory", MEMORY), _row("cpu", PROCESSOR)]
    fused = list(zip(rows, [0.9, 0.5, 0.2], strict=True))
    ordered = by_meaning(fused, QUESTION, use, depth=30, weight=1.0)
    assert [row.chunk_id for row, _ in ordered] == ["memory", "loom", "cpu"]
    assert [score for _, score in ordered] == [0.9, 0.5, 0.2]
    # beyond the head nothing moves, and a head of one is left alone
    assert by_meaning(fused, QUESTION, use, depth=1, weight=1.0) == fused


class BrokenBridge:
    """A bridge whose model cannot load (an error path no real install produces)."""

    name = "broken"

    def similarities(self, query: str, passages: Sequence[tuple[str, str]]) -> list[float]:
        raise ModelError("use", "its weights do not load")


def test_text_the_model_cannot_read_is_a_model_error() -> None:
    """Whatever numpy or the tokenizer raise comes out as a `ModelError`, which search
    catches (an error path no real text produced: the model is made to fail)."""
    encoder = UniversalSentenceEncoder()
    encoder.similarities(QUESTION, [("memory", MEMORY)])

    def fail(texts: object) -> object:
        raise MemoryError("no memory left")

    encoder._model.encode = fail
    with pytest.raises(ModelError, match="cannot read the text"):
        encoder.similarities(QUESTION, [("loom", LOOM)])


def test_a_bridge_that_cannot_load_leaves_the_order_as_it_was() -> None:
    fused = [(_row("loom", LOOM), 0.9), (_row("memory", MEMORY), 0.5)]
    assert by_meaning(fused, QUESTION, BrokenBridge(), depth=30, weight=1.0) == fused
