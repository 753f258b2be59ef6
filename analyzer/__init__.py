"""healthclaims: flag unsupported health claims in supplement marketing, with counter-evidence.

>>> from analyzer import analyze
>>> [f.category for f in analyze("Our kava drops cure anxiety.")]
['disease_claim']
"""

from __future__ import annotations

from typing import Iterable

from .findings import Finding

__version__ = "0.1.0"
__all__ = ["analyze", "Finding", "__version__"]


def analyze(text: str, patterns: Iterable[str] = ()) -> list[Finding]:
    """Return the health-claim findings in ``text``, sorted by position.

    ``patterns`` names extra pattern directories that extend or override the
    built-in rules and knowledge.
    """
    from .run.pipeline import analyze_many, get_pipeline, locate

    nlp = get_pipeline(tuple(str(p) for p in patterns))
    return locate(text, next(analyze_many([text], nlp)))
