"""Scoring: a trained claim scorer (spaCy's ``textcat_multilabel``) for each sentence.

The scorer does not read a sentence as written but a *delexicalised view* of
it: every lexicon entity becomes its class ("Kava calms anxiety" reads
``substance_ calms condition_``) and every context cue is marked before its
first word (``ctx_negated``, ``ctx_reported`` ...). What it learns from one
substance or condition therefore carries to the others, and to the words the
lexicons will gain later.

Before the sentence's words the view lists what the rules made of it
(:func:`rule_signals`): the lexicon classes it names (``cls_condition``),
whether it names both a target and something a claim can be about
(``scorable_``), the category of each rule candidate in it (``rule_cure_all``)
and, for a candidate the context suppressed, the kind of its first cue and its
category (``sup_reported``, ``supr_disease_claim``). The scorer thus learns
when to trust a rule and when a context cue is wrongly read.

It gives each sentence a confidence that the sentence makes a health claim
(label ``CLAIM``) and the category it most likely belongs to (one label per
finding category). The engine combines it with the rules (:class:`Policy`): a
rule finding the scorer strongly rejects is suppressed, a sentence it strongly
accepts that no rule flagged becomes a finding of its own.

The weights are trained by ``healthclaims train`` (:func:`train`) and loaded
with :func:`load_scorer`; the shipped model lives in the package data
(``patterns/scorer/``).
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass, replace
from importlib import resources
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, NamedTuple, Sequence

import numpy
from spacy.tokens import Doc

from .claims import CONVENTIONAL_SUBJECT, NO_SUBJECT
from .context import Hit
from .rulematch import Tag

if TYPE_CHECKING:
    from ..packs.loader import Rule
    from .claims import Candidate

# The label for "this sentence is a health claim"; the others are finding categories.
CLAIM = "CLAIM"
# Lexicon classes that the view replaces by their class name.
ENTITY_CLASSES = frozenset(
    {"SUBSTANCE", "DRUG", "CONDITION", "EFFECT", "WEIGHT", "NAMED_PRODUCT", "DISEASE_PROP", "EFFECT_PROP"}
)
# A sentence is scored only when it names one of these (a substance alone makes no claim).
TARGET_ENTITY_CLASSES = ENTITY_CLASSES - {"SUBSTANCE"}
SPACE = "_sp_"
SUBJECT_CUES = frozenset({NO_SUBJECT, CONVENTIONAL_SUBJECT})
MODEL_PACKAGE = "scorer"  # folder of the shipped model inside the package data


# What a sentence is to the policy (:func:`sentence_tier`); each tier has its own threshold.
RULED = "ruled"  # a rule flagged it: kept unless it scores below the veto
RULED_OUT = "ruled_out"  # its rule candidate was suppressed by context (negated, reported...)
SCORABLE = "scorable"  # no rule candidate; it names a target and something a claim can be about
UNSCORABLE = "unscorable"  # no rule candidate; it names only what may make a claim (a condition alone...)


def sentence_tier(
    flagged: bool, ruled_out: bool, scorable: bool, may_hold_claim: bool, about_medicine: bool = False
) -> str | None:
    """The tier of a sentence: whether a rule ``flagged`` it, a rule candidate in it was
    ``ruled_out`` by context, it is ``scorable`` (:meth:`HealthClaims.scorable`) or it
    ``may_hold_claim`` (:meth:`HealthClaims.may_hold_claim`); ``None``: the scorer cannot make a
    finding of it. A sentence whose claim is ``about_medicine`` (its subject is a conventional
    medicine) is out of scope: no threshold lets the scorer report it."""
    if flagged:
        return RULED
    if about_medicine:
        return None
    if ruled_out:
        return RULED_OUT
    if scorable:
        return SCORABLE
    return UNSCORABLE if may_hold_claim else None


@dataclass(frozen=True)
class Policy:
    """How rules and scorer combine (kept in the model's meta, chosen by cross-validation on the
    training lines: :func:`analyzer.run.training.choose_policy`): a threshold for each tier of
    sentence (:func:`sentence_tier`), ``None`` for never.

    ``veto``: a rule finding whose sentence scores below it is suppressed;
    ``accept``: a sentence no rule flagged that names a target and a subject becomes a finding at
    or above it;
    ``accept_unscorable``: the same for a sentence that names only a condition, effect or drug, or
    what a rule could match;
    ``accept_ruled_out``: the same for a sentence whose rule candidate the context suppressed
    (a misread cue: "no more headaches since...");
    ``confident``: a scored finding at or above it is of medium severity, else low;
    ``needs_target_and_subject``: ``False`` (models trained before the tiers) reads
    ``accept_unscorable`` as ``accept``.
    """

    veto: float = 0.02
    accept: float = 0.85
    confident: float = 0.95
    needs_target_and_subject: bool = True
    accept_unscorable: float | None = None
    accept_ruled_out: float | None = None

    def to_dict(self) -> dict:
        return {
            "veto": self.veto,
            "accept": self.accept,
            "confident": self.confident,
            "needs_target_and_subject": self.needs_target_and_subject,
            "accept_unscorable": self.accept_unscorable,
            "accept_ruled_out": self.accept_ruled_out,
        }

    def threshold(self, tier: str | None) -> float | None:
        """What a sentence of ``tier`` must score to be reported (``None``: it never is)."""
        if tier == RULED:
            return self.veto
        if tier == SCORABLE:
            return self.accept
        if tier == UNSCORABLE:
            return self.accept if not self.needs_target_and_subject else self.accept_unscorable
        return self.accept_ruled_out if tier == RULED_OUT else None

    @property
    def scores_unscorable(self) -> bool:
        """Whether a sentence that is not scorable may become a finding of its own."""
        return self.threshold(UNSCORABLE) is not None

    def with_accept(self, accept: float) -> Policy:
        """This policy with ``accept`` moved to ``accept`` (``--min-confidence``), the stricter
        tiers moved with it, each keeping its margin (never above 1)."""
        shift = accept - self.accept

        def moved(t: float | None) -> float | None:
            return None if t is None else round(min(1.0, max(0.0, t + shift)), 3)

        return replace(
            self,
            accept=accept,
            accept_unscorable=moved(self.accept_unscorable),
            accept_ruled_out=moved(self.accept_ruled_out),
        )


class Score(NamedTuple):
    confidence: float  # that the sentence is a claim
    category: str  # the most likely finding category


def rule_signals(tags: Iterable[Tag], candidates: Iterable[Candidate], scorable: bool) -> list[str]:
    """What the rules made of a sentence with entities ``tags`` and rule ``candidates`` (their
    context cues set), as the words that open its view."""
    words = {"cls_" + t.cls.lower() for t in tags}
    for c in candidates:
        cues = [cue for cue in c.cues if cue not in SUBJECT_CUES]  # the view is read before subjects are
        if cues:
            words.add("sup_" + cues[0].split(":", 1)[0])
            words.add("supr_" + c.rule.category)
        else:
            words.add("rule_" + c.rule.category)
    return [*sorted(words), "scorable_"] if scorable else sorted(words)


def view_word(lexeme) -> str:
    """What the view reads of a word that no lexicon entity covers: its lower case form."""
    return SPACE if lexeme.is_space else lexeme.lower_


def sentence_view(
    doc: Doc,
    start: int,
    end: int,
    tags: Iterable[Tag],
    hits: Iterable[Hit],
    signals: Sequence[str] = (),
    doc_words: list[str] | None = None,
) -> list[str]:
    """The delexicalised words of tokens [start, end) of ``doc``, after ``signals`` (see the module
    docstring). ``doc_words``: :func:`view_word` of each token of the doc, when the caller has them."""
    words: list[str | None] = [view_word(t) for t in doc[start:end]] if doc_words is None else doc_words[start:end]
    for t in tags:
        if t.cls in ENTITY_CLASSES and start <= t.start and t.end <= end:
            words[t.start - start] = t.cls.lower() + "_"
            for i in range(t.start + 1, t.end):
                words[i - start] = None
    cues: dict[int, list[str]] = {}
    for h in hits:
        if start <= h.start < end:
            cues.setdefault(h.start - start, []).append("ctx_" + h.trigger.category.lower())
    view: list[str] = list(signals)
    for i, word in enumerate(words):
        view.extend(cues.get(i, ()))
        if word is not None:
            view.append(word)
    return view or [SPACE]


class WordWeights:
    """A bag-of-words model's scores without building a Doc for each view.

    A single-word ``TextCatBOW`` model is linear before its logistic: a view's logits are the
    bias plus, for each of its words, that word's weights. Each word's weights are read once,
    from the model itself (its logits for the word alone, less the bias), and kept; a view then
    costs one row lookup per word. Scores equal the model's own to within 1e-6.
    """

    LIMIT = 200_000  # words kept; past it the table starts afresh (memory stays bounded)

    def __init__(self, vocab, linear_layer, bias):
        self.vocab = vocab
        self.linear = linear_layer
        self.bias = numpy.asarray(bias, dtype="float64")
        self.rows: dict[str, int] = {}
        self.table = numpy.zeros((64, len(self.bias)), dtype="float64")

    @classmethod
    def of(cls, nlp, textcat) -> WordWeights | None:
        """The weights of ``textcat``'s model if it is a single-word bag of words, else ``None``."""
        model_cfg = nlp.config["components"]["textcat_multilabel"]["model"]
        if not str(model_cfg.get("@architectures", "")).startswith("spacy.TextCatBOW") or model_cfg["ngram_size"] != 1:
            return None
        layers = {layer.name: layer for layer in textcat.model.walk()}
        if "sparse_linear" not in layers or "logistic" not in layers or not textcat.model.layers:
            return None
        return cls(nlp.vocab, textcat.model.layers[0], layers["sparse_linear"].get_param("b"))

    def learn(self, words: list[str]) -> None:
        """Read the weights of ``words`` (none of them known yet) from the model."""
        logits = numpy.asarray(self.linear.predict([Doc(self.vocab, words=[w]) for w in words]), dtype="float64")
        first = len(self.rows)
        if first + len(words) > len(self.table):
            grown = numpy.zeros((2 * (first + len(words)), len(self.bias)), dtype="float64")
            grown[:first] = self.table[:first]
            self.table = grown
        self.table[first : first + len(words)] = logits - self.bias
        self.rows.update(zip(words, range(first, first + len(words))))

    def __call__(self, views: Sequence[list[str]]) -> list[list[float]]:
        if not views:
            return []
        flat = list(map(self.rows.get, chain.from_iterable(views)))
        if None in flat:  # words not seen before
            missing = sorted({w for view in views for w in view if w not in self.rows})
            if len(self.rows) + len(missing) > self.LIMIT:
                self.rows.clear()
                missing = sorted({w for view in views for w in view})
            self.learn(missing)
            flat = list(map(self.rows.get, chain.from_iterable(views)))
        starts = numpy.cumsum([0] + [len(view) for view in views[:-1]])
        logits = numpy.add.reduceat(self.table[flat], starts, axis=0) + self.bias
        return (1.0 / (1.0 + numpy.exp(-logits))).tolist()


class ClaimScorer:
    """A trained claim scorer: a spaCy pipeline holding one ``textcat_multilabel``."""

    def __init__(self, nlp, policy: Policy | None = None):
        self.nlp = nlp
        self.textcat = nlp.get_pipe("textcat_multilabel")
        meta = nlp.meta.get("healthclaims", {})
        self.policy = policy or Policy(**meta.get("policy", {}))
        self.vocab = nlp.vocab
        labels = list(self.textcat.labels)
        self.categories = [label for label in labels if label != CLAIM]
        self._claim_column = labels.index(CLAIM)
        self._category_columns = [(label, labels.index(label)) for label in self.categories]
        self._linear = WordWeights.of(nlp, self.textcat)

    def __call__(self, views: Sequence[list[str]]) -> list[Score]:
        """One score per view, in order."""
        if self._linear is not None:
            rows = self._linear(views)
        else:
            docs = [Doc(self.vocab, words=view) for view in views]
            rows = self.textcat.model.ops.to_numpy(self.textcat.predict(docs)).tolist()
        return [self._score(row) for row in rows]

    def _score(self, row: list[float]) -> Score:
        category = max(self._category_columns, key=lambda c: (row[c[1]], c[0]))[0] if self.categories else ""
        return Score(round(row[self._claim_column], 3), category)

    def to_disk(self, path: str | Path) -> None:
        self.nlp.meta["name"] = "healthclaims_scorer"
        self.nlp.meta["description"] = "Claim scorer for healthclaims: textcat_multilabel over delexicalised sentences"
        self.nlp.meta["healthclaims"] = {"policy": self.policy.to_dict()}
        self.nlp.to_disk(path)


def load_scorer(path: str | Path | None = None) -> ClaimScorer:
    """The scorer saved at ``path`` (a folder written by :func:`train`), or the shipped one;
    HC223 for a folder that is not one."""
    if path is not None:
        return ClaimScorer(_saved_pipeline(Path(path)))
    with resources.as_file(_shipped_model()) as folder:
        return ClaimScorer(_saved_pipeline(Path(folder)))


def _saved_pipeline(folder: Path):
    """The pipeline saved in ``folder`` as ``spacy.load`` would build it, but with a tokenizer that
    has no special cases: the scorer makes its docs from view words and never tokenizes text,
    and building English's tokenizer (some 2,000 special cases) was most of the cost of loading
    (0.4 s of a 0.45 s load; now some 0.03 s). The saved tokenizer is not read."""
    from spacy import util
    from spacy.tokenizer import Tokenizer

    from ..errors import HealthClaimsError, problem

    def not_a_scorer(reason: str) -> HealthClaimsError:
        return HealthClaimsError(problem("HC223", str(folder), reason=reason))

    if not (folder / "config.cfg").is_file():
        raise not_a_scorer("it has no config.cfg")
    try:
        config = util.load_config(folder / "config.cfg")
        pipeline = list(config["nlp"]["pipeline"])
        if pipeline != ["textcat_multilabel"]:
            raise not_a_scorer(f"its pipeline is {pipeline}, not ['textcat_multilabel']")
        nlp = util.get_lang_class(config["nlp"]["lang"])(create_tokenizer=lambda nlp: Tokenizer(nlp.vocab))
        settings = {k: v for k, v in config["components"]["textcat_multilabel"].items() if k != "factory"}
        nlp.add_pipe(config["components"]["textcat_multilabel"]["factory"], config=settings)
        nlp.from_disk(folder, exclude=["tokenizer"])
    except (OSError, ValueError, KeyError, TypeError) as exc:  # spaCy's and confection's errors are ValueErrors
        raise not_a_scorer(" ".join(f"{type(exc).__name__}: {exc}".split())[:300]) from None
    if CLAIM not in nlp.get_pipe("textcat_multilabel").labels:
        raise not_a_scorer(f"its textcat_multilabel has no label {CLAIM}")
    return nlp


def _shipped_model():
    from ..packs.loader import builtin_root

    return builtin_root() / MODEL_PACKAGE


class LabelledView(NamedTuple):
    view: list[str]
    label: int  # 1 claim, 0 not
    category: str | None  # its finding category, for a claim


# Bag of words: on about 2,000 labelled sentences, grouped cross-validation found it as good as
# spaCy's ensemble and far better calibrated, and single words better than words and word pairs
# (recall at precision 0.90: 0.72 against 0.67; see the README).
MODEL_CONFIG = {
    "@architectures": "spacy.TextCatBOW.v3",
    "exclusive_classes": False,
    "ngram_size": 1,
    "no_output_layer": False,
    "length": 65536,
}


def train(
    examples: Sequence[LabelledView],
    categories: Sequence[str],
    policy: Policy | None = None,
    epochs: int = 10,
    seed: int = 0,
) -> ClaimScorer:
    """A scorer trained on ``examples``; deterministic for a given seed and order."""
    import spacy
    from spacy.training import Example
    from spacy.util import fix_random_seed, minibatch

    fix_random_seed(seed)
    nlp = spacy.blank("en")
    textcat = nlp.add_pipe("textcat_multilabel", config={"model": MODEL_CONFIG})
    labels = [CLAIM, *sorted(categories)]
    for label in labels:
        textcat.add_label(label)
    data = [Example.from_dict(Doc(nlp.vocab, words=ex.view), {"cats": _cats(ex, labels)}) for ex in examples]
    optimizer = nlp.initialize(lambda: data)
    rng = random.Random(seed)
    for _ in range(epochs):
        rng.shuffle(data)
        for batch in minibatch(data, size=16):
            nlp.update(batch, sgd=optimizer, drop=0.2)
    return ClaimScorer(nlp, policy or Policy())


def _cats(example: LabelledView, labels: list[str]) -> dict[str, float]:
    cats = dict.fromkeys(labels, 0.0)
    if example.label:
        cats[CLAIM] = 1.0
        if example.category in cats:
            cats[example.category] = 1.0
    return cats


@functools.lru_cache(maxsize=4)
def cached_scorer(path: str | None = None) -> ClaimScorer:
    """:func:`load_scorer`, loaded once per process for each path."""
    return load_scorer(path)


SCORED_RULE = "scored-claim"


def scored_claim_rules(pack) -> dict[tuple[str, bool], Rule]:
    """The rule of a scored finding for each (category, confident): the category's basis and fix,
    taken from the pack's first rule of that category; low severity, medium when confident."""
    from ..packs.loader import CATEGORIES, Origin, Rule

    first: dict[str, Rule] = {}
    for rule in sorted(pack.rules.values(), key=lambda r: r.id):
        first.setdefault(rule.category, rule)
    rules = {}
    for category in CATEGORIES:
        model = first.get(category)
        for confident in (False, True):
            rules[category, confident] = Rule(
                id=SCORED_RULE,
                category=category,
                severity="medium" if confident else "low",
                message=f"The trained scorer reads this sentence as a {category.replace('_', ' ')}, "
                "though no rule matched it.",
                basis=dict(model.basis) if model else {},
                fix=model.fix if model else "Remove the claim, or support it with evidence a regulator accepts.",
                patterns=[],
                examples={},
                origin=Origin("analyzer/engine/scoring.py"),
                requires_subject=False,
            )
    return rules
