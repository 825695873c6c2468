"""The README's generated parts are current."""

from pathlib import Path

from desktop.settings_doc import settings_table

README = Path(__file__).parents[1] / "README.md"


def test_the_settings_table_matches_the_settings_dataclass() -> None:
    text = README.read_text(encoding="utf-8")
    start = text.index("<!-- settings-table:start -->\n") + len("<!-- settings-table:start -->\n")
    end = text.index("<!-- settings-table:end -->")
    assert text[start:end].strip() == settings_table(), (
        "README settings table is stale: paste `python -m desktop.settings_doc` into it"
    )
