"""Measure Arquivo on public datasets: retrieval quality, the refusal gate, the answers.

A developer's tool, kept out of the shipped app with its dependencies (`bm25s`,
`pytrec-eval-terrier`: the `dev` extra). Run it from the repository's root as
`python -m tests.evaluation DATASET_DIR [options]` (`--help` lists them), or
`make eval` for every dataset in `EVAL_DATA`.

- `beir`: reading a dataset in BEIR layout, and trec_eval's metrics.
- `corpus`: the corpus as files, indexed by the normal indexer.
- `references`: BM25 and bare dense search, the comparison points.
- `retrieval`: Arquivo's retrieval against the references.
- `gate`, `gold`, `answers`: the refusal gate, gold answers, the answers.
- `machine`: where and with what a run ran.
- `cli`: the command line.
"""
