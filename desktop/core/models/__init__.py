"""The local models: their catalog, GGUF headers, the chat model, embedders, rerankers, adapters."""
