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
    built-in rules and knowledge. A lone surrogate (``"\\udc80"``, which no UTF-8 text can hold)
    is read as U+FFFD, so offsets are unchanged and each finding's ``text`` is still ``text[start:end]``.
    """
    import re

    from .run.config import EngineSpec
    from .run.pipeline import analyze_many, locate, pipeline_for

    nlp = pipeline_for(EngineSpec(tuple(str(p) for p in patterns)))  # built once per set of packs
    scanned = re.sub("[\ud800-\udfff]", "\ufffd", text)
    return locate(text, next(analyze_many([scanned], nlp)))
