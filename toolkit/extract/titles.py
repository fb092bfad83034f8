"""What and where: an event's title and place, read from its own clause.

The title is the clause with its dates, times, place and cue words ("moved", "due", "statt")
taken out, the piece that names an event preferred; when the clause names nothing (a flyer's
"SATURDAY 7 JUNE" line, "wir machen Freitag 18 Uhr") it falls back to the segment's lead, a
flyer's headline or an earlier line that names an event, never to an agenda heading
("Termine Dezember:") nor to a placeholder. The place is a place phrase in the clause ("at the
clubhouse", "im Gemeindehaus", "salle 204"), a piece of it that is a place ("..., Smile Dental
Care."), or a flyer's plain line after the date.
"""

from __future__ import annotations

import re
from functools import cache

from toolkit.extract.clauses import Clause, segments, soft_boundaries
from toolkit.extract.context import PASTED_LINE, Context
from toolkit.extract.mentions import DateMention, TimeMention
from toolkit.extract.nouns import names_event
from toolkit.extract.rules import Grammar

_TITLE_NOISE = re.compile(
    r"^(?:(?:reminder|recordatorio|rappel|erinnerung|lembrete|psa|fyi|update|info|note|nb|"
    r"heads up|atención|atencion|achtung|attention|atenção|aviso|avis|hinweis|wichtig|important)"
    r"(?:\s+that)?"
    r"|don'?t forget(?:\s+the)?|recordad(?:\s+(?:que|q))?|recuerden(?:\s+(?:que|q))?"
    r"|record[aá](?:\s+(?:que|q))?|acordate(?:\s+(?:que|q))?"
    r"|os recuerdo(?:\s+(?:que|q))?"
    r"|les recuerdo(?:\s+que)?|n'oubliez pas|bitte denkt an(?:\s+d\w+)?|nicht vergessen"
    r"|não esqueçam|nao esquecam|lembrem(?:-se)?(?:\s+que)?"
    r"|hey all|hi all|hi everyone|hi neighbours|hello all|hello everyone|guys|hey guys|hi guys"
    r"|hola(?:\s+a\s+todos)?"
    r"|hallo(?:\s+zusammen)?|liebe eltern|salut|coucou|bonsoir|bonjour|oi(?:\s+gente)?|gente"
    r"|galera|chicas|chicos|buenas|pessoal|hey|hi|ok|so|also|alors|bueno|pues|então|entao"
    r"|please|pls|bitte|por favor|s'il vous plaît|svp|merci de|por fa"
    r"|now|ahora|agora|jetzt|neu|maintenant|désormais|quedamos|bora|lembrando(?:\s+que)?"
    r"|wir treffen uns|on se retrouve|let'?s meet"
    r"|(?:kleine |small |petite |pequeña |pequena )?(?:korrektur|correction|corrección|correcao|correção)"
    r"|fwd|fw|tr|wg|rv|reenviado|encaminhado|transféré"
    # who it was forwarded from, and a letter's salutation: "Weitergeleitet vom Elternbeirat:",
    # "Sehr geehrte Mieterinnen und Mieter,", "Dear Residents,"
    r"|(?:weitergeleitet|forwarded|fwd|reenviad[oa]|encaminhad[oa]|transféré)\s+(?:vo[mn]|from|de|del|da|do)"
    r"(?:\s+[\w-]+){1,3}"
    r"|sehr geehrte(?:r|s)?(?:\s+(?:damen und herren|mieterinnen und mieter|eltern|kundinnen und kunden|"
    r"\w+))?|dear (?:residents|parents|members|neighbours|neighbors|customers|all)"
    r"|estimad[oa]s (?:vecin[oa]s|padres|familias|socios)|chers (?:parents|voisins|membres)"
    # the second half of a correction ("..., sondern am Samstag") names nothing itself
    r"|sondern|sino|but rather|but instead|mais plutôt|mas sim)"
    r"\b[\s:!,.-]*",
    re.I,
)
# Verbs and fillers a title does not start with ("Ist Elternabend", "Hay reunión", "Temos a").
_LEADING_FILLER = re.compile(
    r"^(?:(?:there(?:'s| is| are| will be)|it'?s|is|are|will be|we(?:'re| are)? having|we have|"
    r"hay|habrá|tenemos|es|será|son|ist|sind|gibt es|es gibt|haben wir|wir haben|il y a|"
    r"c'est|c’est|ce sera|on a|nous avons|est|há|vai ter|tem|temos|teremos|é|será|"
    # what comes next: "danach Sektempfang", "puis vin d'honneur", "y luego la recepción"
    r"and then|then|afterwards|y luego|luego|después|puis|ensuite|danach|anschließend|dann|e depois|depois)"
    r"\b\s*)+",
    re.I,
)
_PIECE_MARKS = r"[,:;!?()\n\"“”«»„]|\s[-–—]\s"
# A reason is no part of a title ("Game vs Hillcrest because of the frost").
_BECAUSE = {"en": r"because|due to", "es": r"porque|por causa de|ya que", "de": r"wegen|weil",
            "fr": r"parce que|car|à cause d[eu]|à cause des", "pt": r"porque|por causa d[eoa]s?|pois"}

# A piece set off by a comma that opens with its cause is why, never what ("..., por el cambio
# de turno", "..., wegen der Inventur", "..., à cause de la grève").
_REASON_OPENING = re.compile(r"(?:because of|due to|owing to|por (?:el|la|los|las|culpa)|por causa|"
                             r"wegen|aufgrund|à cause|pour cause|en raison|devido)\b", re.I)


@cache
def _piece_pattern(code: str) -> re.Pattern[str]:
    return re.compile(rf"{_PIECE_MARKS}|\s(?:{_BECAUSE[code]})\s", re.I)
_GAP = re.compile(r"\s{3,}")  # where a date, time or place was taken out
_CONTACT = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|org|net|example|co\.uk|de|fr|es|pt|br)"
                      r"(?:/\S*)?|\+?\d[\d ()-]{7,}\d", re.I)
# "For Jack's leaving do", "para la barbacoa": the purpose without its preposition
_LEADING_PREP = re.compile(r"^(?:for|para|pour|für|pra)\s+", re.I)
_STOP_AT_END = {
    "on", "at", "the", "el", "la", "am", "um", "à", "às", "a", "le", "de", "is", "ist", "es", "est",
    "é", "and", "y", "e", "und", "et", "from", "von", "das", "del", "du", "are", "will", "be",
    "has", "been", "have", "wird", "werden", "ha", "han", "se", "foi", "a été", "sind", "was", "to",
    "for", "por", "para", "pour", "für", "auf", "al", "au", "da", "no", "na", "der", "die", "den",
    "dem", "les", "los", "las", "os", "as", "this", "next", "our", "with", "con", "mit", "avec",
    "com", "que", "that", "dass", "by", "bis", "until", "till", "hasta", "até", "avant", "antes",
    "en", "em", "in", "im", "of", "ce", "cette", "este", "esta", "vom", "zum", "zur", "ao", "aos",
    "dès", "des", "ab", "after", "before", "also", "gibt", "hay", "há", "il", "there",
    "findet", "finden", "statt", "stattfinden",
    # "Weißwurstfrühstück vorher", "almoço coletivo depois": when, said of the event before
    "vorher", "danach", "depois", "después", "luego", "afterwards", "ensuite", "puis",
    "sharp", "prompt", "pile",  # "6pm sharp", "à 20h pile"
    # "at the Anchor in Henley about half seven": a rough hour follows
    "about", "around", "approx", "approx.", "circa", "gegen", "vers", "sobre", "tipo", "umas", "lá",
    # "Zahnarzttermin ist jetzt", "o jantar ficou marcado pra": the news, not the event's name
    "not", "nicht", "pas", "não", "nao", "n'est", "ne",  # "Choir is not (on Thursday but Friday)"
    "nöd", "net", "ned", "still", "noch", "sigue", "toujours", "ainda",
    "now", "jetzt", "nun", "ahora", "maintenant", "désormais", "agora", "isch",
    "scheduled", "planned", "geplant", "angesetzt", "prévu", "prévue", "previsto", "prevista",
    "marcado", "marcada", "ficou", "quedó", "fixé", "fixée", "pra", "pro", "pras", "pros",
    "agendado", "agendada", "programado", "programada", "booked", "confirmed", "confirmado",
    "confirmada",
}


# Words that say a day is a holiday, not what is closed on it ("feriado", "Feiertag").
_HOLIDAY_WORDS = re.compile(r"\b(?:feriados?|festivos?|f[ée]ri[ée]e?s?|\w*feiertag\w*|(?:bank |public )?"
                            r"holidays?|puente|ponte|pont|br[üu]ckentag)\b", re.I)


def title_for(ctx: Context, clause: Clause, d: DateMention, blanks: list[tuple[int, int]],
              kind: str = "event", time_at: int | None = None) -> str:
    """The event's title (see `_clause_title`); a pasted notice's sender alone is no title
    when the notice names the appointment ("Garage Meier AG: Ihr Reifenwechsel-Termin ist am
    Dienstag ..." is the "Reifenwechsel-Termin – Garage Meier AG")."""
    title = _clause_title(ctx, clause, d, blanks, kind, time_at)
    what = _APPOINTMENT_FOR.search(ctx.text, clause.segment[0], clause.segment[1])
    if what is not None and _ONLY_AN_APPOINTMENT.fullmatch(title):
        return _tidy(what.group(1))  # "Ihr Termin zur Auffrischimpfung (FSME)": the Auffrischimpfung
    sender = _SENDER.match(ctx.text)
    if kind != "event" or not title or sender is None \
            or not sender.group(1).lower().startswith(title.lower().rstrip(" .")):
        return title
    what = _APPOINTMENT.search(ctx.text, sender.end(1), clause.end)
    return f"{what.group(0)} – {sender.group(1).strip()}" if what else title


def rota_title(ctx: Context, heading_end: int, own: str) -> str:
    """A rota slot's title: the rota's heading and the slot's own words ("Mum rota – Sarah",
    "Putzplan für die nächsten zwei Wochen – Bad"), so a calendar shows whose turn at what."""
    heading = _title_from(ctx, ctx.text[:heading_end])
    if not heading or (own and heading.lower() in own.lower()):
        return own
    if not own or own.lower() in heading.lower():
        return heading
    return f"{heading} – {own}"


# An appointment for something: "Ihr Termin zur Auffrischimpfung", "your appointment for the flu
# jab", "su cita para la vacuna", "votre rendez-vous pour le vaccin"; what follows is its title
_APPOINTMENT_WORDS = r"termin|appointment|appt|cita|rendez-vous|rdv|consulta"
_APPOINTMENT_FOR = re.compile(rf"\b(?:{_APPOINTMENT_WORDS})\s+"
                              r"(?:zur|zum|für|for|para|pour|de|do|da)\s+(?:(?:the|la|el|le|a|o)\s+|l['’])?"
                              r"([^\W\d_][\w-]*(?:[ \t]+(?!am\b|on\b|le\b|el\b|o\b|no\b|dia\b)"
                              r"[^\W\d_][\w-]*){0,2})", re.I)
_ONLY_AN_APPOINTMENT = re.compile(r"(?:an |à |a )?(?:ihr(?:en)?|dein(?:en)?|your|su|votre|seu|sua|tu)?\s*"
                                  rf"(?:{_APPOINTMENT_WORDS})", re.I)
# What a pasted notice books: "Ihr Termin", "Reifenwechsel-Termin", "RDV", "sua consulta".
_APPOINTMENT = re.compile(r"[\w-]*(?:termin|untersuchung|impfung|inspektion)\b|\b(?:appointment|appt|"
                          r"check-?up|mot|service|rdv|rendez-vous|consultation|contrôle|vaccin|cita|"
                          r"consulta|revisión|revisão|inspeção|inspección|vacuna|vacina|marcação)\b",
                          re.I)


def _clause_title(ctx: Context, clause: Clause, d: DateMention, blanks: list[tuple[int, int]],
                  kind: str = "event", time_at: int | None = None) -> str:
    """What: the clause's own words, else a shared lead or heading; never a placeholder. A
    deadline is titled by all its clause says is due ("Kostet 8 Euro, bitte bezahlen"), a
    closure by what is closed ("la oficina cierra", not "feriado")."""
    chars = _blanked(ctx, blanks, clause)
    body = "".join(chars[clause.start:clause.end])
    closed = _closed_piece(ctx, body) if kind == "closure" else ""
    if closed:
        return closed
    own = _title_from(ctx, body, anchor=d.start - clause.start, whole=kind == "deadline",
                      time_anchor=None if time_at is None else time_at - clause.start)
    if own and _only_a_day(own, ctx.g):
        own = ""  # "RDV kiné : le lundi 22/03 à 17h45": the weekday said beside the date is no title
    if own and _only_function_words(own):
        own = ""  # "..., they moved it to Sunday at 9" leaves "They it": who, never what
    lead = _title_from(ctx, "".join(chars[clause.lead[0]:clause.lead[1]])) if clause.lead else ""
    own_named = bool(own) and names_event(ctx.g, own) and not ctx.g.logistics.fullmatch(own.lower())
    if not lead and not own_named and kind == "event" and not ctx.flyer:
        # "BAKE SALE! Friday 27th after school": the line before names what the date is for
        lead = _heading_just_before(ctx, clause, chars)
    if not lead and not own and kind == "deadline":
        # "Já pagaram o boleto do condomínio? Vence amanhã": what is due was the sentence before
        lead = _sentence_just_before(ctx, clause, chars)
    if not lead and own and kind == "event" and _logistic(own, ctx.g):
        # "Sortie scouts ce week-end ..., départ samedi 8h": the outing the departure is for
        lead = _named_piece_before(ctx, clause, chars)
    if own and lead and clause.lead is not None and ctx.text[clause.lead[1]:clause.lead[1] + 1] == ":" \
            and kind == "event" and not _logistic(own, ctx.g) \
            and (_content_words(own) >= 2 or (own[:1].isupper() and _content_words(own) == 1)) \
            and not _PRONOUN_FIRST.match(own) \
            and not ctx.g.place_noun.search(own) and not ctx.g.place.match(own):
        # "Exam timetable: Physics practical on 14th July 10 AM, Maths paper 16th July ...": each
        # item of a list under a heading is titled by its own words
        return own
    if own and kind == "event" and _only_a_gathering(own, ctx.g):
        # "Book club 📚 November pick is ... – we're meeting Thurs Nov 8": the group's heading
        # says what the meeting is
        opening = _opening_heading(ctx, clause)
        if opening:
            return opening
    if own_named or (own and kind == "deadline") or (own and not (lead and names_event(ctx.g, lead))
                     and not ctx.g.logistics.fullmatch(own.lower())):
        return own  # but "Début" or "wir machen" say less than the lead "Camp de jour", "Grillen"
    if lead:
        return lead
    for text in _headings_before(ctx, clause, chars):
        heading = _title_from(ctx, text)
        if heading:
            return heading
    if kind == "event" and not own_named:
        # "Klausur wurde verlegt!! Nicht Fr 2.3., sondern Mo 5.3., ...": the sentence before
        # names what the clause, all days and cue words, only moves
        before = _sentence_just_before(ctx, clause, chars)
        if before and (names_event(ctx.g, before) or (not own and _content_words(before) >= 1)):
            return before
    if own:
        return own
    segment = _title_from(ctx, "".join(chars[clause.segment[0]:clause.segment[1]]))
    # nothing but greeting words left ("Wir treffen uns am Samstag"): they are the title then
    plain = _tidy(_LEADING_FILLER.sub("", "".join(chars[clause.start:clause.end]).strip()))
    if not segment and not _has_words(plain) and kind == "deadline" \
            and (due := ctx.g.due.search(ctx.low, clause.start, clause.end)):
        return _tidy(ctx.text[due.start():due.end()])  # "Meldeschluss ist der 10.8.": what closes
    return segment or (plain if _has_words(plain) else _tidy(ctx.text[d.start:d.end]))


# Words that say people meet and nothing of what for: "we're meeting", "Nächstes Treffen",
# "nos juntamos", "on se retrouve", "próximo encontro é".
_GATHERING = re.compile(r"(?:meet(?:ing|s|up)?|get-together|catch-up|session|treffen|trifft|termin|"
                        r"sitzung|juntamos|reunimos|quedamos|encuentro|quedada|sesión|retrouve|voit|"
                        r"rencontre|séance|seance|encontro|encontramos|sessão|next|nächste[sn]?|"
                        r"próxim[oa]|proxim[oa]|prochaine?|siguiente|é|es|ist|est|is|are|'re|re)", re.I)


def _only_a_gathering(title: str, g: Grammar) -> bool:
    """A title that only says people meet ("We're meeting", "Nächstes Treffen", "próximo
    encontro é qua")."""
    words = re.findall(r"[^\W\d_]+", title)  # "We're" gives "We" and "re"
    return any(_GATHERING.fullmatch(w) for w in words) and all(
        _GATHERING.fullmatch(w) or _FUNCTION_WORD.fullmatch(w) or w.lower() in _ARTICLES
        or g.date_words.fullmatch(w) or w.lower() in g.weekday_of for w in words)


def _opening_heading(ctx: Context, clause: Clause) -> str:
    """The message's first piece when it is a short heading before the clause ("Book club",
    "Lesekreis", "Clube do livro"), set off by an emoji, a colon or a line end."""
    pieces = segments(ctx.text)
    if not pieces or pieces[0][1] > clause.start:
        return ""
    start, end = pieces[0]
    heading = ctx.text[start:end].strip(" :-–—!.")
    words = re.findall(r"[^\W\d_]+", heading)
    if not 1 <= len(words) <= 4 or ctx.g.date_words.search(heading) or ctx.g.sign_off.match(heading) \
            or _PRONOUN_FIRST.match(heading):
        return ""
    return _tidy(heading)


# "ich übernehm Freitag 22–6": a piece that opens with a person says who, not what
_PRONOUN_FIRST = re.compile(r"(?:i|we|you|he|she|they|ich|du|wir|ihr|er|sie|yo|tú|tu|nosotros|él|ella|"
                            r"je|j['’]|nous|vous|il|elle|on|eu|nós|você|vocês|ele|ela|a gente)\b", re.I)


# Words that say who or which, never what: pronouns ("They it"), a preposition with one ("bei
# uns", "chez nous", "with us"), "the first one", "the next one" (a French "la première" is a
# premiere, so only English ordinals).
_FUNCTION_WORD = re.compile(r"(?:it|they|them|we|us|you|he|she|him|her|i|me|ich|yo|je|moi|eu|"
                            r"lo|la|los|las|le|les|se|ellos|"
                            r"es|sie|wir|ihn|ihr|uns|euch|mir|ils|elles|on|nous|vous|l|o|a|os|as|"
                            r"eles|elas|bei|mit|with|at|chez|avec|con|com|nosotros|nós|"
                            r"the|one|first|next|last|"
                            # auxiliaries left when a move verb is taken out: "a été (déplacé)"
                            r"été|has|have|been|is|are|was|were|wurde|wird|ist|sind|hat|ha|han|"
                            r"sido|fue|foi|est|sont|será|vai|va)", re.I)


def _only_function_words(title: str) -> bool:
    """A title of nothing but such words says nothing of the event."""
    words = re.findall(r"[^\W\d_]+", title)
    return bool(words) and all(_FUNCTION_WORD.fullmatch(w) for w in words)


def _content_words(title: str) -> int:
    """How many words of three letters or more a title has, articles aside."""
    return len([w for w in re.findall(r"[^\W\d_]{3,}", title.lower()) if w not in _ARTICLES])


def _only_a_day(title: str, g: Grammar) -> bool:
    """Whether a title is nothing but articles and a weekday ('Le lundi', 'El martes')."""
    words = [w for w in re.findall(r"[^\W\d_]+", title.lower()) if w not in _ARTICLES]
    return bool(words) and all(g.weekday.fullmatch(w) for w in words)


def _closed_piece(ctx: Context, body: str) -> str:
    """The piece of a closure's clause that says what is closed ("no school", "a loja está
    fechada", "keine Schule"): a closure cue that is more than a holiday's name. "No school
    Wed 17th for St Patrick's Day" is titled "No school", not by the feast it is closed for."""
    g = ctx.g
    separator = ""
    at = 0
    subject = ""  # the first piece that says something: what the closing piece may be said of
    for m in [*_piece_pattern(g.t.code).finditer(body), None]:
        piece = body[at:m.start() if m else len(body)]
        for _ in range(3):  # "Ab [morgen] bis einschließlich [Sonntag] ist der Hofladen zu"
            piece = g.dangling.sub(" ", piece)
        cleaned = _clean(_GAP.sub(" ", piece), g)
        # "Die Bibliothek ist ... wegen Inventur geschlossen": the piece after a reason is why
        if cleaned and not separator.strip(" ,").isalpha() \
                and g.closure.search(_HOLIDAY_WORDS.sub(" ", cleaned)):
            if subject and g.closure.fullmatch(cleaned.lower()):
                # "D'Gmeindsverwaltig isch am Fritig, 9. Juli, gschlosse": closed is said of it
                return _tidy(f"{_tidy(subject)} {cleaned.lower()}")
            return _tidy(cleaned)
        subject = subject or cleaned
        if m:
            separator, at = m.group(0), m.end()
    return ""


def _blanked(ctx: Context, blanks: list[tuple[int, int]], clause: Clause) -> list[str]:
    """The text with what is no title blanked: dates and times, places, pasted stamps, an
    agenda's heading, and the cue words of moves and deadlines."""
    chars = list(ctx.text)
    spans = list(_no_title_spans(ctx, blanks))
    for pattern in (ctx.g.move, ctx.g.instead, ctx.g.proposal):
        spans += [m.span() for m in pattern.finditer(ctx.low, clause.segment[0], clause.segment[1])]
    for m in ctx.g.due.finditer(ctx.low, clause.segment[0], clause.segment[1]):
        # "registration closes": the thing due stays, its verb goes
        task = ctx.g.task.match(ctx.low, m.start())
        spans.append((task.end() if task and task.end() < m.end() else m.start(), m.end()))
    for a, b in spans:
        chars[a:b] = " " * (b - a)
    return chars


def _no_title_spans(ctx: Context, blanks: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Once per message: dates and times, pasted stamps, agenda headings and place phrases."""
    if "no_title" not in ctx.memo:
        spans = list(blanks) + [m.span() for m in PASTED_LINE.finditer(ctx.text)]
        spans += [m.span() for m in ctx.g.agenda_heading.finditer(ctx.text)]
        spans += [m.span() for m in _CONTACT.finditer(ctx.text)]  # "RSVP to me on 07700 900456"
        text = _placeable(ctx, blanks)
        for m in ctx.g.place.finditer(text):  # "am Pfingstmontag hat die Praxis"
            phrase = cut_place(m.group(1), ctx.g)
            if looks_like_place(phrase, ctx.g):
                phrase = _with_number(ctx, text, m.start(1) + len(phrase), phrase)
                spans.append((m.start(), m.start(1) + len(phrase)))
        ctx.memo["no_title"] = spans
    return ctx.memo["no_title"]


def _title_from(ctx: Context, text: str, require_noun: bool = False, anchor: int | None = None,
                whole: bool = False, time_anchor: int | None = None) -> str:
    """The best piece of `text`: the date's own piece when it names an event, else the first
    piece that does, else the date's own piece or the first with words left."""
    g = ctx.g
    for _ in range(3):  # "am Freitag, den" leaves several words hanging
        text, before = g.dangling.sub(" ", text), text
        if text == before:
            break  # nothing left hanging: another pass would change nothing either
    text = g.period_phrase.sub(" ", text)  # "por la noche", "Friday night"
    text = re.sub(r"^\W*['’]s\b", "", text)  # "Tomorrow's game" without its day
    pieces: list[tuple[int, str]] = []
    own = timed = None
    heading = None  # "Carpool for the robotics meet: ...": a first piece set off by a colon
    reasons: set[str] = set()  # pieces after "because": why, never what
    cuts = [0] + [p for m in _piece_pattern(g.t.code).finditer(text) for p in m.span()] + [len(text)]
    for start, end in zip(cuts[::2], cuts[1::2], strict=False):
        cleaned = _clean(text[start:end], g)
        mark = text[cuts[cuts.index(start) - 1]:start] if start else ""
        if re.fullmatch(rf"\s(?:{_BECAUSE[g.t.code]})\s", mark, re.I) or _REASON_OPENING.match(cleaned):
            reasons.add(cleaned)
        if anchor is not None and start <= anchor < end:
            # the piece the date is in, if anything is left of it but "bei uns" or "they"
            own = cleaned if cleaned and not _only_function_words(cleaned) else None
        if time_anchor is not None and start <= time_anchor < end:
            timed = cleaned or None
        if cleaned:
            if not pieces and text[end:end + 1] == ":":
                heading = cleaned
            pieces.append((start, cleaned))
    if not pieces:
        return ""
    if whole:
        return _tidy(", ".join(p for _s, p in pieces))
    if own is not None and own == heading and timed is not None and timed != own \
            and names_event(g, timed) and not _only_logistics(timed, g):
        # "Staatsfeiertag am Sonntag: Festakt ... um 10 Uhr": the day's heading, the hour's event
        return _tidy(_around_the_gaps(timed, g))
    if own is not None and heading is not None and heading != own and _PRONOUN_FIRST.match(own) \
            and (names_event(g, heading) or _content_words(heading) >= 2):
        # "Night shift swap confirmed: I'm taking Dom's Fri 2200-0600": what, not who
        return _tidy(_around_the_gaps(heading, g))
    if own is not None and heading is not None and heading != own \
            and (_logistic(own, g) or g.place.match(own)) \
            and not re.match(r"(?:de|del|du|des|of|von|da|do)\b", heading.lower()):
        # what the departure is for; what happens "sur le tohua de Taiohae"
        return _tidy(_around_the_gaps(heading, g))
    named = [p for _s, p in pieces if names_event(g, p) and not _only_logistics(p, g)
             and not _INSTRUCTION.match(p) and p not in reasons]  # "bring packed lunch" names no event
    if own is not None and _INSTRUCTION.match(own) and named:
        own = None  # "Heute keine Jause mitgeben, ... bei der Adventfeier": the feast, not the chore
    if own is not None and named and own not in named and _after_reason(text, own, g):
        own = None  # "... wegen Regen auf Mittwoch verschoben": the rain is why, not what
    if own is not None and (own in named or not (g.logistics.fullmatch(own.strip().lower())
                                                 or (named and _logistic(own, g)))):
        return _tidy(_around_the_gaps(own, g))  # the date's own piece, not "bring packed lunch"
    if named:
        return _tidy(_around_the_gaps(named[0], g))
    if require_noun:
        return ""
    chosen = own or next((p for _s, p in pieces
                          if not g.sign_off.match(p.strip()) and not _only_function_words(p)), "")
    return _tidy(chosen)


def _after_reason(text: str, own: str, g: Grammar) -> bool:
    at = text.find(own)
    return at > 0 and bool(re.search(rf"\b(?:{_BECAUSE[g.t.code]})\s*$", text[:at], re.I))


def _around_the_gaps(piece: str, g: Grammar) -> str:
    """'Picture day is [date] before the game' -> 'Picture day is': of the words between taken-out
    dates, times and places, the first part that names an event, else the first with words; a
    closure word alone ('geschlossen') names nothing here."""
    parts = [p for p in _GAP.split(piece) if _has_words(p)]
    if len(parts) <= 1:
        return piece
    named = [p for p in parts if names_event(g, p) and not g.closure.fullmatch(p.strip().lower())
             and not g.cancel.fullmatch(p.strip().lower()) and not _only_logistics(p, g)
             and not g.place_noun.match(p.strip())]  # "salle des fêtes" is a place
    if named:
        return named[0]
    # "am [Mittwoch 12.4.] wird [von 8 bis 16 Uhr] das Wasser abgestellt": not "wird", which
    # tidies to nothing, nor a "sondern" alone, but the first part that says something; "Wir
    # machen [am Samstag ab 10 Uhr] die große Laub-Aktion": what, not who does it
    saying = [p for p in parts if _says_something(p, g)]
    if len(saying) > 1 and _only_someone_doing(saying[0]):
        return saying[1]
    return next(iter(saying), parts[0])


def _only_someone_doing(part: str) -> bool:
    """A pronoun and a verb, nothing more ("Wir machen", "On fait", "We're doing")."""
    words = part.split()
    return len(words) <= 2 and bool(_PRONOUN_FIRST.match(part.strip()))


def _says_something(part: str, g: Grammar) -> bool:
    """A word of three letters or more left once tidied, conjunctions and articles aside."""
    return _content_words(g.conjunction.sub(" ", _tidy(part))) > 0


def _clean(piece: str, g: Grammar) -> str:
    for _ in range(3):  # "Hey all! Reminder: ..."
        before = piece
        piece = _TITLE_NOISE.sub("", piece.strip())
        piece = _LEADING_FILLER.sub("", piece.strip())
        piece = _LEADING_PREP.sub("", piece.strip())
        if piece == before:
            break  # a pass that changed nothing would change nothing the next time
    return piece if _has_words(piece) else ""


def _named_piece_before(ctx: Context, clause: Clause, chars: list[str]) -> str:
    """The earlier part of the clause's sentence, when it names an event."""
    text = "".join(chars[clause.segment[0]:clause.start])
    return _title_from(ctx, text, require_noun=True) if text.strip() else ""


def _heading_just_before(ctx: Context, clause: Clause, chars: list[str]) -> str:
    """The sentence right before the clause's, when it is short, names an event and holds no
    date of its own ("End of season party!!", "BAKE SALE!")."""
    earlier = [(a, b) for a, b in segments(ctx.text) if b <= clause.segment[0]]
    if not earlier:
        return ""
    a, b = earlier[-1]
    text = "".join(chars[a:b])
    if text.strip() != ctx.text[a:b].strip() or len(text.split()) > 6 or not names_event(ctx.g, text):
        return ""  # it held a date (blanked), or is a sentence of its own
    return _title_from(ctx, text)


def _sentence_just_before(ctx: Context, clause: Clause, chars: list[str]) -> str:
    """The short sentence right before the clause's, if it holds no date of its own."""
    earlier = [(a, b) for a, b in segments(ctx.text) if b <= clause.segment[0]]
    if not earlier:
        return ""
    a, b = earlier[-1]
    text = "".join(chars[a:b])
    if text.strip() != ctx.text[a:b].strip() or len(text.split()) > 8:
        return ""
    return _title_from(ctx, text)


# A piece that tells people what to bring or do is no event's name.
_INSTRUCTION = re.compile(
    r"\W*(?:(?:please|bitte|por favor|svp)\s+)?(?:bring|take|wear|send|pack|don't forget|keine?\s+\w+\s+"
    r"mitgeben|mitbringen|mitgeben|mitnehmen|anziehen|prévoyez|prévoir|apportez|apporter|pensez|"
    r"traed|traer|traigan|llevad|llevar|lleven|tragam|trazer|levem|levar)\b", re.I)


def _logistic(piece: str, g: Grammar) -> bool:
    """'Leaving the school', 'Départ', 'El bus sale de la portería', 'Continua': a piece led by a
    word of logistics or travel that names no event of its own says when or where to be, not
    what for."""
    if names_event(g, piece) and not _only_logistics(piece, g):
        return False
    words = [w for w in re.findall(r"[^\W\d_]+", piece.lower()) if w not in _ARTICLES][:2]
    return any(g.logistics.fullmatch(w) or g.early.fullmatch(w) for w in words)


_ARTICLES = {"the", "a", "an", "el", "la", "los", "las", "der", "die", "das", "le", "les", "l", "o",
             "os", "as", "um", "uma", "un", "una", "une", "we", "on", "nous", "wir"}


def _only_logistics(piece: str, g: Grammar) -> bool:
    nouns = [m.group(0) for m in g.event_noun.finditer(piece)]
    return bool(nouns) and all(g.logistics.fullmatch(n.strip()) for n in nouns)


def _has_words(text: str) -> bool:
    return bool(re.search(r"[^\W\d_]{3,}|\b[A-Z]{2}\b", text))


def _headings_before(ctx: Context, clause: Clause, chars: list[str]) -> list[str]:
    """Earlier lines to fall back on, nearest first: a flyer's headline, or a line that names
    an event ("BAKE SALE!" before "Friday 10am"); an agenda heading ("Termine Dezember:") is
    skipped."""
    earlier = [(a, b) for a, b in segments(ctx.text) if b <= clause.segment[0]]
    found = []
    if ctx.flyer and earlier:
        head = [(a, b) for a, b in earlier if not ctx.g.agenda_heading.match(ctx.text[a:b] + "\n")]
        headline = " ".join(ctx.text[a:b].strip() for a, b in head[:2])
        if head and len(headline) <= 70 and not _is_sentence(headline):
            found.append(headline)
    for a, b in reversed(earlier):
        text = "".join(chars[a:b])
        if ctx.g.event_noun.search(text) and not ctx.g.agenda_heading.match(ctx.text[a:b] + "\n"):
            found.append(text)
    return found


def _is_sentence(text: str) -> bool:
    return len(text.split()) > 8


_EMOJI = re.compile(r"[\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F\u200d\U0001F3FB-\U0001F3FF]+")


def _tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", _EMOJI.sub(" ", text))  # "Empezamos 💃": the emoji is no part of it
    text = re.sub(r"\s+([,.!?])", r"\1", text).strip(" ,.;:-–—!?¿¡*•·/+'\"“”«»„")
    text = re.sub(r"^[sS]\s+", "", text)  # "Saturday's indoor netball final" with the day blanked
    words = text.split()
    while words and words[-1].lower().strip(",.") in _STOP_AT_END:
        words.pop()
    while words and words[0].lower() in {"and", "y", "und", "et", "e", "but", "pero", "aber",
                                         "mais", "mas", "then", "luego", "dann", "puis", "-", "–"}:
        words.pop(0)
    text = " ".join(words)[:80].strip(" ,.;:-–—")
    return text[:1].upper() + text[1:] if text else text


# ------------------------------------------------------------------------- where

_HOST = re.compile(r"(?:casa d[eoa]s?|chez|bei|lo de|donde)\s*$", re.I)
_OF = re.compile(r"\s(?:de|del|de la|du|des|d'|da|do|dos|das|of)\s", re.I)
# A closing formula: the line it opens says who wrote, not where ("Cordialement, Cabinet
# Lemoine Immobilier", "Avec nos meilleures salutations, la direction", "Un saludo, Rocío").
_SIGN_OFF = re.compile(
    r"\W*(?:cordialement|bien (?:à vous|cordialement)|(?:avec )?(?:nos |mes )?(?:meilleures |sincères )?"
    r"salutations|(?:kind |best |warm )?regards|best wishes|many thanks|thanks|cheers|yours|"
    r"mit freundlichen grüßen|(?:freundliche|viele|liebe|beste) grüße|lg|mfg|(?:un )?saludos?|"
    r"atentamente|cordiales saludos|abraços?|atenciosamente|cumprimentos|beijos?|bisous|bises|"
    # a signature of its own: "La Direction", "Die Schulleitung", "Euer Kita-Team Sonnenblume"
    r"la direction|the management|die (?:direktion|schulleitung|leitung)|la direcci[oó]n|a dire[çc][ãa]o|"
    r"the committee|le comité|el comité|o comité|(?:euer|eure|your|votre|vuestro) [\w-]*team)\b",
    re.I)
_NOT_A_PLACE = re.compile(
    r"www\.|https?:|@|!|\?|\b(?:entry|tickets?|free|admission|refreshments|all welcome|entrada|"
    r"gratis|libre|donativo|eintritt|frei|kostenlos|entrée|gratuit|ingresso|grátis|comidas|tel|"
    r"call|ligue|llama|anruf|reply|responda|répondez|antworten|contesta|cancel|anular|annuler|"
    r"absagen|cancelar)\b",
    re.I,
)
_PLACE_STOP = re.compile(
    r"\s+(?:and|to|for|with|at|on|y|para|con|a las|und|mit|um|ab|et|pour|avec|à|e|com|para|às|"
    r"because|due|por|wegen|porque|de\s+\d|from|from\s+\d|tomorrow|mañana|morgen|demain|zu|"
    r"a partir|à partir|desde|dès|statt|instead|en vez|au lieu|em vez|"
    r"amanhã|today|hoy|heute|hoje|"
    # "Grand Anse est avancé"; a verb is lower-case: "São Pedro", "Will's Bar" are names
    r"(?-i:is|are|was|will|est|sont|sera|es|son|será|ist|sind|wird|é|são|fica|passa|passou|vai|passe|pasa|pasó|"
    # "le camp aux Pâquis aura lieu", "na Serra da Arrábida não se faz", "in Leeds get handed over"
    r"aura|auront|a lieu|ne|n['’]|não|nao|not|isn['’]t|won['’]t|nicht|get|gets|got)|"
    # a number, but not a date in a street's name ("plaza 25 de Mayo", "Rua 7 de Setembro")
    r"\d(?!\d?\s+d[eoa]\s+(?-i:[A-ZÁÉÍÓÚ])))\b.*$",
    re.I,
)


# A reason comes with its own place ("por obras en la tubería", "wegen Bauarbeiten im Hof").
_REASON_BEFORE = re.compile(r"\b(?:because of|due to|por|porque|wegen|weil|à cause d\w*|pour cause d\w*|"
                            r"por causa d\w*|devido a)\s+(?:\w+\s+){0,2}$", re.I)
_ONLINE = {"portal", "website", "site", "app", "zoom", "teams", "meet", "online", "link", "form",
           "page", "group", "chat", "email", "spreadsheet", "sheet", "doc"}


# Where a place phrase ends: punctuation, but not the dot of "M. Dupont" or "Dr. Brandt".
_PLACE_END = re.compile(r"[,!?;:\n()]|(?<!\b[A-Z])(?<!\bDr)(?<!\bSt)(?<!\bMme)(?<!\bMr)(?<!\bMrs)"
                        r"(?<!\bSr)(?<!\bSra)(?<!\bDra)(?<!\bAv)\.|\s[-–—]\s")  # "na Av. Paulista"


def cut_place(phrase: str, g: Grammar) -> str:
    phrase = _PLACE_END.split(phrase)[0]
    inner = g.place.search(phrase, 1)
    if inner is not None and not g.place_noun.search(phrase[:inner.start()]) \
            and g.place_noun.search(inner.group(1)):
        phrase = phrase[:inner.start()]  # "aux œufs dans le jardin": the garden is the place
    phrase = _PLACE_STOP.sub("", " " + phrase).strip()
    joined = g.conjunction.search(phrase)  # "au stade car il pleut" (the language's own words)
    if joined and joined.start() > 0:
        phrase = phrase[:joined.start()].strip()
    words = phrase.split()
    while words and (g.date_words.fullmatch(words[-1]) or words[-1].lower() in _STOP_AT_END) \
            and not _DATE_IN_NAME.fullmatch(" " + " ".join(words[-3:])):  # "plaza 25 de Mayo"
        words.pop()
    return " ".join(words)


def looks_like_place(phrase: str, g: Grammar) -> bool:
    phrase = phrase.strip()
    if not phrase or phrase[0].isdigit() or g.date_words.match(phrase):
        return False
    head = _OF.split(phrase)[0]  # "salle des fêtes" yes; "moules de l'école" no
    words = head.split()
    if not words:
        return False
    headed = bool(g.place_noun.fullmatch(words[0]) or g.place_noun.search(words[-1]))  # "meeting room"
    headed = headed or (len(words) >= 2 and all(w[:1].isupper() for w in words))  # "Tony's Pizza"
    closed = g.closure.search(phrase) and not g.place_noun.fullmatch(words[0])  # "la ferme": a farm
    if (g.event_noun.search(phrase) and not headed) or g.pm.fullmatch(phrase) or g.am.fullmatch(phrase) \
            or closed or _NOT_PLACE_HEADS.match(phrase):
        return False  # "at practice", "beim Umzug", "in the evening", "in den Herbstferien"
    if g.t.code == "de" and (_GERMAN_VERB_LAST.search(phrase) or _GERMAN_DAY.fullmatch(words[-1])):
        return False  # "zum Netz aufbauen": what for, not where; "am Bettag": a day
    return phrase[0].isupper() or bool(g.place_noun.search(head))


# German nouns are capitalised: a lower-case infinitive closing the phrase makes it a purpose.
_GERMAN_VERB_LAST = re.compile(r"\s(?:[a-zäöüß]+(?:en|ern|eln))$")
_GERMAN_DAY = re.compile(r"[A-ZÄÖÜ][a-zäöüß]*tag")


# A preposition with an article ("at the", "en la", "im", "dans la", "na") before a noun
# phrase is a place, even a lower-case one ("at the clubhouse", "dans la cour").
_STRONG_PREP = re.compile(
    r"^(?:at the|in the|on the|outside the|by the|near the|next to the|behind the|en el|en la|en los|"
    r"en las|al|a la|im|in der|in den|"
    r"ins|auf dem|auf der|beim|zum|zur|vor der|vor dem|an der|au|à la|à l'|dans la|dans le|"
    r"dans l'|devant la|devant le|devant l'|sur la|no|na|nos|nas|ao)(?:(?<=['’])|\s+)$", re.I)
_NOT_PLACE_HEADS = re.compile(
    r"^(?:moment|end|latest|least|meantime|beginning|start|same|weekend|week|month|year|time|"
    r"morning|evening|afternoon|night|final|fin|final|momento|semana|mes|año|hora|tarde|noche|"
    r"mañana|woche|monat|jahr|zeit|abend|morgen|nacht|moment|semaine|mois|année|heure|soir|"
    r"matin|journée|semana|mês|ano|hora|manhã|noite|tarde|verdade|vez|fois|mal|last|first|"
    r"next|general|total|principio|inicio|início|début|anfang|ende|schluss|cours|mean|dia|día|"
    r"tag|jour|day|way|idea|list|group|chat|plan|meantime|minute|hour|top|bottom|back|front|"
    r"tous|todos|todas|alle|all|everyone|lot|rest|resto|reste|lieu|place to|same|door|wall|fridge|"
    r"website|app|list|board|noticeboard|group|link|email|mail|phone|"
    r"même|mesmo|mesma|misma|mismo|gleiche[nrs]?|selbe[nrs]?)\b", re.I)  # "same venue", "même heure"


def _placeable(ctx: Context, blanks: list[tuple[int, int]]) -> str:
    """The text with every date and time turned into a line break, so a place phrase stops
    where they start ("in the library all next week")."""
    if "placeable" not in ctx.memo:
        chars = list(ctx.text)
        for a, b in blanks:
            chars[a:b] = "¦" * (b - a)
        ctx.memo["placeable"] = "".join(chars)
    return ctx.memo["placeable"]


def location_for(ctx: Context, clause: Clause, d: DateMention, t: TimeMention | None,
                 blanks: list[tuple[int, int]]) -> str | None:
    """Where (see `_place_for`); a street address in the event's sentence beats none, or a
    home said without one ("at ours ... flat 4, 22 Albion Road")."""
    place = _place_for(ctx, clause, d, t, blanks)
    what = _APPOINTMENT_FOR.search(ctx.text, clause.segment[0], clause.segment[1])
    if place is not None and what is not None and place.lower() in what.group(1).lower():
        place = None  # "Termin zur Auffrischimpfung": what the appointment is for, no place
    if place is not None and "¦" in place:
        place = _without_blanks(ctx, place, blanks)
    if place is not None and not _HOME.fullmatch(place):
        return place
    s0, s1 = clause.segment
    for start, end in [(min(s0, clause.start), max(s1, clause.end)), *clause.extras]:
        address = _ADDRESS.search(ctx.text, start, end)
        if address:
            return _tidy(address.group(0))
    return place


def location_for_line(g: Grammar, line: str) -> str | None:
    """The place a line of its own names: "Entrenan 18:30 en el CUBA", "saída 6h50 da portaria"."""
    for pattern in (g.place, g.place_after_time):
        for m in pattern.finditer(line):
            phrase = cut_place(m.group(1), g)
            if phrase and looks_like_place(phrase, g):
                return phrase
    return None


def _a_note_line(line: str, g: Grammar) -> bool:
    """'Tauschen bitte selbst untereinander klären', 'Merci de prévenir si empêchement', 'No
    convocados: Pablo (lesión)': a line that is a sentence or a labelled list, not a place. A
    place line is a name ("Gemeindesaal St. Josef") or holds a place noun ("Salle polyvalente du
    village"); a note runs on in lower-case words (German nouns aside), or labels what follows."""
    if re.search(r"\w\s*:\s*\S", line) or line.rstrip()[-1:] in "!?":
        return True
    words = re.findall(r"[^\W\d_][\w'’-]*", line)
    lower = sum(w[:1].islower() for w in words[1:])
    return len(words) >= 4 and lower >= 0.6 * (len(words) - 1) and not g.place_noun.search(line)


def _without_blanks(ctx: Context, place: str, blanks: list[tuple[int, int]]) -> str | None:
    """A place read across a blanked date or time: a number inside a name is the name's ("sala
    B2.03" read as a time), so it comes back as written; a date or time between words is none of
    the place, which is what follows it ("Lab meeting is Thursday 3pm in Rm 412")."""
    at = _placeable(ctx, blanks).lower().find(place.lower())
    if at >= 0 and re.search(r"\w¦|¦\w", place):
        return _tidy(ctx.text[at:at + len(place)])
    rest = place.rsplit("¦", 1)[1].strip()
    phrase = ctx.g.place.match(rest)
    return cut_place(phrase.group(1) if phrase else rest, ctx.g) or None


# A street address: "22 Albion Road", "Pentonville Rd", "Schönhauser Allee 112", "Lindenstr. 5",
# "12 rue Oberkampf", "calle Mayor 5", "Rua Augusta, 120"
_ADDRESS = re.compile(
    r"\b\d{1,4}[a-z]?,?\s+(?:[A-Z][\w'’-]+\s+){1,3}(?:Road|Rd|Street|St|Avenue|Ave|Lane|Ln|Drive|Way|Close|"
    r"Crescent|Terrace|Boulevard|Blvd)\b\.?|"
    r"\b(?:[A-Z][\w'’-]+\s+){1,2}(?:Road|Rd|Street|St(?!\.?\s+[A-Z])|Avenue|Ave|Lane|Boulevard|Blvd)\b\.?|"
    r"\b[A-ZÄÖÜ][\wäöüß-]*(?:straße|strasse|str\.|gasse|weg|allee|platz|ring|damm|ufer)\s*\d{1,4}[a-z]?\b|"
    r"\b[A-ZÄÖÜ][\wäöüß-]+\s+(?:Allee|Straße|Strasse|Weg|Platz|Gasse|Ring|Damm|Ufer)\s+\d{1,4}[a-z]?\b|"
    r"\b\d{1,4}(?:\s*bis)?,?\s+(?:rue|avenue|boulevard|bd|chemin|allée|impasse|quai)\s+(?:[\w'’-]+\s?){1,4}|"
    r"\b(?:calle|avenida|avda\.|paseo|rua|avenida|travessa|alameda)\s+(?:[A-ZÁÉÍÓÚ][\w'’-]*\s?){1,3},?\s*\d{1,4}\b")
# A home said by whose it is, which an address says better
_HOME = re.compile(r"(?:ours|mine|my place|our place|home|my house|our house|casa|mi casa|nuestra casa|"
                   r"nossa casa|minha casa|bei uns|bei mir|zu hause|chez nous|chez moi|(?:à )?la maison|"
                   r"maison)", re.I)


def _place_for(ctx: Context, clause: Clause, d: DateMention, t: TimeMention | None,
               blanks: list[tuple[int, int]]) -> str | None:
    """Where: a place phrase in the clause, a place named by its noun ("salle 204", "place
    de la mairie"), a piece of the clause that is a place, else (on a flyer) the first plain
    line after the date."""
    text = _placeable(ctx, blanks)
    timed = _timed_piece_place(ctx, text, clause, t) if t is not None else None
    if timed:
        return timed  # "Kirchweih in Hermannstadt: der Aufmarsch ist Sonntag um 10 vor der Kirche"
    for start, end in [(clause.start, clause.end), *clause.extras]:
        candidates = []
        for m in ctx.g.place.finditer(text, start, end):
            found = _phrase_place(ctx, text, m, start)
            if found and _TOWARDS_HERE[ctx.g.t.code].search(text[m.start():m.start(1)]):
                # "La lancha a Isabela sale ... del muelle": where it goes; where it leaves from
                # is where people are
                found = _departure_place(ctx, text, clause) or found
            if found and not ctx.g.place_noun.search(found):
                found = _venue_before(ctx, text, m, start) or found
            if found:
                candidates.append((m.start(), found))
        if candidates:
            # "La misa a la chilena es ... en la iglesia de Hanga Roa": a phrase that names a
            # place by its noun beats an earlier one that only looks like a place, in the same
            # piece ("Spiel in Köpenick, Abfahrt am Vereinsheim" is where the game is)
            first_at, first = candidates[0]
            for at, found in candidates[1:]:
                if re.search(_PIECE_MARKS, text[first_at:at]) or ctx.g.conjunction.search(text, first_at, at):
                    break
                if ctx.g.place_noun.search(found) and not ctx.g.place_noun.search(first):
                    return found
            return first
        named = _named_place(ctx, text[start:end])
        if named:
            return named
        meet = _MEET_AT_NAME.search(text, start, end)
        if meet and not ctx.g.date_words.match(meet.group(1)):
            return _tidy(meet.group(1))  # "meet Shau Kei Wan MTR exit A3": where, with no preposition
        for m in ctx.g.place_after_time.finditer(text, start, end):
            phrase = cut_place(m.group(1), ctx.g)
            if phrase and looks_like_place(phrase, ctx.g) and ctx.g.place_noun.search(phrase):
                return phrase  # "départ 8h15 de la gare de Morges", "Treffpunkt 10 Uhr Bahnhof"
    sender = _sender_place(ctx)
    if sender and sender[1] <= d.start:
        return sender[0]  # "Garage Meier AG: Grüezi Herr Brunner, Ihr Termin ... am Sa, 27.10."
    departure = _departure_place(ctx, text, clause)
    if departure:
        return departure  # only when nothing else names a place: "Spiel ... in Köpenick, Abfahrt ..."
    shared = _shared_place(ctx, text, clause)
    if shared:
        return shared
    piece = _place_piece(ctx, clause, [(d.start, d.end)] + ([(t.start, t.end)] if t else []))
    if piece:
        return piece
    next_place = _next_segments_place(ctx, clause)
    if next_place:
        return next_place
    if ctx.flyer:
        end = max(d.end, t.end if t else 0, clause.end, *(b for _a, b in clause.extras))
        lines = text[end:].splitlines()
        for line in lines[0 if text[end - 1:end] == "\n" else 1:]:
            line = line.strip()
            if "¦" in line or _SIGN_OFF.match(line):
                break  # the next date's line, or the sign-off: this event's lines are over
            if line and len(line) <= 60 and not _NOT_A_PLACE.search(line) and not line[:1].isdigit() \
                    and not ctx.g.date_words.search(line) and not ctx.g.event_noun.search(line) \
                    and not re.search(r"\d{1,2}[:.h]\d{2}|\d\s*(?:am|pm)", line, re.I) \
                    and not _a_note_line(line, ctx.g):
                return _tidy(line)
    return None


# A pasted notice's sender, at the start of the message or of its quotation: "Fwd: Bright
# Smiles Dental: Hi Dana, ...", "Weitergeleitet: 'Zahnarztpraxis Dr. Novak: Ihr Termin ...'".
_SENDER = re.compile(r"(?:^|^[^:\n]{0,40}:\s*['\"“‘«»„]?\s*)([A-ZÁÉÍÓÚÀÂÊÔÃÕÇÄÖÜ][\w'’.&-]*"
                     r"(?:[ \t]+[\w'’.&-]+){1,5}?)[ \t]?:[ \t]+\S")
# The words that make a sender a place one goes to (beside every language's place nouns).
_BUSINESS = re.compile(r"\b(?:dental|dentaire|dentist\w*|garage|oficina|taller|autoservicios?|"
                       r"veterin\w+|vétérinaire|\w*praxis|clinic|surgery|pharmacy|farmacia|"
                       r"pharmacie|farmácia|salon|salão|peluquería|friseur|optician|óptica)\b", re.I)


# A sender that announces ("ESCOLA MUNICIPAL ... INFORMA:", "Comunicado da Escola ...:") speaks
# for the events it lists, wherever they are; a booking's sender ("Garage Meier AG:") is a place.
_ANNOUNCER = re.compile(r"^(?:comunicado|aviso|circular|mensagem|mensaje|message|info|nota|note|"
                        r"mitteilung|rappel|recordatorio|lembrete|reminder|notice)\b|"
                        r"\b(?:informa|informam|comunica|avisa|informs|teilt mit|vous informe)$", re.I)


def _sender_place(ctx: Context) -> tuple[str, int] | None:
    """The sender of a pasted notice when it names a place by a proper name and its noun
    ("Veterinaria Patitas", "Oficina Auto Kinaxixi", "Clinique dentaire du Plateau"), with
    where it ends; a greeting ("Hi all:") or a bare noun ("Vet reminder:") is no place."""
    if "sender_place" in ctx.memo:
        return ctx.memo["sender_place"]  # type: ignore[no-any-return]
    found = None
    m = _SENDER.match(ctx.text)
    if m:
        name = m.group(1).strip()
        words = name.split()
        proper = [w for w in words[1:] if w[:1].isupper()]
        named = _BUSINESS.search(name) or any(ctx.g.place_noun.fullmatch(w.lower()) for w in words)
        if proper and named and not _ANNOUNCER.search(name):
            found = (name, m.end(1))
    ctx.memo["sender_place"] = found
    return found


def place_said_before(ctx: Context, position: int) -> str | None:
    """The last place a place phrase names before `position` ("courts at Lane Cove are
    waterlogged. Grand final is still Sat 7 June, same courts")."""
    text = _placeable(ctx, [])
    found = None
    for m in ctx.g.place.finditer(text, 0, position):
        found = _phrase_place(ctx, text, m, 0) or found
    return found


def _phrase_place(ctx: Context, text: str, m: re.Match[str], start: int) -> str | None:
    """The place a place phrase (`ctx.g.place` match) names, if it names one."""
    phrase = cut_place(m.group(1), ctx.g)
    if not phrase or _REASON_BEFORE.search(text[max(start, m.start() - 24):m.start()]):
        return None  # "se corta el agua ... por obras en la tubería": where the reason is
    if ctx.g.am.fullmatch(phrase) or ctx.g.pm.fullmatch(phrase):
        return None  # Swiss "am Morge": in the morning, no place
    if _NOT_THERE.search(text, max(start, m.start() - 14), m.start()):
        return None  # "net im Kino Bosna sondern in da Pivnica": not there
    prep = text[m.start():m.start(1)]
    if ctx.g.t.code == "en" and (phrase.lower().split()[0] in _ONLINE
                                 or (prep.strip().lower() == "on" and not phrase[:1].isupper()
                                     and not _ON_THE_PLACE.match(text, m.start(1)))):
        return None  # "sign up on the portal", "on our road"; but "on Elm St", "on the lawn"
    if re.fullmatch(r"sur (?:le|l['’])\s*", prep.strip(), re.I) and not ctx.g.place_noun.match(phrase):
        return None  # "sur le parking" is a place, "sur le GR34" the walk's trail
    host = _HOST.search(prep)
    if host and not ctx.g.date_words.match(phrase) and not ctx.g.event_noun.search(phrase):
        return f"{host.group(0).strip()} {phrase}"  # "chez Paul", "en casa de los abuelos"
    if looks_like_place(phrase, ctx.g):
        return _placed(ctx, text, m, phrase)
    named = _named_place(ctx, phrase)
    if named and phrase.startswith(named):  # not the "club de foot" of "aux moules du club"
        return named
    if _STRONG_PREP.match(prep) and _plain_noun_phrase(phrase, ctx.g):
        return phrase
    return None


_BOTH = re.compile(r"\b(?:both|all|todos|todas|ambos|ambas|alle|beide|tous|toutes|les deux)\s+", re.I)


def _shared_place(ctx: Context, text: str, clause: Clause) -> str | None:
    """'prelims this evening 7.30, finals day after tomorrow 8pm, both at the Indian School
    auditorium': a place said of every event of the sentence."""
    for m in _BOTH.finditer(text, clause.start, clause.segment[1]):
        place = ctx.g.place.match(text, m.end())
        if place is not None:
            found = _phrase_place(ctx, text, place, m.end())
            if found:
                return found
    return None


def _venue_before(ctx: Context, text: str, m: re.Match[str], start: int) -> str | None:
    """'clinique du Dr Samir à Zamalek', 'restaurante macaense na Julu Lu': a piece that opens
    with a venue before the town it is in names the venue, with its town."""
    left = max((x.end() for x in _TIME_PIECE_MARKS.finditer(text, start, m.start())), default=start)
    before = text[left:m.start()].strip(" ¦")
    if not before or "¦" in before or len(before.split()) > 5 or not ctx.g.place_noun.match(before):
        return None
    return _tidy(text[left:m.end(1)].strip(" ¦"))


_NOT_THERE = re.compile(r"\b(?:not|nicht|net|ned|nöd|pas|não|nao|no|non)\s+(?:(?:at|in|en|au|à|na|no)\s+)?$",
                        re.I)
_TIME_PIECE_MARKS = re.compile(r"[,;:!?()\n]|\s[-–—]\s")
# Where people go, not where they are: "zum Annaberg", "to the coast", "pra praia", "a Isabela"
_TOWARDS = re.compile(r"\b(?:zum|zur|nach|to|towards|para|pra|pro|hacia|vers|rumo)\b", re.I)
_TOWARDS_HERE = {code: re.compile(rf"^\s*(?:{words})\s*$", re.I) for code, words in {
    "en": "to|towards", "es": "a|hacia|para", "de": "zum|zur|nach", "fr": "vers|pour",
    "pt": "a|para|pra|pro|rumo a"}.items()}
# A piece that says where people meet or leave from: "rendez-vous 8h devant l'église"
_MEETING = re.compile(r"\b(?:meet\w*|leav\w+|depart\w*|carpool|pick[- ]?up|rendez-vous|rdv|départ|"
                      r"part(?:ent|ons)?|treffpunkt|treffen uns|abfahrt|fahren|fährt|sale|salen|salida|"
                      r"salimos|nos juntamos|encuentro|sai|saem|saída|saimos|encontro|concentração)\b", re.I)


def _timed_piece_place(ctx: Context, text: str, clause: Clause, t: TimeMention) -> str | None:
    """Where the event's hour is, when its piece of the clause names a place of its own and an
    earlier piece names another: the place that goes with the hour is where people are then
    ('Kirchweih in Bautzen: Sonntag ab 11 Uhr Frühschoppen am Festplatz', 'Fish fry in Anse La
    Raye Friday night, carpool leaving Castries market 6pm', 'Wallfahrt zum Annaberg am
    Sonntag, wir fahren um 6 Uhr vom Marktplatz ab')."""
    s0, s1 = clause.segment
    left = max((m.end() for m in _TIME_PIECE_MARKS.finditer(text, s0, t.start)), default=s0)
    right = min((m.start() for m in _TIME_PIECE_MARKS.finditer(text, t.end, s1)), default=s1)
    if left <= max(s0, clause.start) and right >= min(s1, clause.end):
        return None  # the hour's piece is the whole clause: the usual reading finds its place
    earlier = [m for m in ctx.g.place.finditer(text, s0, left) if cut_place(m.group(1), ctx.g)]
    if not earlier:
        return None  # no other place said before: nothing to choose between
    first = earlier[0]
    towards = _TOWARDS.search(text[first.start():first.start(1)])
    if not (towards or _MEETING.search(text, left, right)) \
            and ctx.g.place_noun.search(cut_place(first.group(1), ctx.g)):
        return None  # "Sundowner at the yacht club Friday, 5.30 on the deck": the club it is
    piece = Clause(left, right, clause.segment, clause.dates, clause.times)
    departure = _departure_place(ctx, text, piece)
    if departure:
        return departure
    for m in ctx.g.place.finditer(text, left, right):
        found = _phrase_place(ctx, text, m, left)
        if found:
            return found
    return None


# Where a departure leaves from is where people meet, not where they go: "Ferry to Hoy leaves
# Houton at 0915", "Le car rapide pour Thiès part à 6h du garage Pompiers", "départ 7h du
# débarcadère", "A barca pra Marajó sai às 6h30 de sexta do porto de Icoaraci", "salimos de la
# ermita", "Abfahrt 9 Uhr am Bahnhof Altenkirchen".
_DEPARTURE = re.compile(
    r"(?<!de )(?i:\b(?:leaves?|leaving|departs?|departing|part|partent|départ|sai|saem|saímos|salimos|"
    r"sale|salen|salida|abfahrt|fährt|fahren)\b)([^,;.!?\n]{0,36}?)\s"
    r"(?i:(?:from|du|de la|de l['’]|des|do|da|dos|das|de|del|desde|ab|am|vom|von|beim)\s+)"
    # "sale a las 6 de la mañana del parque": the part of the day is no place, the park is
    r"(?!(?i:(?:la |a )?(?:mañana|tarde|noche|madrugada|manhã|noite|matin|soir)\b))"
    r"((?:(?:la|l['’])\s*)?[^\W\d_][\w'’.&-]*"
    r"(?:[ \t](?:de |do |da |of )?[A-ZÁÉÍÓÚÀÂÊÔÃÕÇÄÖÜ][\w'’.&-]*){0,3})")
# English leaves a place with no preposition: "leaves Houton at 0915"
_DATE_IN_NAME = re.compile(r"\s+\d{1,2}\s+d[eoa]\s+(?-i:[A-ZÁÉÍÓÚ])\w+")
_LEAVES_THE = re.compile(r"\b(?:leaves|leaving|departs|departing)\s+the\s+([\w'’ -]{2,30}?)"
                         r"(?=\s*(?:¦|at\b|@|\d|on\b|,|\.|!|$))", re.I)
_LEAVES_NAME = re.compile(r"\b(?:leaves|leaving|departs|departing)\s+"
                          r"([A-Z][\w'’.-]*(?:[ \t](?:[A-Z][\w'’.-]*|market|station|church|school|hall|"
                          r"square|wharf|jetty|pier|car park)){0,3})")


def _departure_place(ctx: Context, text: str, clause: Clause) -> str | None:
    """The place a departure leaves from, when the phrase after it names one."""
    for m in _DEPARTURE.finditer(text, clause.start, clause.end):
        if not re.fullmatch(r"(?:[\s¦]|\b(?:at|à|às|as|a las|um|de|on|le|el|früh|morgens|en punto|"
                            r"sharp|pile|pünktlich|da manhã|de la mañana)\b)*", m.group(1), re.I):
            continue  # "sale el primer bus ...": words of its own between, not just the hour
        phrase = cut_place(m.group(2), ctx.g)
        if phrase and not ctx.g.date_words.match(phrase) \
                and (ctx.g.place_noun.search(phrase) or not ctx.g.event_noun.search(phrase)):
            named = _DATE_IN_NAME.match(text, m.end(2))  # "desde la plaza 25 de Mayo"
            return _tidy(phrase + (named.group(0) if named and text[m.start(2):m.end(2)].strip() == phrase
                                   else ""))  # what a departure leaves from is a place by that alone
    if ctx.g.t.code == "en":
        for m in _LEAVES_NAME.finditer(text, clause.start, clause.end):
            if not ctx.g.date_words.match(m.group(1)):
                return _tidy(m.group(1))
        for m in _LEAVES_THE.finditer(text, clause.start, clause.end):
            if ctx.g.place_noun.search(m.group(1)):
                return m.group(1).strip()  # "bus leaves the school 6:15am", "leaves the jetty at 8.30"
    return None


# A meeting point named straight after its word, capitalised: "meet Shau Kei Wan MTR exit A3".
_MEET_AT_NAME = re.compile(
    r"(?i:\b(?:meet|meeting point|treffpunkt|rdv|rendez-vous|ponto de encontro|punto de encuentro)"
    r"\s*:?\s+)((?:[A-ZÁÉÍÓÚÀÂÊÔÃÕÇÄÖÜ][\w'’.-]*[ \t]?){2,5})")  # one word may be a person: "meet Santa"


def _next_segments_place(ctx: Context, clause: Clause) -> str | None:
    """A pasted SMS names the place in a sentence of its own after the time ("Turno: 31/3
    16:15 hs. Consultorio Dra. Pérez"): a named place in one of the two next sentences."""
    after = [(a, b) for a, b in segments(ctx.text) if a >= clause.segment[1]][:2]
    for a, b in after:
        text = ctx.text[a:b]
        if _SIGN_OFF.match(text):
            break  # "Cordialement, Cabinet Lemoine Immobilier": who writes, the message is over
        if len(text.split()) <= 8 and not ctx.g.date_words.search(text):
            named = _named_place(ctx, text)
            if named:
                return named
        said = _PLACE_SAID.match(text)
        phrase = ctx.g.place.match(text, said.end()) if said else None
        found = cut_place(_THIS_TIME.sub("", phrase.group(1)), ctx.g) if phrase is not None else ""
        if found and looks_like_place(found, ctx.g):
            # "Allotment committee meeting is Tuesday at half seven. We're in the back room of
            # Doyle's this time", "C'est au Centre nautique de Pornic", "He reservado en Casa Lucio"
            return found
    return None


_THIS_TIME = re.compile(r"\s+(?:this time|for once|esta vez|cette fois(?:-ci)?|diesmal|dieses mal|"
                        r"desta vez)\b.*$", re.I)
# A sentence that says where: "We're in ...", "It's at ...", "C'est au ...", "Vai ser no ...",
# "Wir sind im ...", "He reservado en ..."
_PLACE_SAID = re.compile(
    r"\W*(?:it['’]s|it is|it will be|it['’]ll be|we['’]re|we are|we['’]ll be|c['’]est|ce sera|"
    r"ça se passe|será|es|estamos|vai ser|fica|é|wir sind|es ist|ist|findet|"
    r"(?:i['’]ve |we['’]ve |he |hemos |j['’]ai |on a |ich habe |wir haben |eu )?"
    r"(?:booked|reservado|réservé|reserviert|reservei|reservamos|gebucht))\s+"
    r"(?:(?:(?:a|une|um|uma|una|einen|ein) )?(?:table|mesa|tisch) )?(?=\S)", re.I)


_ARTICLE = re.compile(r"\b(?:La|Le|El|Les|Los|Las|Der|Die|Das|The|O|A|Os|As)\s+$")


_ON_THE_PLACE = re.compile(r"the\s+(?:lawn|green|pier|quay|beach|pitch|field|court|common|square|slipway)\b",
                           re.I)


# A German preposition capitalised inside a sentence opens a street's name: "Am Sande", "Im Tal".
_NAMED_BY_PREP = re.compile(r"(?-i:Am|Im|An der|An den|Auf dem|Auf der|Zum|Zur)\s")


def _placed(ctx: Context, text: str, m: re.Match[str], phrase: str) -> str:
    """A place phrase with what names it too: its number ('field 2'), a capitalised article
    that is part of the name ('La Tagliatella'), the place noun before it ('Sportplatz an der
    Lindenstraße')."""
    phrase = _with_number(ctx, text, m.start(1) + len(phrase), phrase)
    article = _ARTICLE.search(text, m.start(), m.start(1))
    if article:
        phrase = article.group(0).strip() + " " + phrase
    elif _NAMED_BY_PREP.match(text, m.start()) and ctx.g.t.code == "de" \
            and re.search(r"[,\w]\s*$", text[max(0, m.start() - 3):m.start()]):
        phrase = text[m.start():m.start(1)].strip() + " " + phrase  # "..., Am Sande 4": a street
    before = text[max(0, m.start() - 30):m.start()].split()
    if before and ctx.g.place_noun.fullmatch(before[-1].lower()):
        phrase = f"{before[-1]} {text[m.start():m.start(1)].strip()} {phrase}"
    return phrase


_PLACE_NUMBER = re.compile(r"\s+(\d{1,4}[a-zA-Z]?)\b(?![:.h]\d|\s*(?:am|pm|uhr|h\b|hs\b))")
_PLACE_NUMBER_DE = re.compile(r"\s+(\d{1,4}[a-zA-Z]?)\b(?![:.h]\d|\s*(?:uhr|h\b))")


def _with_number(ctx: Context, text: str, end: int, phrase: str) -> str:
    """'Riverside Park field 2', 'Raum 104', 'Steg 3 am ...': a place noun keeps the number that
    names it (German 'am' is no meridiem)."""
    number = (_PLACE_NUMBER_DE if ctx.g.t.code == "de" else _PLACE_NUMBER).match(text, end)
    if number and ctx.g.place_noun.search(phrase.split()[-1]):
        return f"{phrase} {number.group(1)}"
    return phrase


def _plain_noun_phrase(phrase: str, g: Grammar) -> bool:
    """'clubhouse', 'cour', 'parroquia', 'local de la asociación': one to three words before
    any 'of ...', no time-of-day or filler head."""
    words = _OF.split(phrase)[0].split()
    return 1 <= len(words) <= 3 and len(words[0]) >= 3 and words[0][0].isalpha() \
        and not _NOT_PLACE_HEADS.match(phrase) and not g.event_noun.search(phrase) \
        and not g.date_words.match(phrase) and not g.closure.search(phrase)


def _named_place(ctx: Context, text: str) -> str | None:
    """'salle 204', 'sala 3', 'Raum 104', 'Praxis Dr. Brandt', 'place de la mairie', 'Centro
    de Salud Delicias': a place noun with its number, name or 'of ...'."""
    for m in ctx.g.named_place.finditer(text):
        if _NEGATED.match(m.group(0)):
            return None  # "No Hebrew school" names no place
        if _NOT_THERE.search(text, max(0, m.start() - 18), m.start()) \
                or _NOT_THERE.search(text, max(0, m.start() - 18), max(0, m.start() - 3)):
            continue  # "net im Gasthaus Post sondern in da Krone"
        return re.sub(r"[\s.,]+$", "", m.group(0)).strip()
    return None


_NEGATED = re.compile(r"(?:no|not|pas|kein\w*|nicht|não|nao|sem|sin|sans)\b", re.I)


def _place_piece(ctx: Context, clause: Clause, spans: list[tuple[int, int]]) -> str | None:
    """'Thurs 5 Feb at 16:20, Smile Dental Care.': a comma piece of the clause, after the
    date, that is a place (a place noun, or a capitalised name) and no sentence."""
    marks = soft_boundaries(ctx.low, clause.start, clause.end, ctx.g)
    cuts = [clause.start] + [p for m in marks for p in m] + [clause.end]
    after = max(b for _a, b in spans)
    for a, b in zip(cuts[::2], cuts[1::2], strict=False):
        if a < after or ctx.text[a - 1:a] == "(":
            continue  # "(Consciência Negra)", "(Teamtag)": a note, not a place
        piece = ctx.text[a:b].strip(" .-–")
        words = piece.split()
        if not 1 <= len(words) <= 5 or _NOT_A_PLACE.search(piece) or any(c.isdigit() for c in piece[:1]) \
                or _NOT_PLACE_HEADS.match(piece):
            continue  # "..., same venue, same time": the place it had, none to name
        if ctx.g.event_noun.search(piece) or ctx.g.date_words.search(piece) or \
                ctx.g.closure.search(piece) or ctx.g.cancel.search(piece) or _NEGATED.match(piece):
            continue
        if ctx.g.place_noun.search(piece) or (len(words) >= 2 and all(w[:1].isupper() for w in words
                                                                    if w.isalpha() and len(w) > 2)
                                               and words[-1][:1].isupper()):
            return piece
    return None
