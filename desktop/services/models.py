"""The models as the window and the command line see them: the catalog, checks and imports.

The front ends may import services and `core.types` only (import-linter), so what they
show of `core.models` passes through here.
"""

from desktop.core.models.adapters import check_adapter
from desktop.core.models.catalog import (
    CHAT_MODELS,
    EMBEDDING_MODELS,
    MULTILINGUAL_EMBEDDING_MODEL,
    RERANKER_MODELS,
    find_chat_model,
)
from desktop.core.models.default_chat import default_chat_model, resolve_model_path
from desktop.core.models.embedding import embedding_folder, load_embedder
from desktop.core.models.gguf_info import inspect_gguf
from desktop.core.models.model_files import import_model, list_models
from desktop.core.models.reranker import reranker_folder
from desktop.core.retrieval.model_languages import knows_language, model_languages

__all__ = [
    "CHAT_MODELS",
    "EMBEDDING_MODELS",
    "MULTILINGUAL_EMBEDDING_MODEL",
    "RERANKER_MODELS",
    "check_adapter",
    "default_chat_model",
    "embedding_folder",
    "find_chat_model",
    "import_model",
    "inspect_gguf",
    "knows_language",
    "list_models",
    "load_embedder",
    "model_languages",
    "reranker_folder",
    "resolve_model_path",
]
