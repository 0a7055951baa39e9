"""Every user-facing text of the chat, in Danish (default) and English."""

from __future__ import annotations

from assistant.common.formatting import format_pct
from assistant.rules.book import catalogue_choices
from assistant.rules.parameters import stated_value

# The cap on informal upskilling as the labels state it, from the parameters.
_SHARE = stated_value("informal_cap")
_CAP = {lang: format_pct(_SHARE, lang) for lang in ("da", "en")}

T: dict[str, dict[str, str]] = {
    "title": {"da": "Puljeassistenten", "en": "Puljeassistenten"},
    "subtitle": {"da": "Spørg om reglerne for opkvalificeringspuljen på dagtilbudsområdet. "
                       "Svaret bygger på kilderne og citerer dem ordret.",
                 "en": "Ask about the rules of the daycare upskilling pool. Answers rest on "
                       "the sources and quote them verbatim."},
    "chat": {"da": "Chat", "en": "Chat"},
    "plan": {"da": "Tjek vores plan", "en": "Check our plan"},
    "sources": {"da": "Kilder", "en": "Sources"},
    "input": {"da": "Skriv dit spørgsmål …", "en": "Type your question …"},
    "new": {"da": "Ny samtale", "en": "New conversation"},
    "lang": {"da": "Sprog", "en": "Language"},
    "as_of": {"da": "Vurdér pr. dato", "en": "Judge as of"},
    "as_of_help": {"da": "Frister og perioder vurderes ud fra denne dag (standard: i dag).",
                   "en": "Deadlines and periods are judged against this day (default: today)."},
    "examples": {"da": "Eksempler på spørgsmål", "en": "Example questions"},
    "thinking": {"da": "Finder svaret i kilderne …", "en": "Finding the answer in the sources …"},
    "sources_head": {"da": "Kilder", "en": "Sources"},
    "open_source": {"da": "Åbn kilden", "en": "Open the source"},
    "feedback_q": {"da": "Var svaret nyttigt?", "en": "Was the answer useful?"},
    "comment": {"da": "Kommentar (valgfri)", "en": "Comment (optional)"},
    "send": {"da": "Send feedback", "en": "Send feedback"},
    "thanks": {"da": "Tak for din feedback.", "en": "Thank you for your feedback."},
    "resolved": {"da": "Forstået som", "en": "Understood as"},
    "grant": {"da": "Kommunens tilskud (kr.)", "en": "The municipality's grant (DKK)"},
    "upload": {"da": "Indlæs planen fra en CSV- eller Excel-fil (kolonnerne aktivitet, kategori "
                      "og beløb)",
               "en": "Load a plan from CSV or Excel (columns: activity, category, amount)"},
    "upload_bad": {"da": "Filen kunne ikke læses: {why}. Brug kolonnerne aktivitet, kategori "
                         "og beløb.",
                   "en": "The file could not be read: {why}. Use the columns activity, "
                         "category and amount."},
    # Why a plan file could not be read (shown inside "upload_bad").
    "file_empty": {"da": "filen er tom", "en": "the file is empty"},
    "file_no_rows": {"da": "filen har ingen rækker med en aktivitet under overskriften",
                     "en": "the file has no rows with an activity below the header"},
    "file_binary": {"da": "filen er ikke en tekstfil (CSV) – er det en anden slags fil?",
                    "en": "the file is not a text (CSV) file – is it another kind of file?"},
    "file_encoding": {"da": "filen er ikke gemt som UTF-8; gem den i Excel som »CSV UTF-8 "
                            "(kommasepareret)«",
                      "en": "the file is not saved as UTF-8; save it from Excel as "
                            "'CSV UTF-8 (comma delimited)'"},
    "file_not_csv": {"da": "filen kunne ikke læses som CSV (adskilt med komma eller semikolon)",
                     "en": "the file could not be read as CSV (comma or semicolon separated)"},
    "file_not_excel": {"da": "filen er ikke en gyldig Excel-fil (.xlsx)",
                       "en": "the file is not a valid Excel file (.xlsx)"},
    "file_columns": {"da": "kolonnen {missing} mangler (filen har: {found})",
                     "en": "the column {missing} is missing (the file has: {found})"},
    "file_amount": {"da": "beløbet i række {row} ({value}) kunne ikke læses; skriv fx 240000 "
                          "eller 2,4 mio.",
                    "en": "the amount in row {row} ({value}) could not be read; write e.g. "
                          "240000 or 2.4 million"},
    "check": {"da": "Tjek planen", "en": "Check the plan"},
    "activity": {"da": "Aktivitet", "en": "Activity"},
    "category": {"da": "Kategori", "en": "Category"},
    "amount": {"da": "Beløb (kr.)", "en": "Amount (DKK)"},
    "verdict": {"da": "Vurdering", "en": "Verdict"},
    "why": {"da": "Begrundelse", "en": "Reason"},
    "cites": {"da": "Kilder", "en": "Sources"},
    "empty_plan": {"da": "Skriv mindst én aktivitet med et beløb.",
                   "en": "Enter at least one activity with an amount."},
    "no_grant": {"da": "Angiv kommunens tilskud.", "en": "Enter the municipality's grant."},
    "fixes": {"da": "Det skal rettes", "en": "To fix"},
    "plan_ok": {"da": "Planen overholder reglerne og loftet.",
                "en": "The plan holds within the rules and the cap."},
    "cap_chart": {"da": f"Uformel opkvalificering set i forhold til loftet på {_CAP['da']}",
                  "en": f"Informal upskilling against the {_CAP['en']} cap"},
    "informal": {"da": "Uformel opkvalificering", "en": "Informal upskilling"},
    "cap": {"da": f"Loft ({_CAP['da']})", "en": f"Cap ({_CAP['en']})"},
    "cap_line": {"da": "Loft:", "en": "Cap:"},
    "download": {"da": "Hent resultatet som CSV", "en": "Download the result as CSV"},
    "documents": {"da": "Dokumenterne", "en": "The documents"},
    "read_doc": {"da": "Læs et dokument", "en": "Read a document"},
    "document": {"da": "Dokument", "en": "Document"},
    "passages_in": {"da": "Passager i afsnittet", "en": "Passages in the section"},
    "search": {"da": "Søg i kilderne", "en": "Search the sources"},
    "search_ph": {"da": "fx regnskab eller vikarer", "en": "e.g. regnskab or vikarer"},
    "hits": {"da": "Passager med „{q}“: {n} (de første {shown} vises).",
             "en": "Passages containing “{q}”: {n} (showing the first {shown})."},
    "hits_all": {"da": "Passager med „{q}“: {n}.", "en": "Passages containing “{q}”: {n}."},
    "no_hits": {"da": "Ingen passager indeholder „{q}“.", "en": "No passage contains “{q}”."},
    "passage": {"da": "passage", "en": "passage"},
    "open": {"da": "Vis", "en": "Show"},
    "no_section": {"da": "(uden afsnit)", "en": "(no section)"},
    "loading": {"da": "Henter dokumentets passager …", "en": "Fetching the document's passages …"},
    "lang_help": {"da": "Som standard svarer assistenten på det sprog, du skriver på. Vælg "
                        "Dansk eller English for altid at få svar og menuer på det sprog.",
                  "en": "By default the assistant answers in the language you write in. "
                        "Choose Dansk or English to always get answers and menus in that "
                        "language."},
    "prev": {"da": "◀ Forrige", "en": "◀ Previous"},
    "next": {"da": "Næste ▶", "en": "Next ▶"},
    "no_passage": {"da": "Passagen {id} findes ikke.", "en": "Passage {id} does not exist."},
    "section": {"da": "Afsnit", "en": "Section"},
}

VERDICT_BADGE = {
    "yes": {"da": "Ja", "en": "Yes"},
    "no": {"da": "Nej", "en": "No"},
    "conditional": {"da": "Ja, hvis …", "en": "Yes, if …"},
    "unknown": {"da": "Uafklaret", "en": "Unclear"},
    "info": {"da": "Oplysning", "en": "Information"},
}
VERDICT_COLOUR = {"yes": "green", "no": "red", "conditional": "orange", "unknown": "gray",
                  "info": "blue"}

AUTHORITY = {
    "rules": {"da": "Regler", "en": "Rules"},
    "official": {"da": "Officiel meddelelse", "en": "Official announcement"},
    "municipal": {"da": "Københavns Kommune – lokal praksis", "en": "Copenhagen – local practice"},
    "opinion": {"da": "FOA – holdning", "en": "FOA – opinion"},
}

EXAMPLES = {
    "da": ["Kan vi finansiere en masteruddannelse?",
           "Vi får 2,4 mio. – hvor meget må gå til private kurser?",
           "Kan vi starte et AMU-forløb nu for puljemidler fra første runde?",
           "Hvem er målgruppen for puljen?"],
    "en": ["Can we fund a master's degree?",
           "We get DKK 2.4 million – how much may go to private courses?",
           "Can we still start an AMU course on first-round money?",
           "Who is the pool meant for?"],
}

# The plan page's categories: "from the description" first, then the catalogue's, each with
# the short name the catalogue gives it (assistant/rules/catalogue.yaml).
CATEGORIES: dict[str, dict[str, str]] = {
    "": {"da": "(ud fra beskrivelsen)", "en": "(from the description)"},
    **catalogue_choices(),
}


# The sidebar's language choice: the label shown -> the ``lang`` sent (None: the question's).
LANG_CHOICES: dict[str, str | None] = {"Som spørgsmålet / As asked": None, "Dansk": "da",
                                       "English": "en"}


def t(key: str, lang: str) -> str:
    return T[key].get(lang, T[key]["da"])
