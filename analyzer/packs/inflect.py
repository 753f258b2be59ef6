"""English verb inflection for claim-verb lexicons.

Pattern files list base forms ("alleviate", "get rid of"); the loader expands
each into its inflections so the PhraseMatcher sees every surface form without
a statistical lemmatizer. Irregular forms come from the data, not from code.
"""

from __future__ import annotations

_VOWELS = "aeiou"


def _double_final(word: str) -> bool:
    # stop -> stopped, but not: treat, boost, help, visit
    return (
        len(word) >= 3
        and word[-1] not in _VOWELS + "wxy"
        and word[-2] in _VOWELS
        and word[-3] not in _VOWELS
        and len(word) <= 4
    )


def third_person(word: str) -> str:
    if word.endswith(("s", "sh", "ch", "x", "z", "o")):
        return word + "es"
    if word.endswith("y") and len(word) > 1 and word[-2] not in _VOWELS:
        return word[:-1] + "ies"
    return word + "s"


def past(word: str) -> str:
    if word.endswith("e"):
        return word + "d"
    if word.endswith("y") and len(word) > 1 and word[-2] not in _VOWELS:
        return word[:-1] + "ied"
    if _double_final(word):
        return word + word[-1] + "ed"
    return word + "ed"


def gerund(word: str) -> str:
    if word.endswith("ie"):
        return word[:-2] + "ying"
    if word.endswith("e") and not word.endswith(("ee", "ye", "oe")):
        return word[:-1] + "ing"
    if _double_final(word):
        return word + word[-1] + "ing"
    return word + "ing"


def inflections(phrase: str, irregular: dict[str, list[str]] | None = None) -> list[str]:
    """All surface forms of a verb phrase; only the first word is inflected."""
    head, _, rest = phrase.strip().partition(" ")
    forms = {head, third_person(head), gerund(head)}
    if irregular and head in irregular:
        forms.update(irregular[head])
    else:
        forms.add(past(head))
    tail = f" {rest}" if rest else ""
    return sorted(f"{form}{tail}" for form in forms)
