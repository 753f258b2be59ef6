"""The analyzer's core: the ``health_claims`` spaCy component and its stages.

gate → lexicon tagging → rule matching → context → subject → (scoring) → evidence → findings;
see :mod:`analyzer.engine.component`.
"""

from __future__ import annotations

import importlib

__all__ = ["HealthClaims", "make_health_claims", "make_sentencizer"]
_HOMES = {"HealthClaims": "component", "make_health_claims": "component", "make_sentencizer": "segment"}


def __getattr__(name: str):
    """The exports, imported when first asked for: a stage module (the gate, loaded from the pack
    cache to screen texts) can be imported without spaCy and the component."""
    if name in _HOMES:
        return getattr(importlib.import_module(f".{_HOMES[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
