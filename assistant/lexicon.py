"""Domain lexicon and segmentation: a private ``jieba.Tokenizer`` that knows the
policy's terms, plus everyday-word → policy-term expansion for queries."""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .errors import CorpusError

LEXICON_FILE = "lexicon.yaml"
# The general vocabulary of Chinese labour and skills policy (everyday words → the words
# laws and policies use), shipped with the package; a corpus's lexicon.yaml adds to it.
VOCABULARY = Path(__file__).resolve().parent / "data" / "labour_vocabulary.yaml"
_WORD = re.compile(r"[\w\u3400-\u9fff%％]")  # a token must hold a letter, digit, CJK char or %
_CJK = re.compile(r"[\u3400-\u9fff]")
DOMAIN_WORD_FREQ = 200_000  # high enough that jieba keeps domain terms whole
# A question's "A不A" / "A没A" form (会不会, 可不可以, 扣不扣, 签没签, 愿意不愿意) asks yes or no of A:
# read as A, or its pieces (不会, 不能, 可不) would be taken for words of what is asked
_A_NOT_A = re.compile(r"([\u3400-\u9fff]{1,2})[不没]\1")


@dataclass(frozen=True)
class Lexicon:
    words: tuple[str, ...] = ()
    synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    stopwords: frozenset[str] = frozenset()
    out_of_scope: tuple[str, ...] = ()  # topics the corpus does not treat (see lexicon.yaml)

    @classmethod
    def load(cls, path: Path) -> "Lexicon":
        import yaml

        try:
            data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise CorpusError(f"领域词典无法读取 ({path}: {exc}): fix the YAML or remove the file") from exc
        if not isinstance(data, dict):
            raise CorpusError(f"领域词典格式不对 ({path}: expected a mapping of words, synonyms, stopwords): fix the file")
        synonyms = {str(k).lower(): tuple(map(str, v or ())) for k, v in (data.get("synonyms") or {}).items()}
        return cls(
            words=tuple(map(str, data.get("words") or ())),
            synonyms=synonyms,
            stopwords=frozenset(str(w).lower() for w in data.get("stopwords") or ()),
            out_of_scope=tuple(str(w).lower() for w in data.get("out_of_scope_topics") or ()),
        )

    def merged(self, other: "Lexicon") -> "Lexicon":
        """This lexicon with ``other``'s entries added (synonym lists joined per word)."""
        synonyms = dict(self.synonyms)
        for key, values in other.synonyms.items():
            synonyms[key] = tuple(dict.fromkeys((*synonyms.get(key, ()), *values)))
        return Lexicon(
            words=tuple(dict.fromkeys((*self.words, *other.words))),
            synonyms=synonyms,
            stopwords=self.stopwords | other.stopwords,
            out_of_scope=tuple(dict.fromkeys((*self.out_of_scope, *other.out_of_scope))),
        )

    def forms(self, term: str) -> tuple[str, ...]:
        """``term`` and every word the lexicon makes it stand for (lower-cased)."""
        return (term.lower(), *(t.lower() for t in self.synonyms.get(term.lower(), ())))

    def related(self, term: str) -> tuple[str, ...]:
        """``term``'s forms and those of every word that the lexicon makes stand for ``term``
        (经济性裁员 ← 裁员 → 裁减人员): the ways a text may name what ``term`` names."""
        return tuple(dict.fromkeys((*self.forms(term), *(f for key in self._listing.get(term.lower(), ())
                                                          for f in self.forms(key)))))

    @cached_property
    def _listing(self) -> dict[str, tuple[str, ...]]:
        """word → the synonym keys whose lists hold it."""
        found: dict[str, list[str]] = {}
        for key, values in self.synonyms.items():
            for value in values:
                found.setdefault(value.lower(), []).append(key)
        return {word: tuple(keys) for word, keys in found.items()}

    @cached_property
    def fingerprint(self) -> str:
        """A hash of everything segmentation and expansion read: the index records it, so
        an edited lexicon rebuilds the BM25 vocabulary."""
        import hashlib
        import json

        payload = json.dumps([self.words, sorted(self.synonyms.items()), sorted(self.stopwords), self.out_of_scope],
                             ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]

    @classmethod
    def for_corpus(cls, corpus_dir: Path, vocabulary: Path | None = VOCABULARY) -> "Lexicon":
        """The shipped general vocabulary plus the corpus folder's lexicon.yaml (if any)."""
        base = cls.load(vocabulary) if vocabulary is not None and Path(vocabulary).exists() else cls()
        path = Path(corpus_dir) / LEXICON_FILE
        return base.merged(cls.load(path)) if path.exists() else base


class Segmenter:
    """jieba segmentation with the domain words; search-mode tokens, lower-cased."""

    def __init__(self, lexicon: Lexicon | None = None):
        self.lexicon = lexicon or Lexicon()

    @cached_property
    def _jieba(self):
        import jieba

        jieba.setLogLevel(logging.WARNING)
        tokenizer = jieba.Tokenizer()
        for word in self.lexicon.words:
            tokenizer.add_word(word, DOMAIN_WORD_FREQ)
        for alias in (*self.lexicon.synonyms, *self.lexicon.out_of_scope):
            if not alias.isascii():
                tokenizer.add_word(alias, DOMAIN_WORD_FREQ // 2)
        return tokenizer

    def tokens(self, text: str) -> list[str]:
        """All word tokens (search mode: long words also yield their parts)."""
        return [t.lower() for t in self._jieba.cut_for_search(text) if _WORD.search(t)]

    def words(self, text: str) -> list[str]:
        """The words of ``text`` (precise mode: each character in one word), lower-cased."""
        return [t.lower() for t in self._jieba.cut(text) if _WORD.search(t)]

    @cached_property
    def _tagger(self):
        import jieba.posseg

        return jieba.posseg.POSTokenizer(self._jieba)

    @cached_property
    def _domain_terms(self) -> frozenset[str]:
        lexicon = self.lexicon
        return frozenset(t.lower() for t in (*lexicon.words, *lexicon.synonyms, *(x for v in lexicon.synonyms.values() for x in v)))

    def nouns(self, text: str) -> list[str]:
        """The nouns of ``text`` (jieba's n…/vn tags) and the terms of the lexicon (加班, 辞职
        as well as 年假), lower-cased: what a turn is about, if anything."""
        return [w.word.lower() for w in self._tagger.cut(text)
                if w.flag.startswith("n") or w.flag == "vn" or w.word.lower() in self._domain_terms
                or (w.flag == "x" and len(w.word) >= 2 and _CJK.search(w.word))]

    def is_word(self, term: str) -> bool:
        """Whether ``term`` is a word of jieba's dictionary or of the lexicon, not a fragment
        its HMM guessed from characters left over ("我能", "能出", "没休")."""
        tokenizer = self._jieba
        tokenizer.check_initialized()
        return tokenizer.FREQ.get(term, 0) > 0 or term.lower() in self._domain_terms

    def terms(self, text: str) -> list[str]:
        """Content terms: tokens that are not stopwords, in order, unique; an "A不A" question
        form counts as its A ("工资会不会少发" → 工资, 少发: 会 is a stopword)."""
        stop = self.lexicon.stopwords
        return list(dict.fromkeys(t for t in self.tokens(_A_NOT_A.sub(r"\1 ", text)) if t not in stop))

    def expand(self, terms: list[str]) -> list[str]:
        """Terms plus the policy terms their everyday synonyms stand for (segmented too)."""
        out = list(terms)
        for term in terms:
            for target in self.lexicon.synonyms.get(term, ()):
                out.extend(self.tokens(target))
        return list(dict.fromkeys(t for t in out if t not in self.lexicon.stopwords))
