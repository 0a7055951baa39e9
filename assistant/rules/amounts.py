"""How much money the pool has, per year and for a span of years (2023 price level)."""

from __future__ import annotations

from assistant.common.formatting import format_mio
from assistant.rules.book import RuleBook
from assistant.rules.decision import Decision, Text
from assistant.rules.explanations import AMOUNTS, AMOUNTS_NONE, AMOUNTS_TOTAL, AMOUNTS_UNCERTAIN


def pool_amounts(book: RuleBook, first: int | None = None, last: int | None = None,
                 certainty_asked: bool = False) -> Decision:
    """The yearly amounts and, for a span of years, their sum. Years without an amount
    (outside 2023-2030) are not in the material. Asked whether the amounts are certain:
    no, they depend on the yearly finance acts."""
    values = book.amounts_per_year
    first = first or min(values)
    last = last or max(values)
    citations = (book.params.amounts.citation, book.cite(
        "Udmøntningen sker med forbehold for puljens videreførelse på de årlige finanslove."))
    if first > last:
        first, last = last, first
    years = [y for y in range(first, last + 1) if y in values]
    if len(years) != last - first + 1:
        return Decision("pool_amounts", "unknown",
                        book.say(AMOUNTS_NONE),
                        citations, trace={"first": first, "last": last})
    total = sum(values[y] for y in years)

    def listed(lang: str) -> tuple[str, str]:
        groups: dict[int, list[int]] = {}
        for y in years:
            groups.setdefault(values[y], []).append(y)
        per = " og " if lang == "da" else " and "
        yearly = " årligt" if lang == "da" else " per year"
        word = "i" if lang == "da" else "in"
        parts = [f"{format_mio(v, lang)}{'' if len(ys) == 1 else yearly} {word} "
                 f"{ys[0] if len(ys) == 1 else f'{ys[0]}-{ys[-1]}'}"
                 for v, ys in groups.items()]
        tot = ""
        if len(years) > 1:
            tmpl = AMOUNTS_TOTAL.en if lang == "en" else AMOUNTS_TOTAL.da
            tot = tmpl.format(total=format_mio(total, lang), first=first, last=last)
        return per.join(parts), tot

    (amounts_da, total_da), (amounts_en, total_en) = listed("da"), listed("en")
    text = book.say(AMOUNTS, amounts=Text(amounts_da, amounts_en), total=Text(total_da, total_en))

    if certainty_asked:
        return Decision("pool_amounts", "no", Text(f"{AMOUNTS_UNCERTAIN.da} {text.da}",
                                                   f"{AMOUNTS_UNCERTAIN.en} {text.en}"),
                        citations, trace={"first": first, "last": last, "total_dkk": total,
                                          "subject_to_finance_acts": True})
    return Decision("pool_amounts", "info", text, citations,
                    trace={"first": first, "last": last, "total_dkk": total,
                           "price_level": book.params.price_level.value,
                           "per_year": {y: values[y] for y in years}})
