"""From a question to the passages that answer it: candidates, fusion, reranking, the gate."""
