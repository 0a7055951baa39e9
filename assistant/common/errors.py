"""Domain errors. Each names the bad value and the expected form."""

from __future__ import annotations


class PuljeError(Exception):
    """Base class for every error the library raises on purpose."""


class InvalidQuestionError(PuljeError, ValueError):
    """A question that cannot be searched: empty, too long or full of control characters."""


class CorpusError(PuljeError):
    """The corpus directory or its manifest is missing or inconsistent."""


class IndexUnavailableError(PuljeError):
    """The search index cannot be read or built (e.g. corrupt files, Chroma server down)."""


class EmbeddingModelError(PuljeError):
    """An embedding model could not be loaded from a local package or path."""
