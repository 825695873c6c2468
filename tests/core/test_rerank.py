"""The reranker: fastembed's TextCrossEncoder on real ONNX files, and its hook in Retriever.

Two models. The one `make models` fetches (ms-marco-MiniLM-L-12-v2, 8 bits) is checked
for what a cross-encoder is for: the passage that answers comes first. For the hook, the
test also builds one: a real ONNX graph, with the default embedding model's real BERT
tokenizer, laid out like the folder a user imports. It scores a passage by the summed
weights of its own tokens (the second segment), which makes its ranking known in advance
and unlike what fusion would give: the hook is proven by the order changing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from desktop.core.index.collections_db import Collection
from desktop.core.index.vector_store import StoredHit
from desktop.core.language.detect import question_language
from desktop.core.models.catalog import DEFAULT_RERANKER, RERANKER_MODELS, find_reranker_spec
from desktop.core.models.reranker import (
    FastEmbedReranker,
    answer_probability,
    rerank_head,
    reranker_folder,
)
from desktop.core.models.specs import TOKENIZER_FILES
from desktop.core.retrieval.retriever import RetrievalConfig, Retriever
from desktop.errors import ModelError
from desktop.services.workspace import Workspace
from desktop.settings import Settings

SPEC = find_reranker_spec("ms-marco-MiniLM-L-6-v2")
# The reranker's view decides, and it is always asked (the default weighs it against
# fusion's order, which a zebra-loving test model must be able to overturn to show that
# it was asked, and skips it where fusion's first leads clearly).
BY_RERANKER = RetrievalConfig(rerank_weight=10.0, rerank_margin=None)


def build_cross_encoder(models_dir: Path, tokenizer_from: Path, weights: dict[str, float]) -> Path:
    """A cross-encoder folder: logit = sum of `weights[token]` over the passage's tokens."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    from tokenizers import Tokenizer

    folder = reranker_folder(models_dir, SPEC)
    (folder / SPEC.model_file).parent.mkdir(parents=True, exist_ok=True)
    for name in TOKENIZER_FILES:
        shutil.copy(tokenizer_from / name, folder / name)
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.no_padding()
    table = np.zeros(tokenizer.get_vocab_size(), dtype=np.float32)
    for word, weight in weights.items():
        ids = tokenizer.encode(word, add_special_tokens=False).ids
        assert len(ids) == 1, f"{word!r} is not one token"
        table[ids[0]] = weight

    ints = ("input_ids", "attention_mask", "token_type_ids")
    inputs = [helper.make_tensor_value_info(n, TensorProto.INT64, ["b", "t"]) for n in ints]
    output = helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["b", 1])
    nodes = [
        helper.make_node("Gather", ["table", "input_ids"], ["per_token"]),
        helper.make_node("Mul", ["attention_mask", "token_type_ids"], ["passage_int"]),
        helper.make_node("Cast", ["passage_int"], ["passage"], to=TensorProto.FLOAT),
        helper.make_node("Mul", ["per_token", "passage"], ["weighted"]),
        helper.make_node("ReduceSum", ["weighted", "axis"], ["logits"], keepdims=1),
    ]
    initializers = [
        numpy_helper.from_array(table, "table"),
        numpy_helper.from_array(np.array([1], dtype=np.int64), "axis"),
    ]
    graph = helper.make_graph(nodes, "keyword-cross-encoder", inputs, [output], initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(folder / SPEC.model_file))
    return folder


@pytest.fixture
def tokenizer_dir(models_dir: Path) -> Path:
    """A BERT tokenizer with every file a cross-encoder folder needs: MiniLM's."""
    return models_dir / "embedding" / "all-MiniLM-L6-v2-int8"


@pytest.fixture
def reranker_models(tmp_path: Path, tokenizer_dir: Path) -> Path:
    models = tmp_path / "models"
    build_cross_encoder(models, tokenizer_dir, {"zebra": 5.0, "lion": 1.0})
    return models


def test_reranker_scores_passages_through_fastembed(reranker_models: Path) -> None:
    reranker = FastEmbedReranker.from_models_dir(reranker_models, SPEC.name, threads=1)
    assert reranker.name == SPEC.name
    scores = reranker.rerank(
        "which animal?",
        ["a lion", "a zebra and a zebra", "nothing here", "Zebra, lion."],
    )
    assert scores == pytest.approx([1.0, 10.0, 0.0, 6.0])
    assert reranker.rerank("q", []) == []
    # the question's own tokens (first segment) do not count: this is a cross-encoder's input
    assert reranker.rerank("zebra zebra zebra", ["plain"]) == pytest.approx([0.0])


def test_rerank_head_reorders_only_the_head_and_keeps_the_score_scale(
    reranker_models: Path,
) -> None:
    reranker = FastEmbedReranker.from_models_dir(reranker_models, SPEC.name)

    def row(i: int, text: str) -> StoredHit:
        return StoredHit(
            chunk_id=f"c{i}", doc_hash="d", ordinal=i, page=None, heading="", text=text, score=0
        )

    fused = [(row(0, "plain"), 0.5), (row(1, "zebra"), 0.45), (row(2, "lion"), 0.4)]
    fused += [(row(3, "zebra zebra"), 0.3), (row(4, "zebra"), 0.2)]
    # places in fusion's head 1, 0.75, 0.5, 0 plus the probability that each answers
    # (logits 0, 5, 1, 10): 1.5, 1.74, 1.23, 1.0 - neighbours swap, the last stays last
    out = rerank_head(reranker, "q", fused, depth=4)
    assert [r.chunk_id for r, _ in out] == ["c1", "c0", "c2", "c3", "c4"]  # c4: past the depth
    assert [s for _, s in out] == [0.5, 0.45, 0.4, 0.3, 0.2]  # fusion's scores, handed out again
    assert rerank_head(reranker, "q", fused, depth=4, weight=0) == fused
    # at weight 10 the reranker's view decides: "plain" falls from first to last
    by_reranker = rerank_head(reranker, "q", fused, depth=4, weight=10)
    assert [r.chunk_id for r, _ in by_reranker] == ["c1", "c3", "c2", "c0", "c4"]
    assert rerank_head(reranker, "q", fused[:1], depth=3) == fused[:1]
    # fusion's first leads by 0.05: a margin below that skips the reranker, one above not
    assert rerank_head(reranker, "q", fused, depth=4, weight=10, margin=0.04) == fused
    assert rerank_head(reranker, "q", fused, depth=4, weight=10, margin=0.06) == by_reranker
    # a logit of any size is a probability; a NaN one counts as no evidence
    assert [answer_probability(x) for x in (-1e308, 0.0, 1e308)] == [0.0, 0.5, 1.0]
    assert answer_probability(float("nan")) == 0.0
    # a passage the reranker cannot read (another language) keeps its place
    readable = lambda r: r.chunk_id != "c0"  # noqa: E731
    out = rerank_head(reranker, "q", fused, depth=4, readable=readable, weight=10)
    assert [r.chunk_id for r, _ in out] == ["c0", "c1", "c3", "c2", "c4"]
    assert [s for _, s in out] == [0.5, 0.45, 0.4, 0.3, 0.2]


def test_retriever_hook_changes_the_order(
    reranker_models: Path, workspace: Workspace, tmp_path: Path
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "capital.txt").write_text(
        "Paris is the capital of France. The capital of France has many museums."
    )
    (docs / "zoo.txt").write_text("The zoo keeps a zebra near the cafe of the city.")
    (docs / "rain.txt").write_text("Rain falls on the hills in the spring.")
    list(workspace.indexer.index([docs], "c"))
    collection = workspace.catalog.get_collection("c")
    query = "capital of France"

    plain = workspace.retriever.search(collection, query, k=3)
    reranker = FastEmbedReranker.from_models_dir(reranker_models, SPEC.name)
    reranked = Retriever(
        workspace.embedder, workspace.store, workspace.catalog, BY_RERANKER, reranker=reranker
    ).search(collection, query, k=3)

    def first_file(result: object) -> str:
        return Path(result.hits[0].paths[0]).name  # type: ignore[attr-defined]

    assert first_file(plain) == "capital.txt"
    assert first_file(reranked) == "zoo.txt"
    # at the default weight the reranker is weighed against fusion, whose first
    # passage (keywords and vectors agree) keeps its place
    always = RetrievalConfig(rerank_margin=None)
    blended = Retriever(
        workspace.embedder, workspace.store, workspace.catalog, always, reranker=reranker
    ).search(collection, query, k=3)
    assert first_file(blended) == "capital.txt"
    # where fusion's first leads by the default margin, the reranker is not even asked:
    # at weight 10 it would have put the zebra first
    skipping = RetrievalConfig(rerank_weight=10.0)
    assert skipping.rerank_margin is not None
    led = Retriever(
        workspace.embedder, workspace.store, workspace.catalog, skipping, reranker=reranker
    ).search(collection, query, k=3)
    assert first_file(led) == "capital.txt"
    assert led.hits[0].score - led.hits[1].score >= skipping.rerank_margin
    scores = [h.score for h in reranked.hits]
    assert scores == sorted(scores, reverse=True)


def test_the_fetched_reranker_puts_the_answering_passage_first(models_dir: Path) -> None:
    reranker = FastEmbedReranker.from_models_dir(models_dir, DEFAULT_RERANKER, threads=1)
    assert reranker.languages == "English"
    passages = [
        "The museum opens at nine and closes at six, except on Mondays.",
        "Insulin is made by the beta cells of the pancreas and lowers blood sugar.",
        "Blood sugar is measured in the morning before breakfast.",
        "The pancreas lies behind the stomach.",
    ]
    scores = reranker.rerank("Which cells produce insulin?", passages)
    assert max(range(4), key=lambda i: scores[i]) == 1
    assert scores[1] > 0 > scores[0]  # a logit: above 0 reads as relevant


def indexed_with_reranker(
    workspace: Workspace, tmp_path: Path, reranker_models: Path, **files: str
) -> tuple[Collection, Retriever]:
    """A collection of `files` (name -> text, each saved as name.txt), and a retriever
    that follows the zebra-loving cross-encoder."""
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, text in files.items():
        (docs / f"{name}.txt").write_text(text, encoding="utf-8")
    list(workspace.indexer.index([docs], "c"))
    reranker = FastEmbedReranker.from_models_dir(reranker_models, SPEC.name)
    retriever = Retriever(
        workspace.embedder, workspace.store, workspace.catalog, BY_RERANKER, reranker=reranker
    )
    return workspace.catalog.get_collection("c"), retriever


def test_an_english_reranker_leaves_other_languages_to_fusion(
    reranker_models: Path, workspace: Workspace, tmp_path: Path
) -> None:
    collection, retriever = indexed_with_reranker(
        workspace, tmp_path, reranker_models,
        capital="Paris é a capital da França. A capital da França tem muitos museus e pontes.",
        zoo="O zoológico da cidade tem uma zebra perto do café.",
    )  # fmt: skip
    assert collection.language == "Portuguese"
    found = retriever.search(collection, "capital da França", k=2)
    assert Path(found.hits[0].paths[0]).name == "capital.txt"  # zebra would win if reranked


def test_an_english_reranker_does_not_read_a_portuguese_question(
    reranker_models: Path, workspace: Workspace, tmp_path: Path
) -> None:
    """English passages, a question clearly in Portuguese: an English cross-encoder
    would score them by the few words they share with it, so fusion's order stays."""
    collection, retriever = indexed_with_reranker(
        workspace, tmp_path, reranker_models,
        capital="Paris is the capital of France, with many museums.",
        zoo="The zoo keeps a zebra near the cafe of the city.",
    )  # fmt: skip
    assert collection.language == "English"
    question = "Onde fica a capital da France?"
    assert question_language(question) == "Portuguese"
    found = retriever.search(collection, question, k=2)
    assert [Path(h.paths[0]).name for h in found.hits] == ["capital.txt", "zoo.txt"]
    english = retriever.search(collection, "Where is the capital of France?", k=2)
    assert Path(english.hits[0].paths[0]).name == "zoo.txt"  # an English one is re-read


def test_workspace_loads_the_reranker_the_settings_name(
    reranker_models: Path, workspace: Workspace
) -> None:
    assert workspace.reranker is None  # off by default
    workspace.paths = workspace.paths.__class__(home=workspace.paths.home, models=reranker_models)
    workspace.update_settings(Settings(reranker=SPEC.name))
    assert workspace.reranker is not None and workspace.reranker.name == SPEC.name
    assert workspace.retriever._reranker is workspace.reranker
    workspace.update_settings(Settings())
    assert workspace.reranker is None


def test_missing_reranker_files_say_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ModelError) as err:
        FastEmbedReranker.from_models_dir(tmp_path, SPEC.name)
    assert "onnx/model.onnx" in str(err.value)
    assert f"`make models` fetches {DEFAULT_RERANKER}" in str(err.value)
    with pytest.raises(ModelError, match="unknown reranker"):
        FastEmbedReranker.from_models_dir(tmp_path, "nope")


def test_a_broken_onnx_file_is_a_model_error(reranker_models: Path) -> None:
    (reranker_folder(reranker_models, SPEC) / SPEC.model_file).write_bytes(b"not onnx")
    with pytest.raises(ModelError, match="cannot load reranker"):
        FastEmbedReranker.from_models_dir(reranker_models, SPEC.name)


def test_every_reranker_spec_names_a_model_fastembed_knows() -> None:
    from fastembed.rerank.cross_encoder import TextCrossEncoder

    known = {m["model"] for m in TextCrossEncoder.list_supported_models()}
    for spec in RERANKER_MODELS:
        assert spec.fastembed_name in known
