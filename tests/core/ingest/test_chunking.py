from pathlib import Path

from desktop.core.ingest.chunking import (
    ChunkSizes,
    chunk_document,
    context_title,
    embedding_text,
    split_text,
)
from desktop.core.types import Chunk, Document, Section


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


# The context the embedder sees


def test_a_readers_title_names_every_chunk() -> None:
    doc = Document(Path("x.pdf"), (Section("body " * 400, page=1, heading="Methods"),), "Report")
    chunks = chunk_document(doc)
    assert len(chunks) > 1
    assert context_title(doc) == "Report"
    assert all(embedding_text(c, "Report") == f"Report\nMethods\n{c.text}" for c in chunks)


def test_a_plain_texts_first_line_standing_alone_is_its_title() -> None:
    text = "Vitamin D and bone density\n\n" + "Sentence about bones. " * 80
    doc = Document(Path("x.txt"), (Section(text),))
    title = context_title(doc)
    assert title == "Vitamin D and bone density"
    first, second = chunk_document(doc)[:2]
    assert embedding_text(first, title) == first.text  # it already starts with the title
    assert embedding_text(second, title) == f"{title}\n{second.text}"


def test_no_title_is_made_up_from_a_paragraph_or_a_greeting() -> None:
    def title_of(text: str) -> str:
        return context_title(Document(Path("x.txt"), (Section(text),)))

    assert title_of("One long line. " * 30 + "\n\nMore.") == ""  # too long for a title
    assert title_of("Dear Ana,\n\nThe report is late.") == ""
    assert title_of("First line\nsecond line of the same paragraph\n\nrest") == ""
    assert title_of("Only one line") == ""
    assert embedding_text(Chunk("text", 0), "") == "text"


def _table(rows: int) -> str:
    header = "Item | Quantity | Unit price | Supplier"
    lines = [f"Valve V-{i:03d} | {i % 7 + 1} | {10 + i}.50 euros | Acme Ltda" for i in range(rows)]
    return "\n".join([header, *lines])


def test_a_table_that_fits_is_one_unit_with_its_text() -> None:
    table = _table(5)
    chunks = split_text(f"Parts bought this year.\n\n{table}\n\nAll were delivered.")
    assert len(chunks) == 1 and table in chunks[0]


def test_a_long_table_is_cut_between_rows_with_its_header_on_every_piece() -> None:
    table = _table(80)
    header, *rows = table.split("\n")
    before = "Intro. " + "word " * 150
    chunks = split_text(f"{before}\n\n{table}\n\nAfter the table. " + "word " * 150)
    pieces = [c for c in chunks if header in c]
    assert len(pieces) > 3
    sizes = ChunkSizes()
    for piece in pieces:
        assert piece.startswith(header)  # no overlap from the text or the previous rows
        assert len(piece) <= sizes.maximum
        assert all(line == header or line in rows for line in piece.split("\n"))
    found = [line for piece in pieces for line in piece.split("\n")[1:]]
    assert found == rows  # every row once, whole, in order
    assert not chunks[-1].startswith("Valve")  # the text after the table carries no row


def test_a_table_row_longer_than_a_chunk_is_cut_at_words() -> None:
    long_row = "Notes | " + " ".join(f"n{i}" for i in range(600))
    table = "\n".join(["Field | Value", "Name | Pump", long_row, "Owner | Maria"])
    chunks = split_text(table)
    assert all(len(c) <= ChunkSizes().maximum for c in chunks)
    assert "Name | Pump" in chunks[0] and "Owner | Maria" in chunks[-1]
    assert "n599" in "".join(chunks)


def test_text_around_a_table_in_one_paragraph_survives() -> None:
    # Word sections come as one paragraph: lines joined by single line breaks
    table = _table(80)
    chunks = split_text(f"Parts bought this year.\n{table}\nAll were delivered in April.")
    assert chunks[0].startswith("Parts bought this year.\nItem | Quantity")
    assert chunks[-1].endswith("All were delivered in April.")
    lines = [line for c in chunks for line in c.split("\n")]
    assert [line for line in lines if line.startswith("Valve")] == table.split("\n")[1:]
