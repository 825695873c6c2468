"""LoRA adapters in the app: chosen in the settings, switched live, compared, per collection.

The real window, offscreen, with a model of its own (loaded from the settings, as the app
does), so adapters never leak into the shared test model; adapters are real GGUF files.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop.core.models.llm import FAST_CHAT_MODEL
from desktop.core.types import Answer
from desktop.services.adapters import WITH, WITHOUT, Comparison, set_collection_adapter
from desktop.services.ask_with_adapters import AdaptersInUse
from desktop.settings import AdapterSetting, load_settings, save_settings
from desktop.ui.main_window import MainWindow
from desktop.ui.views.compare import CompareView
from tests.adapters_helpers import truncate, write_lora
from tests.helpers import ENGLISH_PAGES, make_pdf
from tests.ui.conftest import WindowFactory

SWITCH_LIMIT_S = 0.100
TIMEOUT = 120_000
ANSWER_TIMEOUT = 280_000  # two answers in one wait, on a machine shared with other work


@pytest.fixture
def adapters(tmp_path: Path, models_dir: Path) -> dict[str, Path]:
    model = models_dir / FAST_CHAT_MODEL
    good = write_lora(tmp_path / "good.gguf", model)
    return {
        "good": good,
        "gemma3": write_lora(tmp_path / "gemma3.gguf", model, architecture="gemma3"),
        "truncated": truncate(good, tmp_path / "truncated.gguf"),
    }


def own_model_window(qtbot: QtBot, make_window: WindowFactory) -> MainWindow:
    """A window that loads its own model; returns once the saved adapters are applied."""
    window = make_window(shared_llm=False)
    with qtbot.waitSignal(window.adapters_applied, timeout=TIMEOUT):
        pass
    return window


def switched(qtbot: QtBot, window: MainWindow, action: object) -> AdaptersInUse:
    with qtbot.waitSignal(window.adapters_applied, timeout=TIMEOUT) as blocker:
        action() if callable(action) else None
    event = blocker.args[0]
    assert isinstance(event, AdaptersInUse)
    return event


def test_choose_an_adapter_switch_and_rescale_it_live_then_save(
    qtbot: QtBot, make_window: WindowFactory, adapters: dict[str, Path]
) -> None:
    window = own_model_window(qtbot, make_window)
    llm = window.ws.assistant.llm
    llama = llm.llama  # type: ignore[attr-defined]
    assert window.compare.adapters_label.text() == "Adapter: none"
    dialog = window.settings.settings_dialog()
    qtbot.addWidget(dialog)

    event = switched(qtbot, window, lambda: dialog.add_adapter(adapters["good"]))
    assert [c.path for c in event.choices] == [adapters["good"]]
    assert 0 < event.seconds <= SWITCH_LIMIT_S
    assert [(h.path, s) for h, s in llm.adapters.items()] == [(adapters["good"], 1.0)]  # type: ignore[attr-defined]
    assert "good.gguf ×1" in window.compare.adapters_label.text()

    (row,) = dialog.adapter_rows
    event = switched(qtbot, window, lambda: row.scale.setValue(0.5))
    assert event.seconds <= SWITCH_LIMIT_S
    assert list(llm.adapters.values()) == [0.5]  # type: ignore[attr-defined]
    event = switched(qtbot, window, lambda: row.enabled.setChecked(False))
    assert event.choices == () and llm.adapters == {}  # type: ignore[attr-defined]
    event = switched(qtbot, window, lambda: row.enabled.setChecked(True))
    assert list(llm.adapters.values()) == [0.5]  # type: ignore[attr-defined]
    assert llm.llama is llama  # type: ignore[attr-defined]  # never reloaded

    with qtbot.assertNotEmitted(window.model_ready):
        with qtbot.waitSignal(dialog.save_checked, timeout=10_000):
            dialog.accept()
        event = switched(qtbot, window, lambda: window.settings.apply_settings(dialog))
    assert window.ws.assistant.llm is llm
    saved = load_settings(window.ws.paths.config).lora_adapters
    assert saved == (AdapterSetting(str(adapters["good"]), 0.5, True),)

    # Cancel puts the saved adapters back
    again = window.settings.settings_dialog()
    qtbot.addWidget(again)
    switched(qtbot, window, lambda: again.adapter_rows[0].enabled.setChecked(False))
    assert llm.adapters == {}  # type: ignore[attr-defined]
    event = switched(qtbot, window, again.reject)
    assert list(llm.adapters.values()) == [0.5]  # type: ignore[attr-defined]


def test_a_bad_adapter_gets_a_dialog_and_the_app_keeps_working(
    qtbot: QtBot, make_window: WindowFactory, adapters: dict[str, Path], tmp_path: Path
) -> None:
    window = own_model_window(qtbot, make_window)
    dialog = window.settings.settings_dialog()
    qtbot.addWidget(dialog)
    for bad, reason in (
        ("gemma3", "architecture gemma3 does not match the model's llama"),
        ("truncated", "truncated"),
    ):
        with (
            qtbot.assertNotEmitted(window.adapters_applied),
            qtbot.waitSignal(dialog.adapter_checked, timeout=TIMEOUT) as checked,
        ):
            dialog.add_adapter(adapters[bad])
            assert not dialog.add_adapter_button.isEnabled()  # checking, off the GUI thread
        assert checked.args == [False]
        qtbot.waitUntil(dialog.add_adapter_button.isEnabled, timeout=TIMEOUT)
        assert dialog.last_error is not None and dialog.last_error.isVisible()
        assert "adapter" in dialog.last_error.text() and reason in dialog.last_error.text()
        dialog.last_error.close()
    assert dialog.adapter_rows == []

    # an adapter that went bad after it was saved: the answer fails with a dialog, no crash
    make_pdf(tmp_path / "docs" / "report.pdf", ENGLISH_PAGES)
    with qtbot.waitSignal(window.indexing_done, timeout=TIMEOUT):
        window.indexing.add_folder("default", tmp_path / "docs")
    broken = tmp_path / "was-good.gguf"
    broken.write_bytes(adapters["good"].read_bytes())
    settings = window.ws.settings.replace(lora_adapters=(AdapterSetting(str(broken)),))
    window.ws.update_settings(settings)
    truncate(adapters["good"], broken)
    # the failed answer's job ends too (answer_done, None) before the next question:
    # asking while it is still winding down would stop it and the new one with it
    with (
        qtbot.waitSignal(window.answer_done, timeout=TIMEOUT) as failed,
        qtbot.waitSignal(window.error_shown, timeout=TIMEOUT) as shown,
    ):
        window.answering.ask("Who leads the facilities team?")
    assert "was-good.gguf cannot be used" in shown.args[0] and "truncated" in shown.args[0]
    assert failed.args[0] is None
    assert window.ws.assistant.llm.adapters == {}  # type: ignore[attr-defined]

    window.ws.update_settings(settings.replace(lora_adapters=(), max_answer_tokens=16))
    with qtbot.waitSignal(window.answer_done, timeout=TIMEOUT) as done:
        window.answering.ask("Who leads the facilities team?")
    assert isinstance(done.args[0], Answer)


@pytest.mark.timeout(600)  # indexing and three answers; minutes when the machine is shared
def test_compare_answers_side_by_side_with_the_collection_adapter(
    qtbot: QtBot, make_window: WindowFactory, adapters: dict[str, Path], tmp_path: Path
) -> None:
    make_pdf(tmp_path / "docs" / "report.pdf", ENGLISH_PAGES)
    window = own_model_window(qtbot, make_window)
    save_settings(window.ws.settings.replace(temperature=0.0, max_answer_tokens=16),
                  window.ws.paths.config)  # fmt: skip
    window.ws.update_settings(load_settings(window.ws.paths.config))
    with qtbot.waitSignal(window.indexing_done, timeout=TIMEOUT):
        window.indexing.add_folder("legal", tmp_path / "docs")
    window.chat.set_collections(window.indexing.collection_names(), ["legal"])

    window.compare.toggle.setChecked(True)
    assert window.compare.sides.isVisible()
    with qtbot.waitSignal(window.error_shown) as shown:  # nothing to compare with yet
        window.answering.ask("Who leads the facilities team?")
    assert "no adapter to compare with" in shown.args[0]

    set_collection_adapter(
        window.ws.catalog, "legal", adapters["good"], 0.8, window.ws.chat_model_path
    )
    window.chat.collections_changed.emit(["legal"])  # the scope menu
    assert "good.gguf ×0.8" in window.compare.adapters_label.text()
    llama = window.ws.assistant.llm.llama  # type: ignore[attr-defined]
    steps: list[tuple[str, str]] = []  # what each side's pane says before its first words
    show_step = window.compare.show_step
    window.compare.show_step = lambda side, text: (  # type: ignore[method-assign]
        steps.append((side, text)), show_step(side, text)
    )
    with qtbot.waitSignal(window.compare_done, timeout=ANSWER_TIMEOUT) as done:
        window.answering.ask("Who leads the facilities team?")
    comparison = done.args[0]
    reading = window.answering.reading_sources_text(len(comparison.without.sources))
    # each side: its sources found, then how far the model has read them, to 100%
    for side in (WITHOUT, WITH):
        said = [text for s, text in steps if s == side]
        assert said[0] == reading and said[-1] == "Reading the sources: 100%"
        assert all(t.startswith("Reading the sources: ") for t in said[1:])
    assert [s for s, _ in steps] == sorted((s for s, _ in steps), key=(WITHOUT, WITH).index)
    assert "Reading" not in window.compare.panes[WITH].toPlainText()  # the answer took its place
    window.compare.show_step(WITH, "Reading part 1 of 3…")  # late: the answer stays
    assert "Reading part" not in window.compare.panes[WITH].toPlainText()
    assert isinstance(comparison, Comparison)
    assert comparison.adapters[0].origin == "collection legal"
    assert window.compare.text(WITHOUT) == comparison.without.text
    assert window.compare.text(WITH) == comparison.with_adapter.text
    assert comparison.with_adapter.text.strip()[:20] in window.chat.last_answer()
    assert window.ws.assistant.llm.llama is llama  # type: ignore[attr-defined]  # one model

    # the toggle off: a plain answer, with the collection's adapter on
    window.compare.toggle.setChecked(False)
    assert not window.compare.sides.isVisible()
    with qtbot.waitSignal(window.answer_done, timeout=ANSWER_TIMEOUT) as plain:
        window.answering.ask("Who leads the facilities team?")
    assert isinstance(plain.args[0], Answer)
    assert list(window.ws.assistant.llm.adapters.values()) == [0.8]  # type: ignore[attr-defined]


def test_a_collection_gets_its_own_adapter_in_the_app(
    qtbot: QtBot, make_window: WindowFactory, adapters: dict[str, Path]
) -> None:
    window = own_model_window(qtbot, make_window)
    window.ws.catalog.create_collection("legal", window.ws.embedder.name, window.ws.embedder.dim)
    window.refresh_collections(select="legal")
    view = window.collections
    assert view.adapter_button.isEnabled() and not view.clear_adapter_button.isVisibleTo(view)

    with qtbot.waitSignal(window.error_shown, timeout=TIMEOUT) as shown:  # checked first
        window.adapters.set_collection_adapter("legal", adapters["gemma3"])
    assert "gemma3" in shown.args[0]
    assert window.ws.catalog.adapter(window.ws.catalog.get_collection("legal")) is None

    with qtbot.waitSignal(window.collection_adapter_changed, timeout=TIMEOUT):
        window.adapters.set_collection_adapter("legal", adapters["good"], 0.5)
    saved = window.ws.catalog.adapter(window.ws.catalog.get_collection("legal"))
    assert saved is not None and (Path(saved.path), saved.scale) == (adapters["good"], 0.5)
    assert view.adapter_note.text() == "Adapter: good.gguf (scale 0.5)"
    assert view.clear_adapter_button.isVisibleTo(view)
    assert [c.origin for c in window.adapters.adapter_choices(["legal"])] == ["collection legal"]

    with qtbot.waitSignal(window.collection_adapter_changed, timeout=TIMEOUT):
        view.clear_adapter_button.click()
    assert window.ws.catalog.adapter(window.ws.catalog.get_collection("legal")) is None
    assert not view.clear_adapter_button.isVisibleTo(view)


def test_a_compare_pane_shows_its_step_as_text_until_the_answer(qtbot: QtBot) -> None:
    """A step names a file: its characters are shown as they are, never as markup."""
    view = CompareView()
    qtbot.addWidget(view)
    view.start(())
    view.show_step(WITHOUT, "Reading <b>*notes*</b>.pdf: part 1 of 2…")
    assert view.panes[WITHOUT].toPlainText() == "Reading <b>*notes*</b>.pdf: part 1 of 2…"
    view.append(WITHOUT, "The answer.")
    view.show_step(WITHOUT, "Reading the 6 sources found…")  # late: the answer stays
    assert view.panes[WITHOUT].toPlainText().strip() == "The answer."
