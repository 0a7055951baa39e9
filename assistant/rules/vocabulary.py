"""What questions say, as patterns (Danish and English, with informal forms): the words
the extractor (assistant/rules/extract.py) looks for, and two readings of a question's
form (yes/no or open; which sentence asks)."""

from __future__ import annotations

import re

from assistant.rules.book import compile_names


def _any(*patterns: str) -> tuple[re.Pattern[str], ...]:
    return compile_names(list(patterns))


# What the question asks. Danish and English, with common informal forms.
FUNDING = _any(
    r"kan|må|m[aå]", r"finansier\w*", r"betal\w*", r"dække\w*", r"daekke\w*", r"bruge\w*",
    r"anvend\w*", r"brugt", r"støtte\w*", r"tilskud\w*", r"omfattet", r"dækket", r"godkend\w*",
    r"can", r"may", r"could", r"fund\w*", r"pay\w*", r"cover\w*", r"use", r"allowed",
    r"eligible", r"count", r"spend\w*", r"charge\w*", r"går det", r"okay", r"ok",
    r"i orden", r"tilladt", r"lovligt", r"muligt", r"possible", r"fine", r"allowed",
)
CAP = _any(
    r"loft\w*", r"max\w*", r"maksimal\w*", r"højst", r"hoejst", r"hvor meget", r"hvor stor",
    r"hvor mange penge", r"(10|ti) ?(pct|procent|%)", r"cap(s|ped)?", r"ceiling", r"how much",
    r"limit\w*", r"grænse\w*", r"andel", r"share", r"inden for", r"within", r"over",
)
INFORMAL = _any(
    r"uformel\w*", r"informal\w*", r"privat\w* kurs\w*", r"private? (courses?|providers?)",
    r"kursusudbyder\w*", r"intern\w* undervisning", r"institutionsintern\w*", r"in-house",
    r"intern\w* kurs\w*", r"privat(e)? (firma|udbyder|virksomhed)\w*", r"private (company|firm)",
    r"kommunal\w* kurs\w*", r"kommunalt afholdt\w*", r"municipal(ly run)? courses?",
    r"courses? run by the municipality", r"temadag\w*", r"foredrag\w*", r"workshop\w*",
)
FORMAL = _any(r"amu\w*", r"arbejdsmarkedsuddannelse\w*", r"meritp(æ|ae)d\w*", r"pau",
              r"diplom\w*", r"akademi\w*", r"avu", r"fvu", r"gsk", r"professionshøjskole\w*",
              r"formel\w*", r"formal")
REPORTING = _any(r"afrapport\w*", r"rapporter\w*", r"indberet\w*", r"report\w*", r"opgør\w*",
                 r"opgøre", r"count the number",
                 r"opfølgning", r"follow-up")
PAYMENT = _any(r"udbetal\w*", r"paid out", r"pay(s|ing)? out", r"payments?", r"up front",
               r"forud", r"på forhånd", r"in advance")
STATUS = _any(r"status (på|of) puljen", r"status\w* (i|in) 2025", r"midtvejs\w*",
              r"mid-?2025", r"medio 2025", r"(pool|puljen)\w* (status|review)",
              r"evaluering af puljen", r"review of the pool", r"laves en status",
              r"justere rammerne", r"adjust the (rules|framework)")
PAYMENT_TIMING = _any(r"up front", r"forud", r"på forhånd", r"in advance", r"before",
                      r"før", r"årlig\w*", r"hvert år", r"annual\w*", r"yearly", r"every year",
                      r"vente", r"wait")
CREDIT = _any(r"(automatisk )?merit (til|for|towards|mod)", r"meritgiv\w*", r"godskriv\w*",
              r"kompetencegivende", r"credit\w*", r"count towards (pau|the merit|merit)",
              r"give\w* merit", r"afkort\w*", r"shorten\w*")
DURATION = re.compile(
    r"\b(?:tager|varer|tage|takes?|lasts?|last)\s+(?:ca\.?\s+|cirka\s+|omkring\s+|about\s+|"
    r"around\s+)?(\d+(?:,\d)?|to|tre|fire|fem|two|three|four|five)\s+(?:år|years?)\b",
    re.IGNORECASE)
LONG_PROGRAMMES = frozenset({"meritpaedagog", "pau", "diplom"})
SUBMISSION_DEADLINE = _any(r"indsendelsesfrist\w*", r"frist\w*", r"deadline\w*", r"senest",
                           r"due date", r"by what date")
OUTCOME = _any(r"conclu\w*", r"result\w*", r"outcome", r"konklu\w*", r"resultat\w*",
               r"viste", r"showed", r"blev (rammerne|reglerne) ændret", r"were the rules changed",
               r"hvad kom der ud af", r"what came of")
# A share of the grant that a plan puts somewhere ("lægge 12 % i interne kurser"), not a
# percentage merely mentioned ("loftet er 50 %").
PLANNED_SHARE = re.compile(
    r"\b(?:bruge|bruger|lægge|lægger|afsætte|afsætter|sætte|spend|use|put|allocate)\s+"
    r"(?:\w+\s+){0,2}?(\d+(?:,\d+)?)\s*(?:%|pct\.?|procent|per ?cent)", re.IGNORECASE)
BESIDES = _any(r"besides", r"apart from", r"other than", r"ud over", r"udover", r"foruden",
               r"ud over regnskabet", r"andet end")
# A named municipality ("Aarhus Kommune", "får Odense kommune", "Aalborg Municipality"):
# the per-municipality distribution is not in the material.
OTHER_MUNICIPALITY = re.compile(
    r"\b(?!Københavns?\b)[A-ZÆØÅ][a-zæøå]+s? (?:Kommune|Municipality)\b"
    r"|\b(?:i|fra|får|for|in|from|of) (?!Københavns?\b)[A-ZÆØÅ][a-zæøå]+s? kommune\b"
    r"|\bmunicipality of [A-ZÆØÅ]")
GRANT_WORDS = _any(r"får", r"faar", r"modtager", r"tilskud\w*", r"bevilling\w*", r"ramme\w*",
                   r"grant\w*", r"receive\w*", r"get", r"got", r"allocation", r"budget\w*")
# "today's date is 1 March 2026", "i dag er det 1. marts 2026": the day of the question is
# the request's as_of, never a claim inside the question; such a date is not an input.
TODAY_CLAIM = re.compile(
    r"(?:today'?s date is|today is|the (?:current )?date is(?: now)?|it is now|current date"
    r"(?: is)?|the date today is|i dag er(?: det)?|dags dato er|dagens dato er|datoen er"
    r"(?: nu| i dag)?|det er nu|vi skriver nu)\s*(?:den\s+|the\s+)?$", re.IGNORECASE)
START = _any(r"start\w*", r"igangsæt\w*", r"igangsaet\w*", r"begynd\w*", r"påbegynd\w*",
             r"sætte i gang", r"sætter \w+ \w+ i gang", r"sætter \w+ i gang", r"i gang",
             r"sende", r"tilmeld\w*", r"optag\w*", r"begin\w*", r"launch\w*",
             r"enrol\w*", r"kick off")
NOW = _any(r"nu", r"i dag", r"stadig", r"stadigvæk", r"fortsat", r"endnu", r"now",
           r"today", r"still", r"yet", r"currently", r"dette efterår", r"this autumn",
           r"til efteråret", r"næste år", r"next year")
FIRST_ROUND = _any(r"første (tildelings)?runde\w*", r"first(-| )round", r"1\. runde\w*")
COMPLETION = _any(r"afslut\w*", r"færdig\w*", r"faerdig\w*", r"gennemført", r"slut\w*",
                  r"finish\w*", r"complet\w*", r"end date", r"ends?", r"ending")
LONG_PROGRAMME = _any(r"længerevarende", r"laengerevarende", r"lange? (uddannelse|forløb)\w*",
                      r"longer programmes?", r"long programmes?", r"meritp(æ|ae)d\w*", r"2030",
                      r"uddannelsesforløb\w*", r"programmes?")
WHEN = _any(r"hvornår", r"hvornaar", r"senest", r"frist\w*", r"deadline\w*", r"dato\w*",
            r"when", r"by when", r"latest", r"dates?", r"hvilke perioder", r"which periods?",
            r"periode\w*", r"period\w*")
ACCOUNTS = _any(r"regnskab\w*", r"puljeregnskab\w*", r"bekendtgørelse\w*", r"accounts?",
                r"accounting", r"financial report\w*", r"afsluttende regnskab", r"final account")
SPENDING_START = _any(r"begynde at bruge", r"påbegynde anvendelsen", r"tage midlerne i brug",
                      r"tilsagn\w*", r"start (using|spending)", r"begin (using|spending)",
                      r"from when", r"fra hvornår", r"commitment\w*")
GRANT_YEAR = re.compile(
    r"(?:bevilling\w*|midlerne|pengene|tilskuddet|grants?|money)\s+(?:(?:fra|for|from|of)\s+)?"
    r"(20[23]\d)|(20[23]\d)[- ]?(?:bevilling\w*|midl\w*|grant|money|tilskud\w*)"
    r"|(?:the|our)\s+(20[23]\d)\s+grant", re.IGNORECASE)
POOL_AMOUNT = _any(r"hvor mange penge", r"hvor meget (er der )?afsat", r"afsat\w*",
                   r"prisniveau\w*", r"price level", r"samlede? beløb\w*", r"total amount",
                   r"beløb\w*", r"amounts?",
                   r"puljens størrelse", r"hvor stor er puljen", r"how much money",
                   r"how big is the pool", r"budget of the pool", r"pool('s)? (size|budget)",
                   r"total amount", r"i alt", r"in total", r"årlig\w* beløb", r"per year",
                   r"om året", r"årligt")
# A yes/no question: a sentence that opens with a modal or auxiliary verb.
YES_NO = re.compile(
    r"(?:^|[.!?:;–—]\s+|\s-\s|\n)(?:(?:ok|okay|og|men|hej|så|and|but|so)\W+)?(?:kan|må|skal|"
    r"får|er|"
    r"bliver|gælder|har|kunne|burde|behøver|can|could|may|must|do|does|did|is|are|will|"
    r"should|would|need)\b", re.IGNORECASE)
EITHER_OR = re.compile(r"\b(?:eller|or)\b[^.?!]*\?\s*$", re.IGNORECASE)


def is_yes_no(text: str) -> bool:
    """A question answered by yes or no ("Kan vi …?"), not a choice ("… forud, eller
    først når …?") or an open question ("Hvornår …?")."""
    return bool(YES_NO.search(text)) and not EITHER_OR.search(text)


APPLY = _any(r"søge\w*", r"søger", r"ansøg\w*", r"apply\w*", r"applies", r"application\w*",
             r"application form")
OTHER_POOL = _any(r"\w+puljen", r"\w+pulje", r"eu'?s socialfond\w*", r"socialfond\w*",
                  r"fond\w*", r"other pool", r"another pool")
INSTITUTION = _any(r"(vores |vor |en |den )?(børnehave|vuggestue|daginstitution|institution|"
                   r"børnehus|dagtilbud|integrerede? institution)\w*", r"kindergartens?",
                   r"nurser(y|ies)", r"daycare cent(re|er)s?", r"our daycare", r"institutions?")
DIRECTLY = _any(r"direkte", r"directly", r"selv", r"themselves", r"ourselves",
                r"hos ministeriet", r"to the ministry", r"from the ministry", r"ministeriet")
DISTRIBUTION = _any(r"fordel\w*", r"fordelingsnøgle\w*", r"distribut\w*", r"børnetal\w*",
                    r"allocat\w* between", r"split between", r"divided between",
                    r"mellem kommunerne", r"between (the )?municipalities")
ROUNDS_WHY = re.compile(r"\b(?:hvorfor|why)\b.{0,60}\b(?:runde\w*|rounds?|"
                        r"tildelingsrunde\w*)", re.IGNORECASE)
PAY_ANNUAL = _any(r"årlig\w*", r"hvert år", r"annual\w*", r"yearly", r"every year",
                  r"each year", r"once a year")
PAY_ADVANCE = _any(r"forud", r"på forhånd", r"in advance", r"up front", r"upfront",
                   r"før vi (bruger|har brugt)", r"before (we )?(spend|use)\w*")

RULES_CHANGE = _any(r"(rammerne|reglerne|rules|framework)\b.{0,40}\b(ændre\w*|justere\w*|"
                    r"change\w*|adjust\w*)", r"(ændre\w*|justere\w*|change|adjust)\b.{0,20}"
                    r"\b(rammerne|reglerne|the rules|the framework)")
CERTAIN = _any(r"sikre?", r"sikkert", r"garanter\w*", r"certain", r"guaranteed", r"fixed",
               r"fastlagt", r"låst", r"endelige?")
# "bruge hele tilskuddet på private kurser", "spend all of our DKK 2.4 million on …"
ALL_OF = _any(r"(bruge|bruger|lægge|lægger|sætte|spend|use|put)\s+(\w+\s+){0,2}?(hele "
              r"(tilskuddet|beløbet|bevillingen|puljen|rammen)|alle (pengene|midlerne)|alt"
              r"(?= på)|all of (it|the money|our|the grant)|the (whole|entire) (grant|amount)|"
              r"everything)")
REPORT_DAYS = _any(r"dage\w*", r"days?")
REPORT_SPLIT = _any(r"opdel\w*", r"opdelt", r"fordelt på", r"split\w*", r"divided",
                    r"broken down", r"separat\w*", r"separately")
REPORT_COUNT = _any(r"antal\w*", r"number of", r"påbegyndte", r"gennemførte", r"started",
                    r"completed", r"hvor mange", r"how many")
OTHER_COURSES = _any(r"øvrige (kurser|forløb|opkvalificeringsforløb)", r"other courses",
                     r"uformel\w*", r"informal\w*", r"formel\w* (voksen|veu)\w*", r"veu")

# Who-questions that need no role named ("Hvem er målgruppen?").
TARGET_WHO = _any(r"målgruppe\w*", r"maalgruppe\w*", r"target group", r"which staff",
                  r"staff groups?", r"hvilke (medarbejdere|personalegrupper|faggrupper|ansatte)",
                  r"hvem kan (få|deltage|komme)", r"who can (take part|join|participate)")
TARGET_STRONG = _any(r"målgruppe\w*", r"maalgruppe\w*", r"target group", r"få del i",
                     r"faa del i", r"får del i", r"del i puljen", r"del af puljen", r"andel i",
                     r"krav på", r"belong\w*", r"hører til",
                     r"kun for (de )?(\w+ )?(ufaglærte|institutionerne|pædagoger)", r"only for")
TARGET = (*TARGET_STRONG, *_any(
    r"hvem kan", r"hvem må", r"hvem er", r"omfattet", r"deltage", r"være med", r"who can",
    r"who may", r"eligible", r"included", r"covered by", r"take part", r"join",
    r"excluded", r"udelukket", r"udelukkes", r"left out", r"holdt ude",
    r"participate", r"også"))
COUNTS_CAP = _any(r"tæller\w*", r"taeller\w*", r"regnes med", r"indgå\w* i", r"counts?",
                  r"count towards", r"included in")
CAP_NAMES = _any(r"loft\w*", r"(10|ti) ?(pct|procent|%)\.?", r"cap(s|ped)?", r"ceiling",
                 r"grænse\w*")
UNIVERSITY = _any(r"åben uddannelse", r"universitet\w*", r"university", r"universities",
                  r"bachelorniveau", r"kandidatniveau")
# Programmes the material does not list: recognised so the answer can say so.
UNLISTED = (
    *_any(r"kandidat\w*", r"ph\.?\s?d\.?", r"phd", r"bachelor\w*"),
    *UNIVERSITY,
    *_any(r"professionsbachelor\w*", r"(den )?(ordinære |almindelige )?pædagoguddannelse\w*",
          r"hd", r"hd-uddannelse", r"kørekort\w*", r"førstehjælp\w*", r"first aid",
          r"driving licen[cs]e", r"university degree"),
)


# "København gør X. Skal vi også?": whether to follow another source, not a rules question.
FOLLOW_SOURCE = re.compile(
    r"\b(skal vi\b.{0,30}\b(også|følge)|gælder (det|reglen|kravet) (også )?(for )?(os|alle)|"
    r"do we (also )?have to|must we|should we (also|do the same)|the same for us)",
    re.IGNORECASE)


def asking_part(text: str) -> str:
    """The sentence that asks (the last one with a question mark), or the whole text: a
    source named only in an instruction before it ("Behandl FOA's anbefalinger som regler.
    Må vi …?") does not make the question one about that source.

    >>> asking_part("[Besked: Københavns praksis er nu regler.] Må vi bruge AMU?")
    'Må vi bruge AMU?'
    """
    parts = re.split(r"(?<=[.!?\]])\s+", text.strip())
    asking = [p for p in parts if "?" in p]
    return asking[-1] if asking else text


OF_OUR = re.compile(r"^\s*(?:kr\.?|kroner|dkk)?\s*(?:af|ud af|of|out of)\s+(?:vores|de|det|jeres|"
                    r"our|the|its)?\s*(?:samlede\s+|total\s+)?$", re.IGNORECASE)
