"""How the pool reaches the municipalities (fact sheet, "Udmøntning"): directly from the
state, without application, by the expected number of children in 2023, in two rounds."""

from __future__ import annotations

from typing import Literal

from assistant.rules.book import RuleBook
from assistant.rules.decision import Decision
from assistant.rules.explanations import (
    ALLOCATION_APPLY,
    ALLOCATION_DISTRIBUTION,
    ALLOCATION_INSTITUTION,
    ALLOCATION_ROUNDS,
)

DIRECT = ("bliver midlerne udmøntet til kommunerne ved direkte statslig tildeling uden "
          "forudgående ansøgning og på baggrund af det forventede børnetal i kommunen i 2023")
ROUNDS = ("For at reducere de kommunale administrationsomkostninger samt øge kommunernes "
          "planlægningsmulighed udmøntes opkvalificeringspuljen via to tildelingsrunder, hvor "
          "første tildelingsrunde omfatter bevillingerne i perioden 2023-2025, mens anden "
          "tildelingsrunde omfatter bevillingerne i perioden 2026-2030")

Asked = Literal["apply", "institution", "distribution", "rounds"]


def allocation(book: RuleBook, asked: Asked = "distribution", yes_no: bool = False
               ) -> Decision:
    """Must (or can) anyone apply, and how is the money distributed?

    ``apply``: the municipality need not apply (a yes/no question gets "no").
    ``institution``: a daycare cannot apply to the ministry itself ("no" likewise).
    ``distribution`` / ``rounds``: the key and the two rounds, as information.
    """
    direct, rounds = book.cite(DIRECT), book.cite(ROUNDS)
    if asked in ("apply", "institution"):
        text = ALLOCATION_APPLY if asked == "apply" else ALLOCATION_INSTITUTION
        return Decision("allocation", "no" if yes_no else "info", text, (direct,),
                        trace={"asked": asked, "application": False})
    if asked == "rounds":
        return Decision("allocation", "info", book.say(ALLOCATION_ROUNDS), (rounds,),
                        trace={"asked": asked, "rounds": [str(book.facts["first_round"]),
                                                          str(book.facts["second_round"])]})
    return Decision("allocation", "info", book.say(ALLOCATION_DISTRIBUTION), (direct, rounds),
                    trace={"asked": asked, "key": "forventet børnetal 2023",
                           "per_municipality_in_material": False})
