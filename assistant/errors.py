"""Domain exceptions. Each message names the problem and the fix; the CLI and UI
translate them at the edge (one line, no traceback)."""
from __future__ import annotations


class PolicyAssistantError(Exception):
    """Base class for every error this package raises on purpose."""


class CorpusError(PolicyAssistantError):
    """The corpus folder or a document in it cannot be used."""


class UnsupportedFileError(CorpusError):
    """A file type we cannot read (by extension or by content)."""


class DocumentReadError(CorpusError):
    """A file of a supported type that is empty, corrupt or encrypted."""


class IndexNotBuiltError(PolicyAssistantError):
    """No usable index: run `policy-assistant ingest` first."""


class IndexChangedError(IndexNotBuiltError):
    """The generation a question was reading was replaced (and dropped) meanwhile: ask again."""


class VectorStoreError(IndexNotBuiltError):
    """The vector database cannot be read (damaged, or the chroma server is unreachable)."""


class EmbedderError(PolicyAssistantError):
    """The configured embedder cannot be loaded offline."""


class InputError(PolicyAssistantError):
    """A question or batch line that cannot be answered as given."""


class RuleBaseError(PolicyAssistantError):
    """The eligibility rule base is malformed or quotes text that is not in the source."""


class QuoteMissingError(RuleBaseError):
    """A rule quotes text that is not (or no longer) in its document."""
