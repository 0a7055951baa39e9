"""User-facing sentences of the rules, per language.

The pool's facts (dates, the cap, the years of the rounds) are not written here: each
sentence names them (``{window_end}``, ``{cap}`` …) and ``RuleBook.say`` fills them in from
the parameters, so a value changed in ``parameters.yaml`` changes every sentence that
states it."""

from __future__ import annotations

import datetime as dt

from assistant.common.formatting import format_date
from assistant.rules.decision import Text

CAP_MAX = Text(
    da="Højst {cap} af tilskuddet må gå til uformel opkvalificering (fx private kurser): "
       "med et tilskud på {grant} er det højst {max}.",
    en="At most {cap} of the grant may go to informal upskilling (e.g. private "
       "courses): with a grant of {grant} that is at most {max}.",
)
CAP_WITHIN = Text(
    da="De planlagte {planned} til uformel opkvalificering er inden for loftet på {max}; "
       "der er {left} tilbage.",
    en="The planned {planned} for informal upskilling is within the cap of {max}; "
       "{left} remains.",
)
CAP_OVER = Text(
    da="De planlagte {planned} til uformel opkvalificering overstiger loftet på {max} "
       "med {over}.",
    en="The planned {planned} for informal upskilling exceeds the cap of {max} by {over}.",
)
PROGRAMME_UNKNOWN = Text(
    da="Materialet nævner ikke {name}. Puljen kan bruges til: PAU (euv1), "
       "meritpædagoguddannelsen, relevante AMU-kurser, almen voksenuddannelse, der giver "
       "adgang til PAU eller meritpædagoguddannelsen, fagspecifikke kurser fra "
       "professionshøjskolerne, akademi- og diplomuddannelser med specialisering samt "
       "uformel opkvalificering inden for {cap}",
    en="The material does not mention {name}. The pool can fund: PAU (euv1), the "
       "meritpædagog programme, relevant AMU courses, general adult education giving access "
       "to PAU or meritpædagog, short subject courses from university colleges, academy and "
       "diploma programmes aimed at specialisation, and informal upskilling within {cap}.",
)
COST_UNKNOWN = Text(
    da="Materialet nævner ikke {name} blandt de udgifter, tilskuddet kan dække. Det kan dække "
       "deltagerbetaling, studiemateriale, befordring, mentorordninger, uformel "
       "opkvalificering, administration, revision samt inden for overenskomsterne vikarer "
       "og løn under opkvalificering.",
    en="The material does not list {name} among the costs the grant may cover. It may cover "
       "participant fees, study materials, transport, mentor schemes, informal upskilling, "
       "administration, audit and, within the collective agreements, substitutes and wages "
       "during upskilling.",
)
TARGET_ROLE = Text(
    da="{roles} hører til målgruppen: puljen er målrettet pædagogisk personale i dagtilbud, "
       "når medarbejderen opfylder optagelseskravene til forløbet.",
    en="{roles} belong to the target group: the pool is aimed at pedagogical staff in "
       "daycare, provided the employee meets the admission requirements of the programme.",
)
TARGET_PRIVATE = Text(
    da="Privatinstitutioner (dagtilbudslovens § 19, stk. 5) skal på lige fod med andre "
       "dagtilbud i kommunen have andel i midlerne.",
    en="Private institutions (section 19(5) of the Day Care Act) must get a share of the "
       "money on equal terms with the municipality's other daycare.",
)
START_OK = Text(
    da="Et forløb, der igangsættes {start}, ligger i første tildelingsrundes periode "
       "({window_start} – {window_end}){grant}.",
    en="An activity started on {start} falls within the first round's period "
       "({window_start} – {window_end}){grant}.",
)
START_GRANT = Text(da=" og hører efter hensigten til bevillingen fra {year}",
                   en=" and is meant for the {year} grant")
START_TOO_LATE = Text(
    da="Midlerne fra første tildelingsrunde kan kun bruges til aktiviteter, der igangsættes "
       "senest {window_end}, så et forløb, der starter {start}, kan ikke betales af dem. "
       "Reglerne for anden tildelingsrunde (bevillingerne {second_round}) fremgår ikke af "
       "materialet; spørg Børne- og Undervisningsministeriet eller kommunen.",
    en="First-round money can only be used for activities started by {window_end}, so an "
       "activity starting on {start} cannot be paid from it. The rules of the second round "
       "(the {second_round} grants) are not in the material; ask the Ministry of Children and "
       "Education or the municipality.",
)
START_TOO_EARLY = Text(
    da="Midlerne kan først bruges til aktiviteter, der igangsættes fra {window_start}; "
       "{start} ligger før.",
    en="The money can only be used for activities started from {window_start}; {start} is "
       "before that.",
)
WINDOW_CLOSED = Text(
    da="Perioden for at igangsætte aktiviteter med midler fra første tildelingsrunde "
       "sluttede {window_end}.",
    en="The period for starting activities with first-round money ended on {window_end}.",
)
WINDOW_OPEN = Text(
    da="Aktiviteter kan igangsættes med midler fra første tildelingsrunde til og med "
       "{window_end} (pr. {today} er der {left} tilbage).",
    en="Activities can be started with first-round money up to and including {window_end} "
       "({left} left as of {today}).",
)
WINDOW_LAST_DAY = Text(
    da="Aktiviteter kan igangsættes med midler fra første tildelingsrunde til og med "
       "{window_end}, og {today} er sidste dag.",
    en="Activities can be started with first-round money up to and including {window_end}, "
       "and {today} is the last day.",
)
COMPLETION = Text(
    da="De længerevarende uddannelsesforløb forudsættes afsluttet senest {completion}; "
       "meritpædagogforløbene tager typisk 3-4 år.",
    en="Longer programmes are expected to be completed by {completion} at the latest; the "
       "meritpædagog programmes typically take 3-4 years.",
)
COMPLETION_LATE = Text(
    da="Et forløb, der slutter {end}, slutter for sent: fristen er {completion}.",
    en="A programme ending on {end} ends after the deadline of {completion}.",
)
COMPLETION_OK = Text(
    da="Et forløb, der slutter {end}, er inden for fristen {completion}.",
    en="A programme ending on {end} is within the deadline of {completion}.",
)
ACCOUNTS = Text(
    da="Kommunen skal som minimum aflægge regnskab for perioderne {periods} samt et "
       "afsluttende regnskab.{current} Regnskaberne indsendes efter puljebekendtgørelsen og "
       "skal dokumentere, at tilskuddet er anvendt i overensstemmelse med formålet.",
    en="The municipality must at least submit accounts for the periods {periods} and a "
       "final account.{current} The accounts are submitted under the executive order on the pool "
       "(puljebekendtgørelsen) "
       "and must document that the grant was used for its purpose.",
)
ACCOUNTS_CURRENT = Text(da=" Pr. {today} løber perioden {period}.",
                        en=" As of {today} the current period is {period}.")
ACCOUNTS_AFTER = Text(da=" Pr. {today} er den sidste periode afsluttet; det afsluttende "
                         "regnskab udestår, hvis det ikke er sendt.",
                      en=" As of {today} the last period has ended; the final account is "
                         "due if not yet sent.")
SPENDING_START = Text(
    da="Kommunerne fik tilsagn i løbet af efteråret {commitments_year} og kunne påbegynde "
       "anvendelsen af midlerne fra {spending_start}.",
    en="Municipalities received commitments during autumn {commitments_year} and could start "
       "using the money from {spending_start}.",
)
GRANT_WINDOW = Text(
    da="Bevillingen fra {year} er tiltænkt aktiviteter, der igangsættes fra {start} til og "
       "med {end}.",
    en="The {year} grant is meant for activities started from {start} up to and including "
       "{end}.",
)
GRANT_WINDOW_OTHER = Text(
    da="Materialet beskriver kun anvendelsen af bevillingerne {first_round} (første "
       "tildelingsrunde); bevillingen fra {year} hører til anden tildelingsrunde, hvis regler "
       "ikke fremgår af materialet.",
    en="The material only describes the use of the {first_round} grants (the first round); the "
       "{year} grant belongs to the second round, whose rules are not in the material.",
)
AMOUNTS = Text(
    da="Der er afsat {amounts} ({price_level}-prisniveau){total}. Udmøntningen sker med "
       "forbehold for puljens videreførelse på de årlige finanslove.",
    en="The pool has {amounts} ({price_level} price level){total}. The allocation is subject "
       "to the pool being continued in the annual finance acts.",
)
AMOUNTS_NONE = Text(da="Materialet angiver kun beløb for årene {amount_years}.",
                    en="The material only states amounts for the years {amount_years}.")
AMOUNTS_TOTAL = Text(da=", i alt {total} for {first}-{last}",
                     en=", in total {total} for {first}-{last}")
COUNTS = Text(
    da="{name} tæller med i loftet på {cap} af tilskuddet.",
    en="{name} counts towards the cap of {cap} of the grant.",
)
NOT_COUNTS = Text(
    da="Loftet på {cap} gælder kun uformel opkvalificering (kommunale kurser, "
       "institutionsintern undervisning og private kurser); {name} tæller ikke med.",
    en="The {cap} cap applies only to informal upskilling (municipal courses, "
       "in-house teaching and private courses); {name} does not count towards it.",
)
TARGET_OUTSIDE = Text(
    da="Puljen er målrettet pædagogisk personale ansat i dagtilbud eller personale med en "
       "pædagogisk funktion i dagtilbud; det omfatter ikke {name}.",
    en="The pool is aimed at pedagogical staff employed in daycare or staff with a "
       "pedagogical function in daycare; that does not include {name}.",
)
CAP_SHARE = Text(
    da="Højst {cap} af kommunens tilskud må anvendes på uformel opkvalificering "
       "(kommunalt afholdte kurser, institutionsintern undervisning og private kurser).",
    en="At most {cap} of the municipality's grant may be used for informal upskilling "
       "(municipally run courses, in-house teaching and private courses).",
)
REPORTING = Text(
    da="Kommunerne skal hvert år afrapportere antal påbegyndte og gennemførte PAU- og "
       "meritpædagogforløb samt øvrige forløb opdelt på uformel opkvalificering og formel "
       "voksen- og efteruddannelse, og for disse to også antal dage, hvor personalet er under "
       "opkvalificering.",
    en="Every year the municipalities must report the number of started and completed PAU "
       "and meritpædagog programmes and of other courses, split into informal upskilling and "
       "formal adult education, and for those two the number of days staff were in upskilling.",
)
PAYMENTS = Text(
    da="Tilskuddet udbetales først, når kommunen har indsendt regnskab for forbruget; vil "
       "kommunen have en årlig udbetaling svarende til de afholdte udgifter, kan den indsende "
       "regnskab årligt.",
    en="The grant is paid out only when the municipality has submitted accounts of its "
       "spending; a municipality that wants yearly payments matching its spending can submit "
       "accounts every year.",
)
UNKNOWN_COUNTS = Text(
    da="Materialet nævner ikke {name}. Loftet på {cap} gælder uformel opkvalificering: "
       "kommunalt afholdt voksen- og efteruddannelse, institutionsintern undervisning og "
       "private kurser.",
    en="The material does not mention {name}. The {cap} cap applies to informal "
       "upskilling: municipally run adult education, in-house teaching and private courses.",
)
ROLES_UNKNOWN = Text(
    da="Materialet nævner ikke {name}. Puljen er målrettet pædagogisk personale ansat i "
       "dagtilbud eller personale med en pædagogisk funktion i dagtilbud, fx "
       "pædagogmedhjælpere, dagplejere, pædagogiske assistenter, pædagoger og ledere.",
    en="The material does not mention {name}. The pool is aimed at pedagogical staff employed "
       "in daycare or staff with a pedagogical function in daycare, e.g. pedagogical "
       "assistants, childminders, pedagogues and managers.",
)
BEFORE_START = Text(
    da="Midlerne kan først anvendes fra {window_start}; pr. {today} kan der endnu ikke "
       "igangsættes aktiviteter for dem.",
    en="The money can only be used from {window_start}; as of {today} no activity can yet be "
       "started with it.",
)
GRANT_WINDOW_NONE = Text(
    da="Puljen har bevillinger for {grant_years}; materialet nævner ingen bevilling fra {year}.",
    en="The pool has grants for {grant_years}; the material mentions no {year} grant.",
)
STATUS_REVIEW = Text(
    da="Medio {status_year} skulle der gennemføres en status på puljen, som giver mulighed "
       "for at justere rammerne før tildelingen af bevillingerne fra {second_round_start} og "
       "frem.",
    en="A status of the pool was to be made in mid-{status_year}, allowing the framework to "
       "be adjusted before the grants from {second_round_start} onwards are allocated.",
)
CREDIT = Text(
    da="Kurserne giver ikke i sig selv merit til PAU eller meritpædagoguddannelsen: merit og "
       "godskrivning beror på uddannelsesinstitutionens konkrete, individuelle vurdering ved "
       "optagelsen eller undervejs.",
    en="The courses do not in themselves give credit towards PAU or the meritpædagog "
       "programme: credit depends on the institution's individual assessment at admission or "
       "during the programme.",
)
NO_SUBMISSION_DEADLINE = Text(
    da="Materialet angiver ikke en frist for, hvornår regnskaberne skal indsendes; spørg "
       "Børne- og Undervisningsministeriet om fristen.",
    en="The material gives no date by which the accounts must be submitted; ask the Ministry "
       "of Children and Education for the date.",
)
STATUS_OUTCOME = Text(
    da="Hvad statussen viste, og om rammerne er ændret, fremgår ikke af materialet; spørg "
       "Børne- og Undervisningsministeriet.",
    en="What the status showed, and whether the framework was changed, is not in the "
       "material; ask the Ministry of Children and Education.",
)
UNMET_REQUIREMENT = Text(
    da="{explanation} Det forudsætter dog, at {requirement}, og ifølge spørgsmålet er det ikke "
       "tilfældet.",
    en="{explanation} This requires, however, that {requirement}, and according to the "
       "question that is not the case.",
)
EXPERIENCE_SHORT = Text(
    da="{explanation} Men som euv1 kræver uddannelsen mindst {years} års erhvervserfaring, og "
       "ifølge spørgsmålet har medarbejderen ikke det.",
    en="{explanation} But as euv1 the programme requires at least {years} years' work experience, "
       "and according to the question the employee does not have that.",
)
ALLOCATION_APPLY = Text(
    da="Kommunerne skal ikke søge: midlerne tildeles direkte af staten uden forudgående "
       "ansøgning, på baggrund af det forventede børnetal i kommunen i 2023.",
    en="Municipalities do not apply: the state allocates the money directly, without any "
       "application, based on the expected number of children in the municipality in 2023.",
)
ALLOCATION_INSTITUTION = Text(
    da="Det enkelte dagtilbud kan ikke søge ministeriet: midlerne tildeles kommunerne "
       "direkte af staten uden forudgående ansøgning, og dagtilbuddene får del i dem gennem "
       "kommunen.",
    en="A single daycare cannot apply to the ministry: the state allocates the money "
       "directly to the municipalities, without application, and daycares get their share "
       "through the municipality.",
)
ALLOCATION_DISTRIBUTION = Text(
    da="Midlerne tildeles kommunerne direkte af staten uden ansøgning, fordelt efter det "
       "forventede børnetal i kommunen i 2023, i to tildelingsrunder: bevillingerne "
       "{first_round} og bevillingerne {second_round}. Den enkelte kommunes beløb står i en "
       "særskilt fordelingsoversigt, som ikke er en del af materialet.",
    en="The state allocates the money directly to the municipalities, without application, "
       "according to the expected number of children in each municipality in 2023, in two "
       "rounds: the grants for {first_round} and those for {second_round}. Each "
       "municipality's amount is in a separate distribution table that is not part of the "
       "material.",
)
ALLOCATION_ROUNDS = Text(
    da="Puljen udmøntes i to tildelingsrunder (bevillingerne {first_round} og {second_round}) "
       "for at reducere kommunernes administrationsomkostninger og øge deres planlægningsmulighed.",
    en="The pool is paid out in two allocation rounds (the grants for {first_round} and "
       "{second_round}) to reduce the municipalities' administrative costs and improve their "
       "planning.",
)
PAYMENTS_ANNUAL = Text(
    da="Vil kommunen have tilskuddet udbetalt årligt, svarende til de afholdte udgifter, kan "
       "den indsende regnskab hvert år; udbetalingen forudsætter regnskab for forbruget.",
    en="If the municipality wants the grant paid out every year, matching its spending, it "
       "can submit accounts every year; payment requires accounts of the spending.",
)
PAYMENTS_ADVANCE = Text(
    da="Tilskuddet udbetales ikke forud: udbetalingerne forudsætter, at kommunen har "
       "indsendt regnskab om forbruget (årligt, hvis kommunen ønsker det).",
    en="The grant is not paid in advance: payments require that the municipality has "
       "submitted accounts of its spending (yearly, if it wishes).",
)
REPORTING_NO_DAYS = Text(
    da="Antal dage under opkvalificering afrapporteres kun for uformelle forløb og formel "
       "voksen- og efteruddannelse, ikke for PAU- og meritpædagogforløb.",
    en="Days in upskilling are reported only for informal courses and formal adult "
       "education, not for PAU and meritpædagog programmes.",
)
AMOUNTS_UNCERTAIN = Text(
    da="Beløbene er ikke sikre: udmøntningen sker med forbehold for puljens videreførelse på "
       "de årlige finanslove.",
    en="The amounts are not certain: the allocation is subject to the pool being continued "
       "in the yearly finance acts.",
)
STATUS_CHANGE = Text(
    da="Rammerne kan blive justeret: medio {status_year} gennemføres en status på puljen, som "
       "giver mulighed for at justere rammerne før tildelingen af bevillingerne fra "
       "{second_round_start}.",
    en="The framework may be adjusted: a status of the pool in mid-{status_year} allows the "
       "framework to be adjusted before the grants from {second_round_start} are allocated.",
)


def fill(template: Text, **values: dt.date | Text | str | int) -> Text:
    """The template with its values written as each language writes them: a date as
    ``format_date`` writes it, a ``Text`` in the template's language, anything else as is.

    >>> fill(Text("Senest {end}.", "By {end}."), end=dt.date(2026, 7, 31))
    Text(da='Senest 31. juli 2026.', en='By 31 July 2026.')
    """
    def render(lang: str) -> str:
        return (template.en if lang == "en" else template.da).format(**{
            k: format_date(v, lang) if isinstance(v, dt.date) else
            v.en if isinstance(v, Text) and lang == "en" else
            v.da if isinstance(v, Text) else v
            for k, v in values.items()
        })
    return Text(render("da"), render("en"))
