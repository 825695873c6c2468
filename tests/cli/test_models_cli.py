"""`arquivo models`, `arquivo adapters check` and `ask --lora/--compare`, for real."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from desktop.cli.main import main
from desktop.core.models.llm import FAST_CHAT_MODEL, default_chat_model
from tests.adapters_helpers import truncate, write_lora
from tests.conftest import MODELS_DIR
from tests.helpers import ENGLISH_PAGES, make_pdf


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_models_lists_the_chat_models(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "models", "--json")
    assert code == 0
    listed = {m["name"]: m for m in json.loads(out)["models"]}
    default = listed[default_chat_model(MODELS_DIR)]
    assert default["architecture"] == "qwen2" and default["quantization"] == "Q4_K_M"
    assert default["usable"] is True and default["chat_template"] is True
    model = listed[FAST_CHAT_MODEL]
    assert model["architecture"] == "llama"
    assert model["quantization"] == "Q4_1" and model["context_length"] == 8192
    assert model["chat_template"] is True and model["usable"] is True


def test_models_import_copies_a_checked_file(
    capsys: pytest.CaptureFixture[str],
    models_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    own_models = tmp_path / "models"
    own_models.mkdir()
    monkeypatch.setenv("ARQUIVO_MODELS_DIR", str(own_models))
    source = tmp_path / "incoming" / "mine.gguf"
    source.parent.mkdir()
    shutil.copy(models_dir / FAST_CHAT_MODEL, source)
    code, _, _ = run(capsys, "models", "import", str(source))
    assert code == 0 and (own_models / "mine.gguf").is_file()
    bad = tmp_path / "incoming" / "notes.gguf"
    bad.write_text("not a model")
    code, _, err = run(capsys, "models", "import", str(bad))
    assert code == 2 and "not a GGUF model file" in err


def test_adapters_check_accepts_a_fitting_adapter_and_names_what_is_wrong(
    capsys: pytest.CaptureFixture[str], models_dir: Path, tmp_path: Path
) -> None:
    model = models_dir / FAST_CHAT_MODEL
    good = write_lora(tmp_path / "good.gguf", model)
    code, out, _ = run(capsys, "adapters", "check", str(good))
    assert code == 0 and "fits SmolLM2" in out
    other = write_lora(tmp_path / "gemma.gguf", model, architecture="gemma3")
    code, _, err = run(capsys, "adapters", "check", str(other))
    assert code == 2 and "architecture gemma3 does not match" in err
    cut = truncate(good, tmp_path / "cut.gguf")
    code, _, err = run(capsys, "adapters", "check", str(cut))
    assert code == 2 and "truncated" in err


def test_ask_with_a_lora_and_compare(
    capsys: pytest.CaptureFixture[str], models_dir: Path, tmp_path: Path, arquivo_home: Path
) -> None:
    arquivo_home.mkdir(parents=True, exist_ok=True)  # short answers: three of them are asked
    (arquivo_home / "settings.toml").write_text(
        f"max_answer_tokens = 32\nchat_model = \"{FAST_CHAT_MODEL}\"\n"
    )
    make_pdf(tmp_path / "docs" / "report.pdf", ENGLISH_PAGES)
    assert main(["index", str(tmp_path / "docs")]) == 0
    capsys.readouterr()
    adapter = write_lora(tmp_path / "good.gguf", models_dir / FAST_CHAT_MODEL)
    question = "Who leads the facilities team?"
    code, out, _ = run(
        capsys, "ask", question, "--lora", str(adapter), "--lora-scale", "0.5", "--json"
    )
    assert code == 0 and json.loads(out)["device"] == "cpu"
    code, out, _ = run(capsys, "ask", question, "--lora", str(adapter), "--compare", "--json")
    assert code == 0
    both = json.loads(out)
    assert set(both) == {"without adapter", "with adapter", "adapters"}
    assert both["adapters"] == [{"path": str(adapter), "scale": 1.0, "origin": "command line"}]
    def given(side: str) -> list[dict[str, object]]:  # what each answer cites may differ
        return [{k: v for k, v in s.items() if k != "cited"} for s in both[side]["sources"]]

    assert given("with adapter") == given("without adapter")
    code, _, err = run(capsys, "ask", question, "--lora", str(adapter), "--lora-scale", "nan")
    assert code == 2 and "finite" in err
    wrong = write_lora(
        tmp_path / "wrong.gguf", models_dir / FAST_CHAT_MODEL,
        shape_of={"blk.0.attn_q.weight.lora_b": (500, 8)},
    )  # fmt: skip
    code, _, err = run(capsys, "ask", question, "--lora", str(wrong))
    assert code == 2 and "has shape" in err
