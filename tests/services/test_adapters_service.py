"""Which adapters a question uses, switching them live, a collection's default, compare.

Real SmolLM2, real adapters written with gguf's writer, a real catalog. The model here is
this module's own, so adapters never leak into the shared `llm`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from desktop.core.index.collections_db import CollectionsDatabase
from desktop.core.index.collections_schema import _v1_initial
from desktop.core.models.embedding import FastEmbedEmbedder
from desktop.core.models.llm import FAST_CHAT_MODEL, LlamaCppLLM
from desktop.core.types import Answer
from desktop.errors import AdapterMismatchError, SettingsError, UnknownCollectionError
from desktop.paths import AppPaths
from desktop.services.adapters import (
    WITH,
    WITHOUT,
    AdapterChoice,
    Comparison,
    SideEvent,
    choose_adapters,
    compare,
    set_collection_adapter,
    use_adapters,
)
from desktop.services.workspace import Workspace
from desktop.settings import AdapterSetting, Settings, load_settings, save_settings
from tests.adapters_helpers import CHAT_PROMPT, truncate, write_lora
from tests.helpers import ENGLISH_PAGES, make_pdf

SWITCH_LIMIT_S = 0.100


@pytest.fixture(scope="module")
def model(models_dir: Path) -> Path:
    return models_dir / FAST_CHAT_MODEL


@pytest.fixture(scope="module")
def adapters(tmp_path_factory: pytest.TempPathFactory, model: Path) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("adapters")
    good = write_lora(d / "good.gguf", model)
    return {
        "good": good,
        "other": write_lora(d / "other.gguf", model, weights=("attn_k",), seed=1),
        "gemma3": write_lora(d / "gemma3.gguf", model, architecture="gemma3"),
        "truncated": truncate(good, d / "truncated.gguf"),
    }


@pytest.fixture(scope="module")
def own_llm(model: Path) -> Iterator[LlamaCppLLM]:
    llm = LlamaCppLLM(model, context_size=2048, threads=2)
    yield llm
    llm.close()


@pytest.fixture
def catalog(tmp_path: Path) -> Iterator[CollectionsDatabase]:
    cat = CollectionsDatabase(tmp_path / "catalog.sqlite3")
    yield cat
    cat.close()


# --- settings -------------------------------------------------------------------------------


def test_adapters_in_the_settings_survive_a_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    chosen = (AdapterSetting("/a/legal.gguf", 0.8), AdapterSetting("/a/med.gguf", 1.0, False))
    save_settings(Settings().replace(lora_adapters=chosen), path)
    assert '{ path = "/a/legal.gguf", scale = 0.8, enabled = true }' in path.read_text()
    assert load_settings(path).lora_adapters == chosen


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("lora_adapters = 'x.gguf'\n", "expected a list"),
        ("[[lora_adapters]]\nscale = 1.0\n", "expected a table with path"),
        ("[[lora_adapters]]\npath = 'a.gguf'\ncolour = 1\n", "expected a table with path"),
        ("[[lora_adapters]]\npath = 'a.gguf'\nscale = 'big'\n", "lora_adapters.scale"),
        ("[[lora_adapters]]\npath = 'a.gguf'\nscale = nan\n", "finite scale"),
    ],
)
def test_bad_adapter_settings_are_refused_by_name(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(content)
    with pytest.raises(SettingsError, match=message):
        load_settings(path)


# --- the catalog: migration and a collection's default --------------------------------------


def test_the_migration_gives_an_old_catalog_collection_adapters(tmp_path: Path) -> None:
    path = tmp_path / "catalog.sqlite3"
    db = sqlite3.connect(path)  # a catalog written before the migration existed
    db.execute("CREATE TABLE migrations (name TEXT PRIMARY KEY, at REAL)")
    _v1_initial(db)
    db.execute("INSERT INTO migrations VALUES ('_v1_initial', 0)")
    db.execute(
        "INSERT INTO collections (name, embedding_model, dim, created) VALUES ('legal', 'm', 3, 0)"
    )
    db.commit()
    db.close()

    catalog = CollectionsDatabase(path)
    legal = catalog.get_collection("legal")
    assert catalog.adapter(legal) is None
    catalog.set_adapter(legal, "/a/legal.gguf", 0.8)
    assert catalog.adapter(legal) is not None and catalog.adapter(legal).scale == 0.8  # type: ignore[union-attr]
    catalog.close()
    again = CollectionsDatabase(path)  # migrations run once: the adapter is still there
    assert again.adapter(again.get_collection("legal")).path == "/a/legal.gguf"  # type: ignore[union-attr]
    names = [r[0] for r in again._db.execute("SELECT name FROM migrations ORDER BY name")]
    assert names[:2] == ["_v1_initial", "_v2_collection_adapters"]
    again.delete_collection(again.get_collection("legal"))
    assert again._db.execute("SELECT count(*) FROM collection_adapters").fetchone() == (0,)
    again.close()


def test_a_collection_adapter_is_checked_before_it_is_stored(
    catalog: CollectionsDatabase, model: Path, adapters: dict[str, Path]
) -> None:
    legal = catalog.create_collection("legal", "m", 3)
    for bad, reason in (("gemma3", "architecture gemma3"), ("truncated", "truncated")):
        with pytest.raises(AdapterMismatchError, match=reason):
            set_collection_adapter(catalog, "legal", adapters[bad], 1.0, model)
        assert catalog.adapter(legal) is None
    with pytest.raises(UnknownCollectionError):
        set_collection_adapter(catalog, "nothing", adapters["good"], 1.0, model)
    info = set_collection_adapter(catalog, "legal", adapters["good"], 0.5, model)
    assert info.rank == 8
    stored = catalog.adapter(legal)
    assert stored is not None and (stored.path, stored.scale) == (str(adapters["good"]), 0.5)
    assert catalog.clear_adapter(legal) and catalog.adapter(legal) is None
    assert not catalog.clear_adapter(legal)


def test_which_adapters_a_question_uses(catalog: CollectionsDatabase) -> None:
    legal = catalog.create_collection("legal", "m", 3)
    catalog.create_collection("plain", "m", 3)
    catalog.set_adapter(legal, "/a/legal.gguf", 0.8)
    settings = Settings().replace(
        lora_adapters=(AdapterSetting("/a/on.gguf", 0.3), AdapterSetting("/a/off.gguf", 1, False))
    )
    explicit = choose_adapters(catalog, settings, "legal", [(Path("/a/cli.gguf"), 2.0)])
    assert explicit == (AdapterChoice(Path("/a/cli.gguf"), 2.0, "command line"),)
    from_collection = AdapterChoice(Path("/a/legal.gguf"), 0.8, "collection legal")
    assert choose_adapters(catalog, settings, "legal") == (from_collection,)
    assert choose_adapters(catalog, settings, ["plain", "legal"]) == (from_collection,)
    assert choose_adapters(catalog, settings, "plain") == (
        AdapterChoice(Path("/a/on.gguf"), 0.3, "settings"),
    )
    assert choose_adapters(catalog, Settings(), ["plain", "unknown"]) == ()


# --- switching on the live model ------------------------------------------------------------


def test_adapters_switch_on_the_live_model_without_a_reload(
    own_llm: LlamaCppLLM, adapters: dict[str, Path]
) -> None:
    llama = own_llm.llama
    base = own_llm.next_token_logits(CHAT_PROMPT)
    good = AdapterChoice(adapters["good"], 1.0)
    seconds = use_adapters(own_llm, [good])
    assert 0 < seconds <= SWITCH_LIMIT_S
    tuned = own_llm.next_token_logits(CHAT_PROMPT)
    assert float(np.abs(tuned - base).max()) > 0.1  # the adapter changes the model's output
    assert use_adapters(own_llm, [good]) == 0.0  # already in use: nothing to switch
    use_adapters(own_llm, [AdapterChoice(adapters["good"], 0.0)])
    np.testing.assert_allclose(own_llm.next_token_logits(CHAT_PROMPT), base, atol=1e-4)
    use_adapters(own_llm, [good, AdapterChoice(adapters["other"], 0.5)])
    assert sorted((h.path.name, s) for h, s in own_llm.adapters.items()) == [
        ("good.gguf", 1.0), ("other.gguf", 0.5),
    ]  # fmt: skip

    for bad in ("gemma3", "truncated"):  # refused; the adapters in use stay in use
        with pytest.raises(AdapterMismatchError):
            use_adapters(own_llm, [good, AdapterChoice(adapters[bad], 1.0)])
        assert len(own_llm.adapters) == 2
    use_adapters(own_llm, [])
    assert own_llm.adapters == {}
    np.testing.assert_allclose(own_llm.next_token_logits(CHAT_PROMPT), base, atol=1e-4)
    assert own_llm.llama is llama  # never reloaded


@pytest.mark.timeout(600)  # indexing and four greedy answers; minutes on a shared machine
def test_compare_answers_without_then_with_on_one_model(
    tmp_path: Path,
    embedder: FastEmbedEmbedder,
    own_llm: LlamaCppLLM,
    adapters: dict[str, Path],
) -> None:
    make_pdf(tmp_path / "docs" / "report.pdf", ENGLISH_PAGES)
    settings = Settings().replace(temperature=0.0, max_answer_tokens=40)
    ws = Workspace(AppPaths(home=tmp_path / "home", models=tmp_path), settings,
                   embedder=embedder, llm=own_llm)  # fmt: skip
    list(ws.indexer.index([tmp_path / "docs"], "work"))
    question = "Who leads the facilities team?"
    choices = [AdapterChoice(adapters["good"], 1.0)]

    def plain(with_adapters: bool) -> Answer:
        use_adapters(own_llm, choices if with_adapters else [])
        (answer,) = [e for e in ws.assistant.ask("work", question) if isinstance(e, Answer)]
        return answer

    llama = own_llm.llama
    events = list(compare(ws.assistant, "work", question, choices))
    comparison = events[-1]
    assert isinstance(comparison, Comparison)
    sides = [e.side for e in events[:-1] if isinstance(e, SideEvent)]
    assert sides == sorted(sides, key=[WITHOUT, WITH].index) and set(sides) == {WITHOUT, WITH}
    assert [s.hit.chunk_id for s in comparison.without.sources] == [
        s.hit.chunk_id for s in comparison.with_adapter.sources
    ]
    assert own_llm.llama is llama and set(own_llm.adapters.values()) == {1.0}  # left on
    # each side is what a plain question gives with the adapters off, and on (greedy)
    assert comparison.without.text == plain(False).text
    assert comparison.with_adapter.text == plain(True).text
    use_adapters(own_llm, [])
    ws.close()
