"""User-facing sentences of the answers, per language: one place for all of them."""

from __future__ import annotations

from assistant.rules.decision import Text

VERDICT_LEAD = {
    "yes": Text("Ja.", "Yes."),
    "no": Text("Nej.", "No."),
    "conditional": Text("Ja, hvis betingelserne nedenfor er opfyldt.",
                        "Yes, if the conditions below are met."),
    "unknown": Text("Det fremgår ikke af materialet.", "The material does not say."),
    "info": Text("", ""),
}
CONDITIONS = Text("Betingelser:", "Conditions:")
# A yes because the question states the conditions met ("et diplommodul om sprog").
CONDITIONS_MET = {
    1: Text("Ifølge spørgsmålet er betingelsen opfyldt:",
            "According to the question, the condition is met:"),
    2: Text("Ifølge spørgsmålet er betingelserne opfyldt:",
            "According to the question, the conditions are met:"),
}
WHERE_TO_ASK = Text(
    "Spørg Børne- og Undervisningsministeriet om puljens regler, eller din kommune om "
    "lokale forhold.",
    "Ask the Ministry of Children and Education about the pool's rules, or your municipality "
    "about local matters.",
)
ABSTAIN = Text(
    "Det fremgår ikke af materialet. Materialet dækker reglerne for opkvalificeringspuljen "
    "på dagtilbudsområdet (hvilke forløb og udgifter midlerne kan bruges til, loftet for "
    "uformel opkvalificering, målgruppen, frister, regnskab og afrapportering) samt "
    "Københavns Kommunes praksis og FOA's anbefalinger.",
    "The material does not say. It covers the rules of the upskilling pool for daycare "
    "(which programmes and costs the money may fund, the cap on informal upskilling, the "
    "target group, deadlines, accounts and reporting), Copenhagen's practice and FOA's "
    "recommendations.",
)
# How the sentences of one source are introduced, once, by the authority of its document.
SOURCE_LABEL = {
    "rules": Text("Faktaarket (puljens regler):",
                  "The ministry's fact sheet (the pool's rules; quoted in Danish):"),
    "official": Text("Ministeriets pressemeddelelse:",
                     "The ministry's press release (quoted in Danish):"),
    "municipal": Text("I Københavns Kommune (lokal praksis, ikke puljens regler):",
                      "In Copenhagen (local practice, not the pool's rules; quoted in Danish):"),
    "opinion": Text("FOA's rapport (fagforeningens holdning, ikke puljens regler):",
                    "FOA's report (the union's view, not the pool's rules; quoted in Danish):"),
}
# FOA's sentences that all recommend something ("Kommunen skal …", "FOA anbefaler …").
RECOMMENDS_LABEL = Text("FOA anbefaler (fagforeningens holdning, ikke puljens regler):",
                        "FOA recommends (the union's view, not the pool's rules; quoted in "
                        "Danish):")
# For a municipality's or an organisation's document other than Copenhagen's and FOA's:
# the label names its publisher, so that nothing is credited to the wrong source.
SOURCE_LABEL_OTHER = {
    "municipal": Text("Hos {publisher} (lokal praksis, ikke puljens regler):",
                      "At {publisher} (local practice, not the pool's rules; quoted in "
                      "Danish):"),
    "opinion": Text("{publisher} mener (en holdning, ikke puljens regler):",
                    "{publisher} holds (an opinion, not the pool's rules; quoted in Danish):"),
}
# A lower-authority source that only repeats what is quoted (the press release repeating
# the fact sheet): said once, with its citation.
REPEATED = Text("{source} siger det samme {marks}.", "{source} says the same {marks}.")
SOURCE_NAME = {
    "rules": Text("Faktaarket", "The fact sheet"),
    "official": Text("Ministeriets pressemeddelelse", "The ministry's press release"),
    "municipal": Text("Københavns Kommune", "Copenhagen"),
    "opinion": Text("FOA", "FOA"),
}
# A part of a multi-part question that the material does not answer.
PART_UNANSWERED = Text("Det fremgår ikke af materialet.", "The material does not say.")
# A negated or leading question whose premise the rules contradict ("Dagplejerne er vel
# ikke med?"): the verdict opens with "Jo" in Danish.
CONTRADICT_LEAD = {
    "yes": Text("Jo.", "Yes."),
    "conditional": Text("Jo, hvis betingelserne nedenfor er opfyldt.",
                        "Yes, if the conditions below are met."),
}
# A claim to verify ("Er det rigtigt, at …?"): whether it holds, said in words.
CLAIM_HOLDS = {
    "yes": Text("Det er rigtigt.", "That is correct."),
    "no": Text("Det er ikke rigtigt.", "That is not correct."),
}
PREMISE = Text("Forudsætningen i spørgsmålet holder ikke.",
               "The premise of the question does not hold.")
NOT_A_RULE = Text(
    "Nej. Det står ikke i puljens regler (ministeriets faktaark); det, der ligner, kommer fra "
    "en anden kilde:",
    "No. It is not in the pool's rules (the ministry's fact sheet); what resembles it comes "
    "from another source:",
)

# "Giv mig et overblik over, hvad puljen dækker": the catalogue and parameters as a list.
OVERVIEW = {
    "lead": Text("Kort overblik over, hvad puljen dækker (faktaarket, puljens regler):",
                 "A short overview of what the pool covers (the ministry's fact sheet, the "
                 "pool's rules):"),
    "programmes": Text("Forløb", "Programmes"),
    "costs": Text("Udgifter", "Costs"),
    "informal": Text("Uformel opkvalificering: højst {cap} pct. af kommunens tilskud",
                     "Informal upskilling: at most {cap} per cent of the municipality's grant"),
    "target": Text("Målgruppe: pædagogisk personale i dagtilbud",
                   "Target group: pedagogical staff in daycare"),
    "excluded": Text("Ikke", "Not"),
    "conditions": Text("Flere forløb har betingelser; spørg gerne til et bestemt forløb eller "
                       "en bestemt udgift.",
                       "Several programmes have conditions; ask about a particular programme "
                       "or cost."),
}
