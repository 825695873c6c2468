from pathlib import Path

from desktop.core.chunking import ChunkSizes, chunk_document, split_text
from desktop.core.types import Document, Section


def test_short_text_is_one_chunk() -> None:
    assert split_text("One short paragraph.") == ["One short paragraph."]


def test_paragraphs_are_packed_up_to_the_target() -> None:
    paragraphs = [f"Paragraph {i} " + "word " * 40 for i in range(20)]
    chunks = split_text("\n\n".join(paragraphs))
    sizes = ChunkSizes()
    assert len(chunks) > 3
    assert all(len(c) <= sizes.maximum + sizes.overlap for c in chunks)
    # every paragraph survives somewhere, whole
    for p in paragraphs:
        assert any(p.strip() in c for c in chunks)


def test_a_single_huge_line_is_cut_at_words_with_overlap() -> None:
    words = [f"w{i}" for i in range(60_000)]
    chunks = split_text(" ".join(words))
    sizes = ChunkSizes()
    assert all(len(c) <= sizes.maximum + sizes.overlap for c in chunks)
    # no word is cut in half: every token in a chunk is a whole word
    vocabulary = set(words)
    assert all(token in vocabulary for c in chunks[:50] for token in c.split())
    # neighbouring chunks overlap, so a phrase cut at a boundary is still whole in one
    assert chunks[1].split()[0] in chunks[0]


def test_chunks_keep_page_and_heading_and_never_span_sections() -> None:
    doc = Document(
        Path("x.pdf"),
        (
            Section("first page text " * 100, page=1, heading="Intro"),
            Section("second page text", page=2, heading="Results"),
        ),
    )
    chunks = chunk_document(doc)
    assert [c.ordinal for c in chunks] == list(range(len(chunks)))
    assert chunks[-1].page == 2 and chunks[-1].heading == "Results"
    assert chunks[-1].text == "second page text"
    assert {c.page for c in chunks[:-1]} == {1}


def test_empty_sections_give_no_chunks() -> None:
    doc = Document(Path("x.txt"), (Section("  \n\n  "),))
    assert chunk_document(doc) == []
