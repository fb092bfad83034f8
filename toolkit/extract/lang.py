"""Language data for the text event extractor.

One `LangTable` per language holds the words the resolver needs: weekday and month names,
relative day words, numbers for "in two weeks", day-period words that decide am/pm, the
prepositions that introduce a time or a place, event nouns (the "what"), and the cues that
mark a sentence as past or as a cancellation. The tables are plain data; `extract_text`
compiles them into regular expressions once per language.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class LangTable:
    """Every word list one language contributes. Words are lower case, accents kept."""

    code: str
    weekdays: dict[str, int]  # full names and safe abbreviations -> 0 (Monday) .. 6
    weekday_abbr: dict[str, int]  # ambiguous short forms, trusted only before a digit
    months: dict[str, int]
    relative_days: dict[str, int]  # "tomorrow" -> 1; phrases allowed
    evening_days: tuple[str, ...]  # words meaning "today, in the evening" ("tonight")
    next_words: tuple[str, ...]  # before a weekday: "next", "el próximo"
    next_after: tuple[str, ...]  # after a weekday: "prochain", "que vem"
    this_words: tuple[str, ...]
    next_week: tuple[str, ...]  # "nächste Woche" (+ weekday)
    in_words: tuple[str, ...]  # "in", "dentro de" (+ N days/weeks)
    day_units: tuple[str, ...]
    week_units: tuple[str, ...]
    numbers: dict[str, int]
    time_preps: tuple[str, ...]  # "at", "um", "à", "às", "a las": a bare number after is a time
    range_words: tuple[str, ...]  # "to", "bis", "al", "à", "às" between two times or dates
    from_words: tuple[str, ...]  # "from", "von", "de", "das": a range follows
    pm_words: tuple[str, ...]  # evening/afternoon/night: hours 1-11 are pm
    am_words: tuple[str, ...]  # morning: keep hours as they are
    noon_words: tuple[str, ...]
    half_before: tuple[str, ...]  # German "halb 8" = 7:30
    half_after: tuple[str, ...]  # "y media", "e meia", "et demie" = :30
    quarter_after: tuple[str, ...]
    day_preps: tuple[str, ...]  # before a bare day number: "on the", "el", "le", "dia", "am"
    place_preps: tuple[str, ...]
    place_nouns: tuple[str, ...]
    event_nouns: tuple[str, ...]
    plan_cues: tuple[str, ...]
    past_cues: tuple[str, ...]  # regular-expression fragments
    cancel_cues: tuple[str, ...]  # regular-expression fragments
    masks: tuple[str, ...] = field(default=())  # phrases that look like dates but are not
    evening_nouns: tuple[str, ...] = field(default=())  # "party at 8" is 20:00
    move_cues: tuple[str, ...] = field(default=())  # "moved from Tuesday to Thursday"
    compound_nouns: bool = False  # German: event nouns hide inside compounds


EN = LangTable(
    code="en",
    weekdays={
        "monday": 0, "mon": 0, "tuesday": 1, "tues": 1, "tue": 1, "wednesday": 2, "weds": 2, "wed": 2,
        "thursday": 3, "thurs": 3, "thur": 3, "thu": 3, "friday": 4, "fri": 4,
        "saturday": 5, "sunday": 6,
    },
    weekday_abbr={"sat": 5, "sun": 6},
    months={
        "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
        "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
        "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11,
        "nov": 11, "december": 12, "dec": 12,
    },
    relative_days={
        "today": 0, "tonight": 0, "tonite": 0, "this evening": 0, "this afternoon": 0,
        "this morning": 0, "tomorrow": 1, "tmrw": 1, "tmr": 1, "tmw": 1, "tomoz": 1,
        "tommorow": 1, "tommorrow": 1,  # as typed
        "2moro": 1, "2morrow": 1, "tomorow": 1, "day after tomorrow": 2,
        "the day after tomorrow": 2,
    },
    evening_days=("tonight", "tonite", "this evening"),
    next_words=("next", "coming", "this coming"),
    next_after=(),
    this_words=("this", "on"),
    next_week=("next week",),
    in_words=("in",),
    day_units=("day", "days"),
    week_units=("week", "weeks", "wks"),
    numbers={"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
             "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fourteen": 14,
             "fifteen": 15, "twenty": 20},
    time_preps=("at", "@", "from", "around", "about", "by", "till", "until", "starts at", "from about",
                "at like", "at about", "at around", "like around", "from like",
                "after", "kick off is", "kick off", "kick-off", "ko", "starts", "begins", "start", "moved to",
               "changed to", "pushed to", "pushed back to", "brought forward to", "now at", "now",
               "instead of"),
    range_words=("-", "to", "till", "until", "til", "and"),
    from_words=("from", "between", "btwn", "betw"),
    pm_words=("evening", "night", "tonight", "tonite", "afternoon", "arvo", "pm"),
    am_words=("morning", "breakfast"),
    noon_words=("noon", "midday", "lunchtime"),
    half_before=(),
    half_after=(),
    quarter_after=(),
    day_preps=("on the", "the", "on"),
    place_preps=("at the", "at", "@", "in the", "in", "outside the", "outside", "on the", "to the",
                 "from the", "on", "by the", "near the", "next to the", "behind the"),
    place_nouns=(
        "park", "school", "gym", "hall", "church", "library", "station", "cafe", "café",
        "pub", "club", "field", "pitch", "pool", "centre", "center", "house", "auditorium",
        "stadium", "office", "restaurant", "beach", "playground", "arena", "marshes",
        "ours", "our place", "my place", "our house", "room", "clubhouse", "block", "studio",
        "green", "common", "court", "courts", "rink", "track", "museum", "zoo", "farm", "theatre",
        "lawn", "boathouse", "slipway", "slip", "harbour", "quay", "pier",
        "theater", "surgery", "clinic", "hospital", "canteen", "staff room", "staffroom", "lab",
        "pavilion", "garden", "gardens", "hotel", "bar", "venue", "building", "campus", "square",
        "astro", "canteen", "practice surgery", "laboratory", "lab", "car park", "carpark", "classroom",
        "parking lot", "kindy", "marae", "rink", "street", "st", "road", "rd", "avenue", "ave", "lane",
        "boulevard", "chapel", "mosque", "temple", "synagogue", "lodge",
        "jetty", "wharf", "dock", "marina", "compound", "residence", "trailer",
    ),
    event_nouns=(
        "pajama day", "pyjama day", "field day", "picture day", "dress-up day", "book day",
        "spirit day", "non-uniform day", "training day", "fun day", "family day",
        "meeting", "practice", "training", "match", "game", "party", "dinner", "lunch",
        "breakfast", "brunch", "bbq", "barbecue", "picnic", "concert", "show", "rehearsal",
        "class", "lesson", "lessons", "appointment", "appt", "dentist", "doctor", "fair",
        "sale", "festival", "trip", "tournament", "session", "workshop", "service", "mass",
        "wedding", "ceremony", "assembly", "parents evening", "meetup", "drinks", "coffee",
        "movie", "film", "cinema", "football", "soccer", "netball", "rugby", "swimming",
        "hike", "playdate", "sleepover", "exam", "test", "recital", "performance", "camp",
        "market", "open day", "sports day", "disco", "quiz", "tryouts", "trials", "club",
        "book club", "choir", "scouts", "brownies", "cubs", "race", "run", "cross country",
        "movie night", "quiz night", "game night", "games night", "film night", "bingo night",
        "curry night", "karaoke night", "pizza night", "pizza", "takeaway", "5-a-side",
        "five-a-side", "footy", "girls night",
        "date night", "secret santa", "exchange", "flight", "meet", "term", "break", "camp",
        "holiday", "vacation", "closed", "inset day", "photos", "photo day", "reunion",
        "celebration", "shower", "funeral", "interview", "residential",
        "call", "gig", "play", "match day", "fundraiser", "raffle", "bake sale", "fete",
        "disco", "prom", "graduation", "potluck", "walk", "ride", "tour", "visit", "happy hour",
        "report card", "report cards", "reports evening", "offsite", "off-site", "retreat",
        "conference", "convention", "summit", "hackathon", "parade", "vigil", "regatta", "fireworks",
        "wake", "wake-keeping", "parkrun",
        "talk", "talks", "lecture", "seminar", "webinar", "presentation", "screening", "briefing",
        "night shift", "early shift", "late shift", "supper", "sing", "singalong", "sing-along",
        "induction", "orientation", "work party", "working bee", "clean-up", "cleanup",
    ),
    plan_cues=(
        "see you", "meet", "join us", "don't forget", "dont forget", "reminder", "come",
        "bring", "let's", "lets", "who's in", "rsvp", "please", "will be", "is on",
        "moved to", "starts", "leaves", "wanna", "shall we", "can we", "we're doing",
        "we're having", "we are having", "come over", "come round", "fancy", "anyone up for",
    ),
    past_cues=(
        r"yesterday", r"last (?:night|week|weekend|time|year|month|monday|tuesday|wednesday"
        r"|thursday|friday|saturday|sunday)", r"ago", r"was", r"were", r"went", r"met",
        r"had", r"did", r"played", r"lost", r"won", r"enjoyed", r"came", r"saw",
        r"got (?:home|back|there|in|here)",
        r"born", r"happened", r"loved", r"finished", r"arrived", r"watched",
        r"visited", r"celebrated", r"attended", r"missed", r"forgot", r"scored", r"took",
        r"ate", r"spent", r"bought", r"paid", r"was great", r"had fun", r"started", r"ended",
        r"left (?:it|them|this|that|his|her|my|our|their)",  # "left it at practice on Tuesday"
        # weather stops only what was due: "the parade got rained off on Saturday" is behind us
        r"(?:rained|snowed|frozen|washed) (?:off|out)",
    ),
    cancel_cues=(
        r"cancell?ed", r"cancell?ing", r"cancel", r"called off", r"postponed",
        r"(?:is|are|\w+'s) off", r"no (?:school|classes|club|nursery|lessons)",
        r"won'?t (?:happen|go ahead|take place)", r"(?:is|are|isn'?t|aren'?t) not happening",
        r"not happening", r"will not (?:happen|go ahead|take place)", r"no longer",
        r"no (?:[\w:.]+ ){0,2}(?:{nouns})", r"won't be (?:any )?(?:{nouns})",  # "No 4:30 practice today"
        r"there is no", r"there's no", r"there will be no", r"there won'?t be any",
        # "No drumming this Friday": an activity said not to happen ("no nothing" says nothing)
        r"no (?!(?:no)?thing\b|morning\b|evening\b|ring\b)[a-z]{2,}ing",
        # "No youth fellowship this Friday 13th": whatever is named right before its day
        r"no (?!(?:idea|worries|worry|problem|probs|way|thanks|one|clue|rush|need|pressure|stress|"
        r"chance|doubt|matter|kidding|joke|comment|more|longer|later|sooner|earlier|plans?|news)\b)"
        r"[a-z]{3,}(?: [a-z]{3,})?(?= (?:(?:this|next) (?!year|time|month|season|term)|on |tomorrow|"
        r"tonight|today|mon|tue|wed|thu|fri|sat|sun))",
        r"(?:is|are)n'?t on (?=(?:this |next |on )?(?:mon|tue|wed|thu|fri|sat|sun))",
    ),
    masks=("good morning", "good night", "morning all", "night night", "last night",
           "cyber monday", "super bowl sunday"),
    evening_nouns=("party", "drinks", "dinner", "disco", "quiz", "gig", "movie night",
                   "game night", "prom", "pub", "ceilidh", "barn dance",
                   "fais do-do", "hoedown", "square dance"),
    move_cues=(r"moved", r"moving", r"changed", r"switched(?! (?:off|on)\b)", r"postponed", r"rescheduled",
               r"pushed back", r"pushed", r"shifted", r"shifting", r"brought forward", r"bumped",
               r"got bumped", r"moved up", r"move (?:it|that|this|them)(?= to\b)", r"rebooked",
               r"(?:will|to|gonna|going to) move", r"moves?(?= (?:from|to)\b)",
               r"re-booked",
               # "we're pushing February's meeting back a week", "bringing the AGM forward"
               r"(?:push|pushing|bring|bringing) (?:[\w'’]+ ){1,3}(?:back|forward)",
               # a new date given after the old one is called off: "New appointment: Thu 5 Feb"
               r"new (?:date|time|appointment|slot)(?=\s*(?::|(?:is|will be|on)\b))",
               # a session called off and made up another day: "we'll make it up on Thu 18th"
               r"(?:we'?ll |we will )?make (?:it|that|them) up",
               r"(?:we'?ll |we will )?have another go"),  # "We'll have another go on Sunday the 22nd"
)

# What a preterite sets a day for ("quedó para el lunes", "ficou marcado pra sexta") looks ahead.
_SET_FOR_ES = (r" (?:(?:fijad[oa]|marcad[oa]|programad[oa]) )?(?:para|pa) (?:el|la|este|esta|mañana"
               r"|manana|hoy|lunes|martes|miércoles|miercoles|jueves|viernes|sábado|sabado|domingo)\b")
_SET_FOR_PT = (r" (?:(?:marcad[oa]|agendad[oa]) )?(?:para|pra|pro) (?:o|a|esta|este|essa|esse|amanhã"
               r"|amanha|hoje|dia|segunda|terça|terca|quarta|quinta|sexta|sábado|sabado|domingo)\b")

_NOT_AFTER_ARTICLE_ES = (r"(?<!\bel )(?<!\bla )(?<!\bun )(?<!\bde )(?<!\bdel )(?<!\bal )(?<!\bpara )"
                         r"(?<!\bcon )(?<!\ben )")

ES = LangTable(
    code="es",
    weekdays={
        "lunes": 0, "martes": 1, "miércoles": 2, "miercoles": 2, "jueves": 3, "viernes": 4,
        "sábado": 5, "sabado": 5, "domingo": 6,
    },
    weekday_abbr={"lun": 0, "mar": 1, "mié": 2, "mie": 2, "jue": 3, "vie": 4, "sáb": 5,
                  "sab": 5, "dom": 6},
    months={
        "enero": 1, "ene": 1, "febrero": 2, "feb": 2, "marzo": 3, "abril": 4, "abr": 4,
        "mayo": 5, "junio": 6, "jun": 6, "julio": 7, "jul": 7, "agosto": 8, "ago": 8,
        "septiembre": 9, "setiembre": 9, "sept": 9, "sep": 9, "octubre": 10, "oct": 10,
        "noviembre": 11, "nov": 11, "diciembre": 12, "dic": 12,
    },
    relative_days={
        "hoy": 0, "esta noche": 0, "esta tarde": 0, "esta mañana": 0, "mañana": 1,
        "manana": 1, "mñn": 1, "pasado mañana": 2, "pasado manana": 2,
    },
    evening_days=("esta noche",),
    next_words=("el próximo", "el proximo", "próximo", "proximo", "este", "el siguiente"),
    next_after=("que viene", "próximo", "proximo"),
    this_words=("este", "el"),
    next_week=("la semana que viene", "la próxima semana", "la proxima semana"),
    in_words=("en", "dentro de"),
    day_units=("día", "días", "dia", "dias"),
    week_units=("semana", "semanas"),
    numbers={"un": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6,
             "siete": 7, "ocho": 8, "nueve": 9, "diez": 10, "once": 11, "doce": 12, "quince": 15,
             "veinte": 20},
    # the singular article is one o'clock's: "sobre la una", "hacia la una"
    time_preps=("a las", "a la", "desde las", "sobre las", "hacia las", "partir de las",
                "de las", "hasta las", "las", "tipo", "tipo a las", "como a las",
                "sobre la", "hacia la", "desde la", "hasta la", "como a la", "tipo a la",
                "at"),  # Spanglish: "el practice es mañana at 6"
    range_words=("-", "a", "al", "hasta", "a las", "hasta las", "y las"),
    from_words=("de", "desde", "del", "entre"),
    pm_words=("tarde", "noche", "pm"),
    am_words=("de la mañana", "por la mañana", "de la manana", "am"),
    noon_words=("mediodía", "mediodia"),
    half_before=(),
    half_after=("y media",),
    quarter_after=("y cuarto",),
    day_preps=("el", "el día", "el dia", "día", "dia"),
    place_preps=("en el", "en la", "en los", "en las", "en casa de", "en lo de", "en lo del", "en",
                 "desde el", "donde", "a",
                 "desde la", "frente al", "frente a la", "al", "a la",
                 # where a trip leaves from: "salimos del parque", "sale de la plaza"
                 "sale del", "sale de la", "salimos del", "salimos de la", "salida del", "salida de la"),
    place_nouns=(
        "plaza", "parque", "colegio", "cole", "escuela", "campo", "estadio", "salón", "salon",
        "iglesia", "catedral", "biblioteca", "gimnasio", "polideportivo", "patio", "aula", "restaurante",
        "bar", "casa", "puerta", "piscina", "club", "auditorio", "teatro", "sala", "portal",
        "parroquia", "centro", "clínica", "clinica", "hospital", "museo", "granja", "dirección",
        "secretaría", "pabellón", "cancha", "pista", "hotel", "local", "sede", "ayuntamiento",
        "consultorio", "jardín", "salón de usos múltiples", "sum", "laboratorio", "comedor", "calle",
        "avenida", "capilla", "mezquita", "templo", "cafetería", "estudio",
    ),
    event_nouns=(
        "reunión", "reunion", "junta", "entrenamiento", "entreno", "partido", "fiesta", "cena",
        "turno", "guardia", "limpieza", "fonda", "baile", "bailes", "curanto",
        "comida", "almuerzo", "desayuno", "merienda", "cumpleaños", "cumple", "asado",
        "carne asada", "barbacoa", "concierto", "clase", "clases", "cita", "consulta",
        "médico", "medico", "dentista", "feria", "kermés", "kermes", "mercadillo",
        "excursión", "excursion", "torneo", "taller", "misa", "boda", "quedada", "ensayo",
        "función", "funcion", "teatro", "cine", "paseo", "examen", "exámenes", "tutoría", "final",
        "festival", "cabalgata", "vacaciones", "fin de curso", "carrera", "graduación",
        "convivencia", "villancicos", "jornada", "visita", "salida", "evento", "curso",
        "extraescolares", "actividades", "fotos de clase", "foto de grupo",
        "cerrado", "cerrada", "pizza", "natación", "natacion", "fútbol", "futbol", "baloncesto",
        "coro", "campamento", "juego", "desfile", "minga", "softbol", "béisbol", "beisbol", "luchada",
        "bingo", "verbena", "procesión", "procesion",
        "campamentos", "colonias", "campus", "pijamas", "fiesta de pijamas",
    ),
    plan_cues=("quedamos", "nos vemos", "recordad", "recuerden", "no olvidéis", "no olviden",
               "vamos", "venid", "vengan", "traed", "traer", "os esperamos", "les esperamos",
               "cenamos", "comemos", "os recuerdo", "les recuerdo",
               "tenemos", "hay"),
    past_cues=(
        r"ayer", r"anoche", r"anteayer", r"fue", r"fuimos", r"fui", r"fueron", r"estuvo",
        r"estuvimos", r"nos vimos", r"comimos", r"perdimos", r"volvimos",
        r"pagué", r"pague", r"hace (?:\w+ )?(?:días|semanas|meses|años)",
        r"pasad[oa](?! ma[ñn]ana| al?\b| para)", r"vimos", r"hicimos", r"nació",
        r"ha durado", r"duró", r"ha sido", r"ha estado", r"hemos estado", r"he estado",
        r"lo hemos pasado", r"lo pasamos (?:bien|genial|fenomenal|de maravilla)", r"terminó",
        r"llegó", r"salió", r"jugaron", r"ganaron", r"perdieron", r"se fue",
        r"estuvo", r"disfrutamos",
        # preterite by its ending ("llegué", "terminó", "salieron"), minus look-alikes
        # (not "-aré"); a preterite that sets a day is no past: "la junta quedó para el lunes 24"
        # after an article or "de" such a word is a noun: "el bembé", "torneo de dominó"
        _NOT_AFTER_ARTICLE_ES + r"(?!(?:café|bebé|puré|josé|qué|porqué|olé|\w*[aei]ré)\b)\w{3,}é(?!"
        + _SET_FOR_ES + ")",
        _NOT_AFTER_ARTICLE_ES + r"\w{3,}ó(?!" + _SET_FOR_ES + ")",
        r"\w+(?:aron|ieron)(?!" + _SET_FOR_ES + ")",
        # the imperfect of a habit that was ("siempre armaba el arbolito el 8 de diciembre"),
        # not the present "acaba"
        r"(?!acaba)\w{2,}(?:aba|abas|ábamos|aban)",
    ),
    cancel_cues=(
        r"cancelad[oa]s?", r"se cancela", r"cancelamos", r"suspendid[oa]s?", r"se suspende",
        r"se cancel(?:ó|aron)", r"se suspendi(?:ó|eron)", r"se anul(?:ó|aron)",  # "se canceló la clase"
        r"suspendieron", r"cancelaron", r"anularon",
        r"anulad[oa]s?", r"se anula", r"no hay (?:\w+ ){0,2}(?:{nouns})",
        r"no habrá", r"aplazad[oa]s?", r"aplazad[oa]s? hasta nuevo aviso",
        r"no hay (?:cole|colegio|clases?|escuela|guarde)",
        # "el asado del sábado ya no va", not "ya no va a llover"
        r"ya no (?:va|se hace|se juega|se hará|hay)\b(?! a)",
        # "Este sábado no hay mercadito": whatever there is not, on its day
        r"no hay (?!(?:problema|prisa|nada|nadie|tiempo|manera|forma|duda|lugar|sitio|más|mas|luz|agua|"
        r"señal|internet|lugares|cupo|entradas|apuro|drama|bronca|nada que|oficina|escuela|cole|colegio|"
        r"clases?|guarde|guardería|comedor|banco|consulta|trabajo|chamba|oficina|turno)\b)[a-záéíóúñ]{4,}",
        # "..., ya no es el martes": that day is off (the move said beside it gives the new one)
        r"ya no (?:es|será|va a ser)(?= (?:el|este|esta|la|mañana|hoy|pasado)\b)",
    ),
    masks=("de la mañana", "por la mañana", "en la mañana", "de la manana",
           "por la manana", "buenos días", "buenos dias", "buenas noches"),
    evening_nouns=("fiesta", "cena", "copas", "cañas", "discoteca", "concierto", "cine", "verbena"),
    move_cues=(r"cambiad[oa]s?", r"(?:se )?cambi(?:a|ó|aron)", r"movid[oa]s?", r"aplazad[oa]s?", r"se aplaza",
               r"(?:se )?movi(?:ó|eron|mos)", r"se mueve",
               r"(?:se )?pas(?:ó|aron) al?", r"qued(?:ó|a) para el",  # "se pasó al viernes 9"
               r"(?:la |lo |los |las )?pas(?:an|amos|aron) (?:al?|para)\b",  # "la pasan a pasado mañana"
               r"(?:se |lo |la )?pas(?:a|ó|aron|amos|an) pal\b",  # "el asado ... se pasa pal sábado"
               r"trasladad[oa]s?", r"pospuest[oa]s?", r"(?:se )?pospon(?:e|en|emos)",
               r"pospus(?:o|ieron|imos)", r"(?:lo |la )?pasamos al?", r"(?:se )?pasa al?",
               r"(?:se )?pas(?:ó|a|aron) para", r"(?:se )?cambi(?:ó|a|aron) para",
               r"(?:se )?ha pasado al?", r"reprogramad[oa]s?", r"se reprograma",
               r"(?:lo |la |los |las )?reprogram(?:ó|aron|amos)",  # "La liga lo reprogramó para el sábado"
               r"se repone", r"se recupera",  # "se cancela ... por la lluvia, se repone el 30"
               # Chile and the River Plate "run" a day: "la prueba ... se corre al martes 27"
               r"(?:se|lo|la|los|las) corr(?:e|en|ió|ieron|imos) (?:al?|para)\b",
               # "lo pasamos del martes al miércoles": from one day to another
               r"(?:(?:lo|la|los|las|se) )?pas(?:amos|a|ó|aron)(?= del? [^\W\d_]+ (?:\d{1,2} )?al?\b)",
               r"(?:lo|la|los|las) recupera(?:mos|remos)", r"se recupera(?:rá)?",
               r"(?:lo|la|los|las) repon(?:emos|dremos)"),  # "La reponemos el sábado 4 de junio"
)

DE = LangTable(
    code="de",
    weekdays={
        "montag": 0, "dienstag": 1, "mittwoch": 2, "donnerstag": 3, "freitag": 4,
        "samstag": 5, "sonnabend": 5, "sonntag": 6, "montags": 0, "dienstags": 1,
        "mittwochs": 2, "donnerstags": 3, "freitags": 4, "samstags": 5, "sonntags": 6,
        # Swiss German, as chats write it
        "mäntig": 0, "määntig": 0, "zischtig": 1, "ziischtig": 1, "mittwuch": 2,
        "dunschtig": 3, "dunnschtig": 3, "donnschtig": 3, "frietig": 4, "fritig": 4, "friitig": 4,
        "samschtig": 5, "samstig": 5, "sunntig": 6, "sonntig": 6,
    },
    weekday_abbr={"mo": 0, "di": 1, "mi": 2, "do": 3, "fr": 4, "sa": 5, "so": 6},
    months={
        "januar": 1, "jänner": 1, "jan": 1, "februar": 2, "feb": 2, "märz": 3, "maerz": 3,
        "mär": 3, "april": 4, "apr": 4, "mai": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7,
        "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9, "oktober": 10,
        "okt": 10, "november": 11, "nov": 11, "dezember": 12, "dez": 12,
    },
    relative_days={
        "heute": 0, "heut": 0, "heute abend": 0, "heute nachmittag": 0, "heute früh": 0,
        "hüt": 0, "hütt": 0, "morn": 1, "übermorn": 2,  # Swiss German
        "morgen": 1, "morgen früh": 1, "übermorgen": 2, "uebermorgen": 2,
    },
    evening_days=("heute abend",),
    next_words=("nächsten", "nächster", "nächste", "naechsten", "kommenden", "kommender",
                "diesen", "dieser", "am kommenden", "am nächsten"),
    next_after=(),
    this_words=("diesen", "am"),
    next_week=("nächste woche", "naechste woche", "kommende woche"),
    in_words=("in",),
    day_units=("tag", "tagen"),
    week_units=("woche", "wochen"),
    numbers={"einem": 1, "einer": 1, "ein": 1, "eine": 1, "zwei": 2, "drei": 3, "vier": 4,
             "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9, "zehn": 10, "elf": 11,
             "zwölf": 12, "vierzehn": 14, "fünfzehn": 15, "zwanzig": 20},
    time_preps=("um", "ab", "gegen", "bis", "von", "zwischen", "ca.", "ca"),
    range_words=("-", "bis", "bis um", "und"),
    from_words=("von", "zwischen"),
    pm_words=("abend", "abends", "nachmittag", "nachmittags", "nachts",
              # dialect: "z'Obe", "auf d'Nacht" (in the evening)
              "z'obe", "z’obe", "zobe", "am obe", "auf d'nacht", "auf d’nacht", "z'nacht", "z’nacht",
              "obig", "z'obig", "z’obig"),
    am_words=("morgens", "vormittag", "vormittags", "früh", "frühstück", "am morge", "morge", "z'morge",
              "z’morge"),
    noon_words=("mittag", "mittags"),
    half_before=("halb", "halbi", "hoiba", "hoib"),  # Swiss "am halbi achti", Austrian "hoiba achte"
    half_after=(),
    quarter_after=(),
    day_preps=("am", "den", "am den"),
    place_preps=("in der", "im", "in", "am", "auf dem", "auf der", "beim", "bei", "vor der",
                 "vor dem", "an der", "an den", "treffpunkt", "ort:", "in den", "in die", "ins", "zum", "zur",
                 # Swiss: "z'Guarda" (in Guarda), "bim Bahnhof" (beim Bahnhof)
                 "ab der", "ab dem", "ab", "z'", "z’", "bim", "bi de", "bi"),
    place_nouns=(
        "aula", "turnhalle", "sportplatz", "schule", "kirche", "bibliothek", "garten", "park",
        "steg", "hafen", "brücken",
        "bahnhof", "schulhof", "pfarrhof", "pfarrsaal", "halle", "gasthaus", "café", "cafe",
        "kita", "verein", "rathaus", "stadion", "platz", "saal", "raum", "klassenraum", "praxis",
        "hof", "gemeindehaus", "vereinsheim", "kindergarten", "markt", "weihnachtsmarkt",
        "museum", "zoo", "sporthalle", "schwimmbad", "bad", "büro", "zimmer", "mensa", "stube",
        "singsaal", "schulhaus", "gemeindesaal", "dorfplatz", "labor", "hort", "ordination", "straße",
        "strasse", "gasse", "kapelle", "moschee", "gerätehaus", "pfadiheim", "lokal", "wiese", "gelände",
    ),
    event_nouns=(
        "training", "treffen", "elternabend", "turnen", "party", "fest", "feier", "flohmarkt",
        "schicht", "nachtschicht", "frühdienst", "spätdienst", "nachtdienst", "putzaktion",
        "frühstück", "feuerwerk", "festakt", "brunch", "ball",
        "spiel", "termin", "zahnarzt", "arzt", "freizeit", "zeugnis", "stammtisch", "probe",
        "umzug", "turnier", "kurs", "aufführung", "auffuehrung", "wandertag", "ausflug",
        "grillen", "grill", "frühschoppen", "camp", "konzert", "sitzung", "besprechung",
        "versammlung", "gottesdienst", "messe", "hochzeit", "geburtstag", "basar", "markt",
        "kino", "theater", "unterricht", "schwimmen", "prüfung", "klassenarbeit", "kaffee",
        "essen", "ferien", "ausgabe", "sprechtag", "sprechstunde", "abfahrt", "lauf",
        "wanderung", "workshop", "führung", "tag der offenen tür", "kaffeeklatsch",
        "lesung", "andacht", "schulschluss", "geschlossen", "schließtag", "heurigen", "spieltag", "match",
        "fototermin",
    ),
    plan_cues=("treffpunkt", "wir treffen uns", "bitte", "nicht vergessen", "erinnerung",
               "kommt", "kommst du", "bringt", "wer kommt", "wir sehen uns", "los geht"),
    past_cues=(
        r"gestern", r"vorgestern", r"vorige[nrs]?", r"war", r"waren", r"geschter", r"vorgeschter",
        r"letzte[nrs]? (?:woche|wochenende|mal|jahr|monat|montag|dienstag|mittwoch|donnerstag|"
        r"freitag|samstag|sonntag|nacht|abend)",
        r"hatte", r"hatten", r"getroffen", r"gewesen", r"gespielt", r"gewonnen", r"verloren",
        r"bezahlt", r"angefangen", r"gegessen", r"geboren", r"gemacht", r"gesehen",
        r"stattgefunden", r"gefeiert", r"gefahren", r"gegangen", r"gekommen", r"verbracht",
        # perfect tense, participle closing the clause: "bin um 5 heimgekommen,"
        # and what would have been ("Opa wäre am 3. Dezember 90 geworden")
        r"(?:bin|sind|ist|habe|hab|haben|hat|wäre|wären|hätte|hätten)\b(?:\s+\S+){0,7}?\s+"
        r"(?!geschlossen|geöffnet|gesperrt)"
        r"\w*ge\w+(?:en|t)(?=\s*(?:[,.!?;]|$)|[^\w,.!?;]*$)",
    ),
    cancel_cues=(
        # Swiss German "kei Turnier", "abgseit"
        # "fällt der Unterricht wegen der internen Weiterbildung aus": the reason inside
        r"kei(?:n|ne|nen)? (?:\w+ ){0,1}(?:{nouns})\w*", r"abgseit", r"abgsait",
        r"fällt (?:\w+ ){0,3}(?:\([^()\n]{1,40}\) )?(?:(?:wegen|aufgrund|infolge) (?:\w+ ){1,5})?aus",
        r"fallen (?:\w+ ){0,3}(?:(?:wegen|aufgrund|infolge) (?:\w+ ){1,5})?aus",
        r"faellt (?:\w+ ){0,3}aus", r"keine schule",
        r"finde[nt] (?:\w+ ){0,4}nicht statt",
        r"schulfrei", r"spielfrei", r"trainingsfrei", r"unterrichtsfrei", r"kein spiel",
        r"abgesagt", r"entfällt", r"entfallen", r"verschoben", r"sagen ab", r"gibt es kein\w*",
        r"wird es kein\w* \w+ geben", r"nicht mehr am",
        r"fall(?:ed|t|et) (?:\w+ ){0,3}us", r"fällt (?:\w+ ){0,3}us",  # Swiss "Friitig falled us"
    ),
    masks=("guten morgen", "am morgen", "jeden morgen"),
    compound_nouns=True,
    evening_nouns=("party", "feier", "abendessen", "essen", "disco", "konzert", "kino", "stammtisch",
                   "grillen", "kneipe", "abend", "obig"),  # "Spieleabend", Swiss "Jass-Obig"
    move_cues=(r"verschoben", r"verlegt", r"geändert", r"vorverlegt",
               # "Die Chorprobe heute verschieben wir auf morgen": the verb before its new day
               r"verschieben(?= (?:\w+ )?(?:auf|zum|nach)\b)", r"verschiebt sich", r"verlegen wir",
               r"verschieben wir", r"verschieben (?:den|die|das)",
               r"verschobe", r"verleit",  # Swiss German
               r"nachgeholt", r"holen (?:wir )?(?:\w+ ){0,3}nach",  # made up another day
               r"neue[rns]? (?:termin|datum|uhrzeit)(?=\s*(?::|ist|am)(?!\w))",
               # "Nachholtermin ist Donnerstag 21.7.", "Ersatztermin: Mi 5.3."
               r"(?:nachhol|ersatz|ausweich)termin(?=\s*(?::|ist|am|wäre)(?!\w))"),
)

FR = LangTable(
    code="fr",
    weekdays={
        "lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5,
        "dimanche": 6,
    },
    weekday_abbr={"lun": 0, "mar": 1, "mer": 2, "jeu": 3, "ven": 4, "sam": 5, "dim": 6},
    months={
        "janvier": 1, "janv": 1, "février": 2, "fevrier": 2, "févr": 2, "mars": 3,
        "avril": 4, "avr": 4, "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "août": 8,
        "aout": 8, "septembre": 9, "sept": 9, "octobre": 10, "oct": 10, "novembre": 11,
        "nov": 11, "décembre": 12, "decembre": 12, "déc": 12,
    },
    relative_days={
        "aujourd'hui": 0, "aujourd’hui": 0, "auj": 0, "ce soir": 0, "cet après-midi": 0,
        "à soir": 0, "a soir": 0,  # Quebec: tonight
        "à tantôt": 0, "a tantôt": 0,  # Belgian: later today
        "ce matin": 0, "demain": 1, "dem1": 1, "2m1": 1, "ajd": 0,
        "après-demain": 2, "apres-demain": 2,
        "après demain": 2,
    },
    evening_days=("ce soir", "à soir", "a soir"),
    next_words=("ce", "ce prochain"),
    next_after=("prochain", "qui vient"),
    this_words=("ce",),
    next_week=("la semaine prochaine",),
    in_words=("dans",),
    day_units=("jour", "jours"),
    week_units=("semaine", "semaines"),
    numbers={"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6,
             "sept": 7, "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "quinze": 15,
             "vingt": 20},
    time_preps=("à", "a", "dès", "vers", "de", "à partir de", "jusqu'à", "depuis"),
    range_words=("-", "à", "a", "au", "jusqu'à", "et"),
    from_words=("de", "du", "entre"),
    pm_words=("soir", "après-midi", "apres-midi", "pm"),
    am_words=("matin", "am"),
    noon_words=("midi",),
    half_before=(),
    half_after=("et demie", "et demi"),
    quarter_after=("et quart",),
    day_preps=("le", "du"),
    place_preps=("à la", "au", "à l'", "à l’", "aux", "chez", "en", "à", "sur la",
                 "sur le", "sur l'", "sur l’", "devant l'", "devant la", "devant le", "dans la", "dans le",
                 "dans l'"),
    place_nouns=(
        "salle", "stade", "école", "ecole", "gymnase", "parc", "place", "mairie", "église", "parking",
        "boulevard", "avenue", "port", "plage", "préau",
        "eglise", "aréna", "arena", "bar", "café", "cafe", "bibliothèque", "piscine",
        "patinoire", "maison", "restaurant", "club", "théâtre", "cour", "gare", "musée", "cabinet",
        "clinique", "hôpital", "cafèt", "cafétéria", "cantine", "ruelle", "préau", "local",
        "médiathèque", "centre", "parking", "jardin", "terrain", "cantine", "laboratoire",
        "stationnement", "ferme", "quartier", "auditorium", "réfectoire", "chapelle", "temple",
        "mosquée", "synagogue", "conservatoire", "rue", "avenue", "boulodrome", "siège",
    ),
    event_nouns=(
        "réunion", "reunion", "entraînement", "entrainement", "match", "fête", "fete",
        "quart", "nettoyage", "corvée",
        "défilé", "defile", "fest-noz", "rando", "randonnée", "générale", "première",
        "soirée", "dîner", "diner", "déjeuner", "dejeuner", "souper", "barbecue", "concert",
        "répétition", "repetition", "cours", "rendez-vous", "rdv", "médecin", "dentiste",
        "kermesse", "vide-grenier", "marché", "marche", "sortie", "tournoi", "atelier",
        "messe", "mariage", "anniversaire", "cinéma", "ciné", "cine", "randonnée", "apéro",
        "apero", "spectacle", "examen", "vacances", "pratique", "épluchette", "journée",
        "rencontre", "party", "réveillon", "galette", "repas", "séance", "goûter", "gouter",
        "conseil", "course", "visite", "conférence", "festival", "bal", "pique-nique",
        "fermé", "fermée", "resto", "restau", "pizza", "natation", "foot", "harmonie", "partie",
        "colonie", "stage", "camp", "bulletin", "remise des bulletins",
        "jeux", "feu d'artifice", "fête des voisins", "rando", "photo de classe", "photos de classe",
    ),
    plan_cues=("on se retrouve", "rendez-vous", "n'oubliez pas", "rappel", "venez",
               "apportez", "on se voit", "à bientôt", "qui vient", "ça vous dit"),
    past_cues=(
        r"hier", r"avant-hier", r"était", r"étaient", r"c'était", r"c’était", r"a été",
        r"(?:j'ai|j’ai|on a|il a|elle a|t'as|tu as) (?:raté|manqué|loupé|eu|fait|vu)",
        r"(?:il )?faisait", r"il y avait", r"avait",
        r"(?:semaine|mois|week-end|weekend|année|lundi|mardi|mercredi|jeudi|vendredi|samedi|"
        r"dimanche|fois|soir) derni(?:er|ère)", r"la dernière fois", r"passée?s?", r"s'est",
        r"se sont", r"s’est",
        r"(?:ai|as|a|avons|avez|ont) (?:\w+ )?(?:\w+é|eu|fait|vu|pris|mis|dit|plu|fini|choisi|"
        r"réussi|rempli|suivi|servi|dormi|dû|pu|su|voulu|"
        r"reçu|perdu|attendu|vendu|bu|lu|couru|ouvert|offert|écrit)",
        r"sommes (?:allé|allés|allées|venus|partis)", r"est (?:allé|allés|venu|parti)",
        r"allés", r"né", r"née",
        r"(?:je suis|on est|nous sommes|tu es|vous êtes)\s+(?!invit)(?:\w+\s+)?"
        r"\w+(?:é|ée|és|ées|i|is|u|us)",
        r"a eu lieu", r"ont eu lieu", r"s'est bien passé",
    ),
    cancel_cues=(
        r"annulée?s?", r"annule", r"annulons", r"pas d[e'’] ?(?:\w+ ){0,1}(?:{nouns})",
        r"pas de(?! (?:retard|souci|soucis|problème|probleme|panique|stress|bruit)\b)",  # "pas de retard svp"
        r"pas d'école", r"pas d’école", r"pas cours", r"pas classe", r"reportée?s?",
        r"n'aura pas lieu", r"n’aura pas lieu", r"aucun", r"il n'y aura pas",
        r"remise? à (?:une date ultérieure|plus tard)", r"reportée? à une date ultérieure",
        r"n['’]est plus(?= (?:le|ce|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\b)",
    ),
    # ("décalé d'une heure": by an hour, not at one o'clock)
    masks=("bon matin", "bonne soirée", "bonne nuit", "bonne journée", "d'une heure", "d’une heure",
           "d'une demi-heure", "d’une demi-heure"),
    evening_nouns=("fête", "fete", "soirée", "dîner", "diner", "souper", "apéro", "apero",
                   "concert", "ciné", "party", "boum"),
    move_cues=(r"déplacée?s?", r"reportée?s?", r"décalée?s?", r"repoussée?s?", r"passe (?:à|au)",
               r"pass(?:e|ent)(?= d[eu] \w+ (?:à|au)\b)",  # "passe de mardi à jeudi"
               # "le match est remis à dimanche" (not "le TP est remis à la semaine prochaine")
               # "on remet ça à dimanche"
               r"(?:on |nous )?rem(?:et|ettons|ettre) (?:ça|ca|le|la|les)(?= (?:à|au) )",
               r"(?:est |sont )?remise?s? (?:à|au)(?= (?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|"
               r"demain|après-demain|\d))",
               r"report (?:à|au)",
               r"avancée?s?", r"(?:on |nous )?avan(?:ce|çons)(?= (?:à|au) )", r"changée?s?",
               r"(?:on )?(?:la |le |les )?rattrap(?:e|ons|erons|era)"),
)

PT = LangTable(
    code="pt",
    weekdays={
        "segunda-feira": 0, "segunda": 0, "terça-feira": 1, "terça": 1, "terca": 1,
        "quarta-feira": 2, "quarta": 2, "quinta-feira": 3, "quinta": 3, "sexta-feira": 4,
        "sexta": 4, "sábado": 5, "sabado": 5, "domingo": 6,
        # "2ª feira" (Monday) to "6ª feira" (Friday), as notices and SMS write them
        **{f"{n}{mark}{sep}feira": n - 2 for n in range(2, 7) for mark in ("ª", "a") for sep in (" ", "-")},
    },
    weekday_abbr={"seg": 0, "ter": 1, "qua": 2, "qui": 3, "sex": 4, "sáb": 5, "sab": 5,
                  "dom": 6},
    months={
        "janeiro": 1, "jan": 1, "fevereiro": 2, "fev": 2, "março": 3, "marco": 3, "mar": 3,
        "abril": 4, "abr": 4, "maio": 5, "mai": 5, "junho": 6, "jun": 6, "julho": 7,
        "jul": 7, "agosto": 8, "ago": 8, "setembro": 9, "outubro": 10,
        "novembro": 11, "nov": 11, "dezembro": 12, "dez": 12,
    },
    relative_days={
        "hoje": 0, "hj": 0, "hoje à noite": 0, "hoje a noite": 0, "hoje à tarde": 0,
        "esta noite": 0, "logo à noite": 0, "amanhã": 1, "amanha": 1, "amn": 1, "amnh": 1, "amñ": 1,
        "depois de amanhã": 2, "depois de amanha": 2,
    },
    evening_days=("hoje à noite", "hoje a noite", "esta noite", "logo à noite"),
    next_words=("próximo", "proximo", "próxima", "proxima", "no próximo", "na próxima",
                "este", "esta", "nesta", "neste", "desta", "deste",
                # Brazil says the coming Friday with "essa": "as inscrições fecham nessa sexta"
                "nessa", "nesse", "dessa", "desse", "essa", "esse"),
    next_after=("que vem",),
    this_words=("este", "esta", "nesta", "neste", "desta", "deste", "nessa", "nesse", "dessa", "desse",
                "essa", "esse", "na", "no"),
    next_week=("semana que vem", "próxima semana", "proxima semana"),
    in_words=("daqui a", "em", "dentro de"),
    day_units=("dia", "dias"),
    week_units=("semana", "semanas"),
    numbers={"um": 1, "uma": 1, "dois": 2, "duas": 2, "três": 3, "tres": 3, "quatro": 4,
             "cinco": 5, "seis": 6, "sete": 7, "oito": 8, "nove": 9, "dez": 10, "onze": 11,
             "doze": 12, "quinze": 15, "vinte": 20},
    # the singular article is one o'clock's: "lá para a uma", "pela uma", "por volta da uma"
    time_preps=("às", "as", "a partir das", "a partir da", "a partir de", "das", "até as",
                "até às", "à", "pelas", "lá pelas", "por volta das",
                "pela", "lá pela", "por volta da", "até à", "para a", "lá para a"),
    range_words=("-", "às", "as", "a", "até", "até as", "até às", "e as", "e às", "e"),
    from_words=("das", "de", "da", "entre"),
    pm_words=("tarde", "noite", "pm"),
    am_words=("manhã", "manha", "am"),
    noon_words=("meio-dia", "meio dia", "meiodia"),
    half_before=(),
    half_after=("e meia",),
    quarter_after=("e quinze", "e um quarto"),
    day_preps=("dia", "no dia", "a", "em"),
    place_preps=("no", "na", "nos", "nas", "em casa de", "em", "na casa do", "na casa da",
                 "local:", "ao", "à",
                 # where a trip leaves from: "o barco sai do porto", "a gente sai da Conceição"
                 "sai do", "sai da", "saímos do", "saímos da", "saída do", "saída da", "partida do",
                 "partida da"),
    place_nouns=(
        "escola", "quadra", "salão", "salao", "igreja", "catedral", "colônia", "colonia", "auditório",
        "ginásio", "ginasio",
        "pavilhão", "pavilhao", "parque", "restaurante", "casa", "templo", "clube", "campo",
        "praça", "praca", "estádio", "biblioteca", "sala", "clínica", "clinica", "consultório",
        "posto", "ubs", "hospital", "museu", "zoológico", "bairro", "bar", "oceanário", "centro",
        "colégio", "colegio", "sede", "salão de festas", "laboratório", "laboratorio", "garagem",
        "refeitório", "cantina", "laje", "capela", "estúdio", "estudio", "rua", "avenida", "mesquita",
        "praia",
    ),
    event_nouns=(
        "reunião", "reuniao", "treino", "jogo", "festa", "jantar", "almoço", "almoco",
        "turno", "limpeza",
        "desfile", "arraial", "mutirão", "mutirao", "forró", "forro", "festival", "festivais",
        "café da manhã", "churrasco", "concerto", "ensaio", "aula", "consulta", "médico",
        "dentista", "feira", "bazar", "passeio", "excursão", "torneio", "oficina", "missa",
        "casamento", "aniversário", "aniversario", "niver", "cinema", "caminhada", "prova",
        "apresentação", "apresentacao", "culto", "encontro", "pelada", "teste", "carnaval",
        "visita", "gincana", "curso", "amigo secreto", "férias", "ferias", "sessão",
        "palestra", "formatura", "show", "natação", "futebol", "corrida", "retiro",
        "fechado", "fechada", "pizza", "confraternização", "arraial", "quermesse", "acampamento", "colônia",
        "colonia", "café", "happy hour", "boletim", "entrega de boletins", "fotos da turma",
    ),
    plan_cues=("bora", "vamos", "não esqueçam", "nao esquecam", "lembrete", "venham",
               "tragam", "tem", "vai ter", "nos vemos", "a gente se vê", "te espero"),
    past_cues=(
        r"ontem", r"anteontem", r"foi", r"fomos", r"fui", r"foram", r"passad[oa]",
        r"correu", r"correram", r"perdi", r"perdemos",
        r"se viu", r"nos vimos", r"almoçámos", r"jantámos", r"paguei", r"tirei", r"demorou",
        r"nasceu", r"teve",
        r"tivemos", r"aconteceu", r"curtimos", r"ganhou", r"perdeu",
        r"chegou", r"terminou", r"foi ótimo", r"foi muito",
        # preterite by its ending ("cheguei", "ficou"), not the future ("-arei") or "estou"
        r"(?!(?:sei|lei|rei|\w*[aei]rei|v[oô]lei|j[oó]quei|h[oó]quei)\b)\w{3,}ei",
        r"(?!(?:estou|vou|sou|dou|tou)\b)\w{3,}ou(?!" + _SET_FOR_PT + ")",
        # the third person plural's preterite ("consertaram", "chegaram"), and "consegui"
        r"(?!(?:marcaram|remarcaram|adiaram|passaram|mudaram)\b)\w{3,}(?:aram|eram|iram)"
        r"(?!" + _SET_FOR_PT + ")",
        r"consegui",
        # "-er" verbs' preterite ("adormeceu", "choveu"), not a possessive or a noun in "-eu"
        r"(?!(?:meu|seu|teu|museu|europeu|liceu|pneu|judeu|plebeu|apogeu|coliseu|jubileu|camafeu|"
        r"ilheu|ilhéu)\b)\w{3,}eu",
        r"há (?:\w+ )?(?:dias|semanas|meses)",
    ),
    cancel_cues=(
        r"cancelad[oa]s?", r"cancelou", r"cancela", r"suspens[oa]s?", r"adiad[oa]s?",
        r"não (?:vai )?(?:ter|tem|haverá|terá|há) (?:\w+ ){0,1}(?:{nouns})",
        r"nao (?:vai )?(?:ter|tem) (?:\w+ ){0,1}(?:{nouns})", r"sem (?:{nouns})",
        r"não (?:vai )?(?:ter|tem|haverá|há) (?:aula|aulas|escola)", r"não haverá",
        r"furou", r"miou", r"não vai (?:mais )?rolar",  # "o churrasco de sábado furou"
        # "a caminhada de amanhã ... não se faz", "o jantar já não se realiza"
        r"(?:já )?não se (?:faz|fará|vai fazer|realiza|realizará|vai realizar)",
        r"não vai (?:mais )?acontecer", r"não acontece",
        r"cancelaram", r"cancelamos", r"desmarcad[oa]s?", r"desmarcou", r"desmarcaram",
        # "..., não é mais na quarta": that day is off (the move beside it gives the new one)
        r"não é mais(?= (?:n[ao]|dia|sexta|sábado|domingo)\b)",
    ),
    masks=("bom dia", "boa tarde", "boa noite", "de manhã", "da manhã", "pela manhã"),
    evening_nouns=("festa", "jantar", "balada", "churrasco", "show", "cinema", "happy hour", "barzinho"),
    move_cues=(r"mudou", r"mudad[oa]s?", r"transferid[oa]s?", r"adiad[oa]s?", r"remarcad[oa]s?",
               r"remarc(?:ou|aram|amos)", r"adi(?:ou|aram|amos)",
               r"passou para", r"passa para", r"passou pra", r"passa pra", r"passou pro", r"passa pro",
               # "passou de sexta para sábado", "passou do dia 21 pro dia 28": from one day to another
               r"pass(?:a|ou|am|aram)(?= d[eoa]s? [^.;!?\n]{1,25}? (?:para|pra|pro)\b)",
               r"(?:vamos |vai )?rep(?:or|omos|ôr)\b"),
)

TABLES: dict[str, LangTable] = {t.code: t for t in (EN, ES, DE, FR, PT)}
