"""The chat models Arquivo knows by name, described in plain words for the model picker.

`packaging/fetch_models.py` fetches the files; this catalog says what each is good
for, so that a person can choose without reading a benchmark. The figures behind the
words are in the README ("The default model's answers").
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ChatModelSpec:
    """A chat model the set-up can fetch."""

    file: str  # the GGUF file's name in the models folder
    title: str  # how the picker names it
    size_mb: int  # the file
    about: str  # speed and quality in plain words
    fetch: str  # how to get it when it is missing


CHAT_MODELS: tuple[ChatModelSpec, ...] = (
    ChatModelSpec(
        file="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
        title="Qwen2.5-Coder 0.5B",
        size_mb=491,
        about="Answers simple factual questions, in Portuguese and English; the first words "
        "come after a few seconds on a laptop's processor. About 1 GB of memory. The "
        "default on computers with less than 6 GB of memory.",
        fetch="make models EXTRA=Qwen2.5-Coder-0.5B-Instruct",
    ),
    ChatModelSpec(
        file="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        title="Qwen2.5-Coder 1.5B",
        size_mb=1117,
        about="Reads more carefully: right more often, and says more readily when the "
        "documents do not answer. The first words take about twice as long as the 0.5B's. "
        "About 2 GB of memory. The default on computers with 6 GB of memory or more.",
        fetch="make models EXTRA=Qwen2.5-Coder-1.5B-Instruct",
    ),
    ChatModelSpec(
        file="SmolLM2-135M-Instruct.Q4_1.gguf",
        title="SmolLM2 135M",
        size_mb=98,
        about="Very fast but too small to answer well: often repeats the question or the "
        "sources. Used by the tests.",
        fetch="make models",
    ),
)


def find_chat_model(file: str) -> ChatModelSpec | None:
    """The catalog's entry for a model file name, if it is one of ours."""
    return next((m for m in CHAT_MODELS if m.file == file), None)
