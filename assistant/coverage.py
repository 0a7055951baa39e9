"""Does the material know the words a question turns on? A signal for abstention.

A Danish question about something the documents never mention ("startløn", "Odense",
"sprogvurdering") has salient words that occur nowhere in the corpus, not even as part
of a compound. Retrieval still returns its nearest passages; this says they are not about
the question.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import Stemmer

_WORD = re.compile(r"[a-zæøå]+")
# Words that carry no topic: question words, verbs of asking, generic nouns.
_GENERIC = frozenset("""hvad hvor hvordan hvornår hvem hvilke hvilken hvilket hvorfor
hvis eller også men ikke kan kunne skal skulle må måtte have har havde være er var blive
bliver blev gøre gør give giver får fået få bruge bruges brugt vores vore jeres deres
mange meget mere mest lille store stor stort andre anden andet nogle noget nogen alle alt
gælder sige siger siges regler reglerne reglen puljen puljens puljer pulje midler
midlerne pengene penge kommune kommunen kommuner kommunerne tak venligst lige egentlig
ifølge mener synes tror altså bare gerne også mellem omkring efter under over inden
uden""".split())


class Vocabulary:
    """Stems and 5-grams of every word in the corpus."""

    def __init__(self, texts: Iterable[str]) -> None:
        self._stem = Stemmer.Stemmer("danish")
        self.stems: set[str] = set()
        self.grams: set[str] = set()
        for text in texts:
            for word in _WORD.findall(text.lower()):
                self.stems.add(self._stem.stemWord(word))
                self.grams.update(_grams(word))

    def unknown(self, question: str) -> list[str]:
        """Salient words of a Danish question that the corpus does not know, not even as
        part of a compound (at least half the word's 5-grams must occur)."""
        out = []
        for word in _WORD.findall(question.lower()):
            if len(word) < 5 or word in _GENERIC:
                continue
            if self._stem.stemWord(word) in self.stems:
                continue
            grams = _grams(word)
            if sum(g in self.grams for g in grams) / len(grams) >= 0.5:
                continue
            out.append(word)
        return out


def _grams(word: str, n: int = 5) -> list[str]:
    padded = f"_{word}_"
    return [padded[i : i + n] for i in range(max(1, len(padded) - n + 1))]
