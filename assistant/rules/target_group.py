"""Who the pool is for (fact sheet, "Målgruppe")."""

from __future__ import annotations

from assistant.rules.book import RuleBook
from assistant.rules.decision import Decision, Text
from assistant.rules.explanations import ROLES_UNKNOWN, TARGET_OUTSIDE, TARGET_PRIVATE, TARGET_ROLE

ROLE_LABELS = {
    "paedagogmedhjaelper": Text("Pædagogmedhjælpere", "Pedagogical assistants without training"),
    "dagplejer": Text("Dagplejere", "Childminders (dagplejere)"),
    "paedagogisk_assistent": Text("Pædagogiske assistenter", "Pedagogical assistants"),
    "paedagog": Text("Pædagoger", "Pedagogues"),
    "leder": Text("Ledere i dagtilbud", "Daycare managers"),
}


def target_group(book: RuleBook, roles: tuple[str, ...] = (), private: bool = False,
                 outside: str = "") -> Decision:
    """Are these roles (and staff of a private institution) in the target group?

    Named roles are (the employee must still meet the programme's admission requirements);
    private institutions (§ 19, stk. 5) must get a share on equal terms; staff outside
    daycare (``outside``: schools, clubs, administration) are not the target group.
    """
    if outside:
        return Decision(
            rule="target_group", verdict="no",
            explanation=Text(TARGET_OUTSIDE.da.format(name=outside),
                             TARGET_OUTSIDE.en.format(name=outside)),
            citations=(book.role_quote("target_quote"),),
            trace={"roles": [], "outside": outside, "private_institution": private},
        )
    known = tuple(r for r in roles if r in ROLE_LABELS)
    unknown = [r for r in roles if r not in ROLE_LABELS]
    if unknown and not known:
        name = ", ".join(unknown)
        return Decision(
            rule="target_group", verdict="unknown",
            explanation=Text(ROLES_UNKNOWN.da.format(name=name),
                             ROLES_UNKNOWN.en.format(name=name)),
            citations=(book.role_quote("target_quote"), book.role_quote("quote")),
            trace={"roles": [], "unknown_roles": unknown, "private_institution": private},
        )
    parts: list[Text] = []
    citations = [book.role_quote("target_quote")]
    if known:
        names = Text(_join([ROLE_LABELS[r].da for r in known], "og"),
                     _join([ROLE_LABELS[r].en for r in known], "and"))
        parts.append(Text(TARGET_ROLE.da.format(roles=names.da),
                          TARGET_ROLE.en.format(roles=names.en)))
        citations.append(book.role_quote("quote"))
    if private:
        parts.append(TARGET_PRIVATE)
        citations.append(book.role_quote("private_quote"))
    if not parts:
        parts.append(Text(TARGET_ROLE.da.format(roles="Pædagogisk personale"),
                          TARGET_ROLE.en.format(roles="Pedagogical staff")))
        citations.append(book.role_quote("quote"))
    # The roles the fact sheet names are in the target group; meeting a programme's
    # admission requirements is a matter of the programme, stated in the explanation.
    return Decision(
        rule="target_group", verdict="yes",
        explanation=Text(" ".join(p.da for p in parts), " ".join(p.en for p in parts)),
        citations=tuple(citations),
        trace={"roles": list(known), "private_institution": private},
    )


def _join(items: list[str], word: str) -> str:
    """'A', 'b' and 'c': only the first item keeps its capital."""
    items = items[:1] + [i[:1].lower() + i[1:] for i in items[1:]]
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {word} " + items[-1]
