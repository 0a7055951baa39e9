"""Redaction (assistant.storage.redact) of people's names before questions are stored:
introduced or not, in any case, and the domain and ordinary words that are kept; over the
gold set, only the question that names a person changes."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assistant.storage.redact import redact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Medarbejderen Anne-Marie Hansen vil tage PAU", "Medarbejderen [NAVN] vil tage PAU"),
        ("jeg hedder Søren og er leder", "jeg hedder [NAVN] og er leder"),
        ("Jeg hedder Søren. Jeg er leder", "Jeg hedder [NAVN]. Jeg er leder"),
        ("Mit navn er Åse Øberg-Ærø, og", "Mit navn er [NAVN], og"),
        ("Kan medarbejder Ib tage kurset?", "Kan medarbejder [NAVN] tage kurset?"),
        ("min kollega Bo Ægidius", "min kollega [NAVN]"),
        ("vores medhjælper Fatima er ny", "vores medhjælper [NAVN] er ny"),
        ("Pædagogen Zoë O'Brien starter", "Pædagogen [NAVN] starter"),
        # A long name is one name, not "[NAVN] Dorte" (issue 14).
        ("Medarbejder: Anne Bo Carl Dorte", "Medarbejder: [NAVN]"),
        ("Mit navn er Anne Hvad gør vi?", "Mit navn er [NAVN] Hvad gør vi?"),
        ("My name is John Smith and I lead", "My name is [NAVN] and I lead"),
        ("I am called Bob.", "I am called [NAVN]."),
        ("the employee Maria wants PAU", "the employee [NAVN] wants PAU"),
        ("Our assistant Lars", "Our assistant [NAVN]"),
        ("my colleague Jens Peter Madsen Holm", "my colleague [NAVN]"),
        ("jeg hedder zoltan og er ny", "jeg hedder [NAVN] og er ny"),  # in no list
    ],
)
def test_introduced_names_are_redacted(text: str, expected: str) -> None:
    assert redact(text) == expected


# Each form reproduced in issue 14 (point 11): stored unredacted before.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("jeg hedder mette hansen", "jeg hedder [NAVN]"),
        ("Mit navn er MADS JENSEN", "Mit navn er [NAVN]"),
        ("Min kollega, Mette Hansen, vil tage PAU", "Min kollega, [NAVN], vil tage PAU"),
        ("Vores pædagog Mette Hansen vil tage PAU", "Vores pædagog [NAVN] vil tage PAU"),
        ("Medhjælperen Fatima Al-Hassan vil tage PAU", "Medhjælperen [NAVN] vil tage PAU"),
        ("Mette Hansen vil tage PAU", "[NAVN] vil tage PAU"),
        ("Anne Hansen vil tage PAU", "[NAVN] vil tage PAU"),  # pinned as kept before
        ("kan mette hansen tage PAU?", "kan [NAVN] tage PAU?"),
        ("MADS JENSEN vil tage AMU", "[NAVN] vil tage AMU"),
        ("Kan Anne Marie Kofoed Bjerregaard få PAU?", "Kan [NAVN] få PAU?"),
        ("vores pædagog Jens Peter Madsen Holm", "vores pædagog [NAVN]"),
        ("Ahmad Al-Hassan har været her i to år", "[NAVN] har været her i to år"),
        ("Vikar for Birgitte mens hun er på AMU", "Vikar for [NAVN] mens hun er på AMU"),
        ("Vikaren tager Peters vagter", "Vikaren tager [NAVN] vagter"),
        ("siger minister Mattias Tesfaye", "siger minister [NAVN]"),
        ("Bo Skov vil gerne på kursus", "[NAVN] vil gerne på kursus"),
        ("medarbejderen, Anne, vil", "medarbejderen, [NAVN], vil"),
        ("Projektmedarbejder Anne", "Projektmedarbejder [NAVN]"),
        ("medarbejdere Anne og Bo", "medarbejdere [NAVN] og [NAVN]"),
        ("Mette Hansen per uge", "[NAVN] per uge"),
        ("fru Hansen vil", "fru [NAVN] vil"),
        ("Pernille Juhl Professor", "[NAVN] Professor"),  # the title is no name
    ],
)
def test_names_in_any_form_are_redacted(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "medarbejderen vil gerne tage PAU",
        "Vi har en ny medarbejder. Hun vil gerne",
        "Medarbejderen PAU-uddannelsen",
        "Jeg hedder\nHvad",
        "Den Pædagogiske Assistentuddannelse (PAU) og AMU",
        "Kan Københavns Kommune søge? København fik 15 mio. kr.",
        "FOA og BUPL har udtalt sig om Puljen",
        "Per medarbejder kan vi bruge 10 pct.",  # "Per" is a word here
        "Maj 2026 og line-ledelsen",
        "vi vil bo i en by",
        "10 kr. per dag og per time",  # "per", "dag" and "time" are in name lists too
        "mette og anne",  # lower-case first names without a surname
        "My Danish colleague says there are 200 mio",
        "Will the pool cover May and June?",
        "medarbejderen per uge",
        "medhjælper København",
        "husk at kk.dk har svaret",
        "regnskabsperiode 2029 2030",
        "jf. faktaark-007 og kk-amu-svar",
    ],
)
def test_domain_words_and_ordinary_words_are_kept(text: str) -> None:
    assert redact(text) == text


def _gold_questions() -> list[tuple[str, str]]:
    out = []
    for path in sorted(Path("evals/gold").glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            for q in case.get("turns") or [case["question"]]:
                out.append((case["id"], q))
    return out


# Gold questions that do name a person, read and confirmed by hand.
GOLD_NAMES = {
    "bl-eligibility-pau-dagplejer-da-01": "Vores dagplejer [NAVN] har 6 års erfaring",
}


def test_gold_questions_change_only_where_a_person_is_named() -> None:
    """Redaction over every gold question changes only the ones that name a person; any
    other change is a false positive (all changes are printed, so that they can be seen)."""
    questions = _gold_questions()
    assert len(questions) > 600
    changed = {cid: (q, redact(q)) for cid, q in questions if redact(q) != q}
    for cid, (q, out) in changed.items():
        print(f"{cid}: {q!r} -> {out!r}")
    assert set(changed) == set(GOLD_NAMES)
    for cid, start in GOLD_NAMES.items():
        assert changed[cid][1].startswith(start)
        assert changed[cid][1].count("[") == 1  # nothing else in it was touched
