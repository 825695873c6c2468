"""`arquivo collections adapter`: a collection's default LoRA adapter, used by `ask`.

Setting and checking run as a user runs them, in a child process (a bad adapter must give
exit 2, not a crash); the questions run through `main()` in this process, which is quicker.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.cli.main import main
from desktop.core.models.llm import FAST_CHAT_MODEL
from tests.adapters_helpers import truncate, write_lora
from tests.helpers import ENGLISH_PAGES, make_pdf

ROOT = Path(__file__).parents[2]
QUESTION = "Who leads the facilities team?"


def arquivo(home: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop.cli.main", "--data-dir", str(home), *argv],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )  # fmt: skip


@pytest.fixture
def home(tmp_path: Path) -> Path:
    make_pdf(tmp_path / "docs" / "report.pdf", ENGLISH_PAGES)
    home = tmp_path / "home"
    home.mkdir()
    (home / "settings.toml").write_text(
        f'max_answer_tokens = 16\ntemperature = 0.0\nchat_model = "{FAST_CHAT_MODEL}"\n'
    )
    assert main(["--data-dir", str(home), "index", str(tmp_path / "docs"), "-c", "legal"]) == 0
    return home


@pytest.fixture
def lora(tmp_path: Path, models_dir: Path) -> dict[str, Path]:
    model = models_dir / FAST_CHAT_MODEL
    good = write_lora(tmp_path / "legal-lora.gguf", model)
    return {
        "good": good,
        "other": write_lora(tmp_path / "other-lora.gguf", model, weights=("attn_k",), seed=1),
        "gemma": write_lora(tmp_path / "gemma.gguf", model, architecture="gemma3"),
        "cut": truncate(good, tmp_path / "cut.gguf"),
    }


def test_a_collection_adapter_is_checked_before_it_is_stored(
    home: Path, lora: dict[str, Path]
) -> None:
    # bad files are refused with the reason, exit 2 (no crash), and nothing is stored
    for bad, reason in (("gemma", "architecture gemma3 does not match"), ("cut", "truncated")):
        result = arquivo(home, "collections", "adapter", "legal", str(lora[bad]))
        assert result.returncode == 2, result.stderr
        assert reason in result.stderr and "Traceback" not in result.stderr
    result = arquivo(home, "collections", "adapter", "nothing", str(lora["good"]))
    assert result.returncode == 2 and "no collection named 'nothing'" in result.stderr
    result = arquivo(home, "collections", "adapter", "legal")
    assert result.returncode == 2 and "either an adapter FILE or --clear" in result.stderr
    listed = json.loads(arquivo(home, "collections", "--json").stdout)["collections"]
    assert listed[0]["adapter"] is None

    good = lora["good"]
    result = arquivo(home, "collections", "adapter", "legal", str(good), "--scale", "0.7")
    assert result.returncode == 0, result.stderr
    assert "now answers with" in result.stdout and "SmolLM2" in result.stdout
    (legal,) = json.loads(arquivo(home, "collections", "--json").stdout)["collections"]
    assert legal["adapter"] == {"path": str(good), "scale": 0.7}
    assert f"adapter: {good} (scale 0.7)" in arquivo(home, "collections").stdout

    result = arquivo(home, "collections", "adapter", "legal", "--clear")
    assert result.returncode == 0 and "no default adapter any more" in result.stdout
    listed = json.loads(arquivo(home, "collections", "--json").stdout)["collections"]
    assert listed[0]["adapter"] is None


def test_ask_uses_the_collection_adapter_unless_lora_is_given(
    home: Path, lora: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    def run(*argv: str) -> tuple[int, str, str]:
        code = main(["--data-dir", str(home), *argv])
        out, err = capsys.readouterr()
        return code, out, err

    good = lora["good"]
    assert run("collections", "adapter", "legal", str(good), "--scale", "0.7")[0] == 0
    code, out, err = run("ask", QUESTION, "-c", "legal", "--json")
    assert code == 0, err
    assert json.loads(out)["adapters"] == [
        {"path": str(good), "scale": 0.7, "origin": "collection legal"}
    ]
    code, out, _ = run("ask", QUESTION, "-c", "legal", "--lora", str(lora["other"]), "--json")
    assert code == 0 and json.loads(out)["adapters"][0]["origin"] == "command line"
    code, out, err = run("ask", QUESTION, "-c", "legal", "--compare", "--json")
    assert code == 0, err
    both = json.loads(out)
    assert set(both) == {"without adapter", "with adapter", "adapters"}
    assert both["adapters"][0]["origin"] == "collection legal"

    assert run("collections", "adapter", "legal", "--clear")[0] == 0
    code, _, err = run("ask", QUESTION, "-c", "legal", "--compare")
    assert code == 2 and "--compare needs an adapter" in err


def test_the_help_documents_the_command() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "desktop.cli.main", "collections", "adapter", "--help"],
        capture_output=True, text=True, timeout=60, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0
    assert "--scale" in result.stdout and "--clear" in result.stdout
    assert "unless --lora is given" in " ".join(result.stdout.split())
