"""The analyzer's core: the ``health_claims`` spaCy component and its stages.

gate → lexicon tagging → rule matching → context → subject → (scoring) → evidence → findings;
see :mod:`analyzer.engine.component`.
"""

from .component import HealthClaims, make_health_claims
from .segment import make_sentencizer

__all__ = ["HealthClaims", "make_health_claims", "make_sentencizer"]
