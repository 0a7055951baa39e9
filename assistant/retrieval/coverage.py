"""Does the material know the words a question turns on? A signal for abstention.

A Danish question about something the documents never mention ("startløn", "Odense",
"sprogvurdering") has salient words that occur nowhere in the corpus, not even as part of
a compound. Retrieval still returns its nearest passages; this says they are not about
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
uden dette denne disse sådan selv samme hele helt godt gode meget""".split())


def _grams(word: str, n: int = 5) -> list[str]:
    padded = f"_{word}_"
    return [padded[i : i + n] for i in range(max(1, len(padded) - n + 1))]


class Vocabulary:
    """Stems and 5-grams of a text collection."""

    def __init__(self, texts: Iterable[str]) -> None:
        self._stem = Stemmer.Stemmer("danish")
        self.stems: set[str] = set()
        self.grams: set[str] = set()
        for text in texts:
            for word in _WORD.findall(text.lower()):
                self.stems.add(self._stem.stemWord(word))
                self.grams.update(_grams(word))

    def salient(self, question: str) -> list[str]:
        return [w for w in _WORD.findall(question.lower()) if len(w) >= 5 and w not in _GENERIC]

    def knows(self, word: str) -> bool:
        """The word, or at least half of it as part of a compound, occurs in the texts."""
        if self._stem.stemWord(word) in self.stems:
            return True
        grams = _grams(word)
        return sum(g in self.grams for g in grams) / len(grams) >= 0.5

    def unknown(self, question: str) -> list[str]:
        """Salient words of a Danish question that the texts do not know."""
        return [w for w in self.salient(question) if not self.knows(w)]

