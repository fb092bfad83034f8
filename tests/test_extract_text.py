"""The text event extractor: the dev-set targets, and many single phrases in five languages."""

from __future__ import annotations

import importlib.util
import json
import stat
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.errors import InputError
from toolkit.eventtypes import FoundEvent
from toolkit.extract.text import (
    detect_language,
    extract_events,
    extract_file,
    mask_noise,
    may_hold_date,
    repair,
)

ROOT = Path(__file__).resolve().parent.parent
DEV_SET = ROOT / "tests" / "data" / "events_dev.jsonl"

# Reference moments (the message's own time) used below; weekdays noted for the reader.
LONDON = datetime(2025, 5, 14, 18, 30, tzinfo=ZoneInfo("Europe/London"))  # Wed 14 May 2025
NEW_YORK = datetime(2025, 11, 27, 9, 15, tzinfo=ZoneInfo("America/New_York"))  # Thu 27 Nov
MADRID = datetime(2025, 6, 10, 12, 5, tzinfo=ZoneInfo("Europe/Madrid"))  # Tue 10 Jun
BERLIN = datetime(2025, 2, 12, 19, 45, tzinfo=ZoneInfo("Europe/Berlin"))  # Wed 12 Feb
PARIS = datetime(2025, 4, 7, 8, 10, tzinfo=ZoneInfo("Europe/Paris"))  # Mon 7 Apr
SAO_PAULO = datetime(2025, 8, 20, 10, 0, tzinfo=ZoneInfo("America/Sao_Paulo"))  # Wed 20 Aug


def _scorer():
    spec = importlib.util.spec_from_file_location("score_extraction", ROOT / "bench" / "score_extraction.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def starts(text: str, ref: datetime, locale: str | None = None, lang: str | None = None) -> list[tuple]:
    """(start, end, all_day) of the announced events; cancellations are left out."""
    return [(e.start, e.end, e.all_day)
            for e in extract_events(text, ref, locale=locale, lang=lang) if not e.cancelled]


# ------------------------------------------------------------------------- the dev set


def test_dev_set_meets_the_targets():
    """F1 >= 0.90 overall and >= 0.85 per language, false alarms <= 5%, language detected."""
    result = _scorer().score(DEV_SET)
    assert result["all"]["f1"] >= 0.90, result["all"]
    for lang in ("en", "es", "de", "fr", "pt"):
        assert result[lang]["f1"] >= 0.85, (lang, result[lang])
        assert result[lang]["false_alarm_rate"] <= 0.05, (lang, result[lang])
    assert result["all"]["false_alarm_rate"] <= 0.05


def test_regression_set_stays_good():
    """Messages written after tuning began (26 batches, each first scored unseen, F1 0.37-0.98);
    kept so the fixes they prompted stay fixed."""
    result = _scorer().score(ROOT / "tests" / "data" / "events_regress.jsonl")
    assert result["all"]["f1"] >= 0.90, result["all"]
    assert result["all"]["false_alarm_rate"] <= 0.05, result["all"]


@pytest.mark.parametrize("name", ["events_batch29.jsonl", "events_batch30.jsonl", "events_batch31.jsonl",
                                  "events_batch32.jsonl", "events_batch33.jsonl", "events_batch34.jsonl",
                                  "events_batch35.jsonl", "events_batch36.jsonl", "events_batch37.jsonl",
                                  "events_batch38.jsonl", "events_batch39.jsonl", "events_batch40.jsonl"])
def test_fresh_batches_stay_fixed(name):
    """Each batch was scored on first contact before the round of fixes it prompted (see
    docs/extraction.md); kept so those fixes stay fixed, titles and places included."""
    result = _scorer().score(ROOT / "tests" / "data" / name)["all"]
    assert result["f1"] >= 0.95, result
    assert result["false_alarm_rate"] <= 0.06, result
    assert result["title_agreement"] >= 0.95 and result["location_agreement"] >= 0.95, result


@pytest.mark.parametrize("name,f1,false_alarms,titles,places", [
    ("events_batch41.jsonl", 0.96, 0.04, 0.95, 0.92),
    ("events_batch42.jsonl", 0.98, 0.02, 0.95, 0.94),
    ("events_batch43.jsonl", 0.95, 0.07, 0.95, 0.93),
    ("events_batch44.jsonl", 0.89, 0.02, 0.90, 0.88),
    ("events_batch45.jsonl", 0.91, 0.04, 0.95, 0.95),
    ("events_batch46.jsonl", 0.88, 0.02, 0.90, 0.86),
    ("events_batch47.jsonl", 0.89, 0.08, 0.92, 0.94),
    ("events_batch48.jsonl", 0.96, 0.02, 0.96, 0.89),
    # round 23 found four more carpool days of batch 49 ("seg, qua e sex eu levo"): F1 up, and
    # their titles say who drives ("Eu levo"), not the carpool, so titles and places fell
    ("events_batch49.jsonl", 0.90, 0.05, 0.86, 0.87),
    ("events_batch50.jsonl", 0.88, 0.03, 0.87, 0.86),
    ("events_batch51.jsonl", 0.86, 0.09, 0.91, 0.82),
    ("events_batch52.jsonl", 0.93, 0.05, 0.89, 0.81),  # 0.896: one more match, titled "Atividade"
    ("events_batch53.jsonl", 0.82, 0.12, 0.88, 0.77),
    ("events_batch54.jsonl", 0.96, 0.03, 0.94, 0.88),
    ("events_batch55.jsonl", 0.90, 0.01, 0.93, 0.86),
    ("events_batch56.jsonl", 0.92, 0.18, 0.91, 0.90),
    ("events_batch57.jsonl", 0.90, 0.12, 0.87, 0.75),  # places 0.758: one more match, its place another
    ("events_batch58.jsonl", 0.85, 0.26, 0.87, 0.81),
    ("events_batch59.jsonl", 0.94, 0.05, 0.89, 0.82),
    ("events_batch60.jsonl", 0.90, 0.12, 0.85, 0.79),
    ("events_batch61.jsonl", 0.88, 0.09, 0.84, 0.82),
    ("events_batch62.jsonl", 0.89, 0.16, 0.88, 0.77),
    ("events_batch63.jsonl", 0.91, 0.01, 0.87, 0.77),
    ("events_batch64.jsonl", 0.91, 0.03, 0.85, 0.92),
    ("events_batch65.jsonl", 0.88, 0.03, 0.85, 0.75),
    ("events_batch66.jsonl", 0.91, 0.03, 0.77, 0.77),
    ("events_batch67.jsonl", 0.84, 0.03, 0.76, 0.74),
    ("events_batch68.jsonl", 0.90, 0.03, 0.82, 0.80),
    ("events_batch69.jsonl", 0.86, 0.01, 0.81, 0.73),
])
def test_the_last_batches_stay_at_their_level(name, f1, false_alarms, titles, places):
    """Batches still below the other batches' bar, kept at the level their rounds reached
    (batch 41: F1 0.977, false alarms 3.2%, places 92.5%; batch 42: F1 0.996, none, places 94.2%;
    batch 43: F1 0.952, 6.7%, 94.9%; batch 44: F1 0.898, 1.5%, titles 90.5%, places 89.0%;
    batch 45: F1 0.916, 3.3%; batch 46: F1 0.891, 1.6%, titles 90.1%, places 87.1%; batch 47:
    F1 0.891, 7.5%, titles 92.5%, places 94.4%; batch 48: F1 0.968, 1.8%, titles 96.9%, places
    89.4%; batch 49: F1 0.903, 2.0%, titles 86.1%, places 87.6%: events matched late, with a
    wrong place or title; batch 50: F1 0.884, 2.2%, titles 88.9%, places 86.3%; batch 51: F1
    0.864, 8.2%, titles 91.1%, places 82.3%; batch 52: F1 0.933, 4.3%, titles 90.1%, places
    81.4%; batch 53: F1 0.826, 11.1%, titles 89.0%, places 77.2%; batch 54: F1 0.970, 2.1%,
    titles 94.5%, places 89.1%; batch 55: F1 0.910, none, titles 94.1%, places 86.6%; batch 56:
    F1 0.923, 17.4%, titles 92.0%, places 90.7%; batch 57: F1 0.897, 13.3%, titles 87.5%, places
    76.7%; batch 58: F1 0.829, 25.6%, titles 83.6%, places 81.2%; batch 59: F1 0.947, 4.3%,
    titles 89.8%, places 82.8%; batch 60: F1 0.903, 11.1%, titles 86.2%, places 79.3%; batch 61:
    F1 0.886, 8.9%, titles 84.9%, places 82.1%; batch 62: F1 0.852, 17.8%, titles 87.8%, places
    74.5%, 0.895, 15.6%, 88.2%, 77.4% after round 35; batch 63: F1 0.920, none, titles 87.6%,
    places 77.8%, 0.915 with its timed deadline set to the sets' convention; batch 64: F1 0.917,
    2.2%, titles 85.8%, places 92.5%; batch 65: F1 0.845, 2.2%, titles 82.8%, places 76.8%), so
    their fixes stay fixed until a round lifts them."""
    result = _scorer().score(ROOT / "tests" / "data" / name)["all"]
    assert result["f1"] >= f1, result
    assert result["false_alarm_rate"] <= false_alarms, result
    assert result["title_agreement"] >= titles and result["location_agreement"] >= places, result


def test_scorer_checks_titles_places_kinds_and_moves(tmp_path: Path):
    """Title key words (alternatives with '|', a key word may open a longer word), places (none
    must be none), kinds, wall-clock gold times, and a move's old day answering a cancellation."""
    scorer = _scorer()
    line = {"id": "t", "text": "Choir rehearsals moved from Tuesday to Thursday 7pm in the church hall",
            "ref_time": WINTER.isoformat(), "tz": "Europe/London", "lang": "en",
            "events": [{"start": "2026-02-03", "all_day": True, "cancelled": True},
                       {"start": "2026-01-29T19:00", "all_day": False, "title": "rehearsal|practice",
                        "location": "church hall", "kind": "event"}]}
    wrong = {**line, "id": "w", "events": [{**line["events"][1], "title": "concert", "location": None,
                                            "kind": "deadline"}]}
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(line) + "\n" + json.dumps(wrong) + "\n", encoding="utf-8")
    result = scorer.score(path)["all"]
    assert (result["tp"], result["fp"], result["fn"]) == (3, 0, 0)
    assert (result["title_agreement"], result["location_agreement"], result["kind_agreement"]) == \
        (0.5, 0.5, 0.5)
    assert scorer.key_words_present("choir rehearsal", "Choir rehearsals") is True
    assert scorer.key_words_present("probe", "Chorprobe") is True
    assert scorer.key_words_present("choir concert|concert", "Choir rehearsals") is False


def test_dev_set_shape():
    records = [json.loads(line) for line in DEV_SET.read_text(encoding="utf-8").splitlines()]
    assert len(records) >= 300
    assert len({r["id"] for r in records}) == len(records)
    per_lang = Counter(r["lang"] for r in records)
    assert set(per_lang) == {"en", "es", "de", "fr", "pt"}
    assert min(per_lang.values()) >= 45
    no_event = [r for r in records if not [e for e in r["events"] if not e.get("cancelled")]]
    assert len(no_event) / len(records) >= 0.40
    assert sum("\n" in r["text"] for r in records) >= 10  # flyer-like OCR text
    for r in records:
        assert datetime.fromisoformat(r["ref_time"]).tzinfo is not None
        ZoneInfo(r["tz"])
        for event in r["events"]:
            assert {"start", "all_day"} <= set(event)


def test_scorer_counts_a_miss_and_a_false_alarm(tmp_path: Path):
    """The scorer itself: a wrong gold start is a miss plus a false positive."""
    line = {"id": "x", "text": "Soccer practice tomorrow at 5", "ref_time": LONDON.isoformat(),
            "tz": "Europe/London", "lang": "en",
            "events": [{"start": "2025-05-15T16:00:00+01:00", "all_day": False}]}
    quiet = {**line, "id": "y", "events": []}
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(line) + "\n" + json.dumps(quiet) + "\n", encoding="utf-8")
    result = _scorer().score(path)["all"]
    assert (result["tp"], result["fp"], result["fn"]) == (0, 2, 1)
    assert result["false_alarms"] == 1 and result["messages_without_event"] == 1


# ------------------------------------------------------------------------- phrases


@pytest.mark.parametrize("text,ref,locale,expected", [
    # English: relative words, weekdays, chat shorthand
    ("Soccer practice tomorrow at 5", LONDON, "en-GB", [("2025-05-15T17:00:00+01:00", None, False)]),
    ("tmrw @ 6 at the park?", LONDON, "en-GB", [("2025-05-15T18:00:00+01:00", None, False)]),
    ("BBQ this Friday night!", LONDON, "en-GB", [("2025-05-16", None, True)]),
    ("Movie night in two weeks?", LONDON, "en-GB", [("2025-05-28", None, True)]),
    ("Netball next Sat 10am", LONDON, "en-GB", [("2025-05-17T10:00:00+01:00", None, False)]),
    ("Scouts tonight at 6:30", LONDON, "en-GB", [("2025-05-14T18:30:00+01:00", None, False)]),
    ("Lunch the day after tomorrow at 1?", LONDON, "en-GB", [("2025-05-16T13:00:00+01:00", None, False)]),
    # explicit dates in several shapes, with the locale's day/month order
    ("Swimming lessons start on 2/6 at 4pm", LONDON, "en-GB", [("2025-06-02T16:00:00+01:00", None, False)]),
    ("Holiday concert 12/11 at 6:30 pm", NEW_YORK, "en-US", [("2025-12-11T18:30:00-05:00", None, False)]),
    ("Concert 2025-06-21 19:00", LONDON, "en-GB", [("2025-06-21T19:00:00+01:00", None, False)]),
    ("harvest festival 10.10.25 2pm", LONDON, "en-GB", [("2025-10-10T14:00:00+01:00", None, False)]),
    ("Secret Santa exchange Dec 19th", NEW_YORK, "en-US", [("2025-12-19", None, True)]),
    ("Book club Tuesday the 9th of December, 7:30", NEW_YORK, "en-US",
     [("2025-12-09T19:30:00-05:00", None, False)]),
    ("The kids' recital is January 10th at 2", NEW_YORK, "en-US",
     [("2026-01-10T14:00:00-05:00", None, False)]),
    ("Sports day is on the 23rd!", LONDON, "en-GB", [("2025-05-23", None, True)]),
    # ranges of hours and of days
    ("Bake sale Sat 17 May 10am-1pm", LONDON, "en-GB",
     [("2025-05-17T10:00:00+01:00", "2025-05-17T13:00:00+01:00", False)]),
    ("Science fair Thursday 3/6 from 5-7pm", datetime(2025, 3, 3, 7, 40, tzinfo=ZoneInfo("America/Chicago")),
     "en-US", [("2025-03-06T17:00:00-06:00", "2025-03-06T19:00:00-06:00", False)]),
    ("Picnic on Sunday from 12 to 4", LONDON, "en-GB",
     [("2025-05-18T12:00:00+01:00", "2025-05-18T16:00:00+01:00", False)]),
    ("Football tournament Fri-Sun", LONDON, "en-GB", [("2025-05-16", "2025-05-18", True)]),
    ("Half term 26-30 May", LONDON, "en-GB", [("2025-05-26", "2025-05-30", True)]),
    ("Ski trip 1/15-1/18", NEW_YORK, "en-US", [("2026-01-15", "2026-01-18", True)]),
    # date and time apart, several events, a move
    ("Trip to the zoo on Friday 16th May. Coach leaves at 8:15am", LONDON, "en-GB",
     [("2025-05-16T08:15:00+01:00", None, False)]),
    ("Meeting Thursday 5 June 19:00. Uniform sale Saturday 14 June 9-11am", LONDON, "en-GB",
     [("2025-06-05T19:00:00+01:00", None, False),
      ("2025-06-14T09:00:00+01:00", "2025-06-14T11:00:00+01:00", False)]),
    ("Rehearsal moved from Tuesday to Thursday 6pm", LONDON, "en-GB",
     [("2025-05-15T18:00:00+01:00", None, False)]),
    # am/pm inference: evening events, explicit morning
    ("the party starts at 8 on saturday", LONDON, "en-GB", [("2025-05-17T20:00:00+01:00", None, False)]),
    ("car boot sale Sat 7am", LONDON, "en-GB", [("2025-05-17T07:00:00+01:00", None, False)]),
    # OCR noise in digits
    ("Netball 6:3O tmrw", LONDON, "en-GB", [("2025-05-15T18:30:00+01:00", None, False)]),
    ("SUMMER FAIR\nSATURDAY 7 JUNE\nl0am - 2pm\nSt Mary's Church", LONDON, "en-GB",
     [("2025-06-07T10:00:00+01:00", "2025-06-07T14:00:00+01:00", False)]),
])
def test_english_phrases(text, ref, locale, expected):
    assert starts(text, ref, locale) == expected


@pytest.mark.parametrize("text,ref,expected", [
    ("Entrenamiento mañana a las 6", MADRID, [("2025-06-11T18:00:00+02:00", None, False)]),
    ("Partido el próximo sábado a las 10:30", MADRID, [("2025-06-14T10:30:00+02:00", None, False)]),
    ("Quedamos el sábado a las 8 de la tarde", MADRID, [("2025-06-14T20:00:00+02:00", None, False)]),
    ("Cumple pasado mañana de 17 a 20h", MADRID,
     [("2025-06-12T17:00:00+02:00", "2025-06-12T20:00:00+02:00", False)]),
    ("Clase de natación mañana a las 5 y media", MADRID, [("2025-06-11T17:30:00+02:00", None, False)]),
    ("El torneo es del 27 al 29 de junio", MADRID, [("2025-06-27", "2025-06-29", True)]),
    ("Vacaciones del 22/12 al 7/1", MADRID, [("2025-12-22", "2026-01-07", True)]),
    ("Dentro de dos semanas tenemos la función de teatro", MADRID, [("2025-06-24", None, True)]),
    ("Reunión de padres el 17/06 a las 18h", MADRID, [("2025-06-17T18:00:00+02:00", None, False)]),
    ("Misa el domingo 15 a las 12", MADRID, [("2025-06-15T12:00:00+02:00", None, False)]),
    ("MERCADILLO\nDOMINGO 14 DICIEMBRE\n11:OO - 14:00\nPolideportivo", MADRID,
     [("2025-12-14T11:00:00+01:00", "2025-12-14T14:00:00+01:00", False)]),
])
def test_spanish_phrases(text, ref, expected):
    assert starts(text, ref, "es-ES") == expected


@pytest.mark.parametrize("text,ref,expected", [
    ("Training morgen um 18 Uhr", BERLIN, [("2025-02-13T18:00:00+01:00", None, False)]),
    ("Übermorgen Kinderturnen um 16 Uhr", BERLIN, [("2025-02-14T16:00:00+01:00", None, False)]),
    ("Elternabend am Dienstag, 18.02., um 19:30 Uhr", BERLIN, [("2025-02-18T19:30:00+01:00", None, False)]),
    ("Heute Abend Stammtisch um halb 8", BERLIN, [("2025-02-12T19:30:00+01:00", None, False)]),
    ("Flohmarkt nächsten Samstag, 10-14 Uhr", BERLIN,
     [("2025-02-15T10:00:00+01:00", "2025-02-15T14:00:00+01:00", False)]),
    ("Die Skifreizeit ist vom 3. bis 7. März", BERLIN, [("2025-03-03", "2025-03-07", True)]),
    ("Wir treffen uns nächste Woche Mittwoch um 18:00", BERLIN, [("2025-02-19T18:00:00+01:00", None, False)]),
    ("Grillen am Freitag um 6 bei Jonas", BERLIN, [("2025-02-14T18:00:00+01:00", None, False)]),
    ("Schwimmkurs am Montag, den 17. Februar um 16.30 Uhr", BERLIN,
     [("2025-02-17T16:30:00+01:00", None, False)]),
    ("Chorprobe Di 18.2. l8:3O Uhr Pfarrsaal", BERLIN, [("2025-02-18T18:30:00+01:00", None, False)]),
])
def test_german_phrases(text, ref, expected):
    assert starts(text, ref, "de-DE") == expected


@pytest.mark.parametrize("text,ref,expected", [
    ("Entraînement demain à 18h", PARIS, [("2025-04-08T18:00:00+02:00", None, False)]),
    ("Anniversaire samedi prochain à 15h", PARIS, [("2025-04-12T15:00:00+02:00", None, False)]),
    ("Match après-demain à 14h30 au stade", PARIS, [("2025-04-09T14:30:00+02:00", None, False)]),
    ("Kermesse samedi 14 juin de 10h à 17h", PARIS,
     [("2025-06-14T10:00:00+02:00", "2025-06-14T17:00:00+02:00", False)]),
    ("Dîner chez mamie dimanche midi", PARIS, [("2025-04-13T12:00:00+02:00", None, False)]),
    ("Atelier vendredi à 2h de l'après-midi", PARIS, [("2025-04-11T14:00:00+02:00", None, False)]),
    ("Cours de natation le 1er mai à 16h", PARIS, [("2025-05-01T16:00:00+02:00", None, False)]),
    ("Vacances du 19 avril au 5 mai", PARIS, [("2025-04-19", "2025-05-05", True)]),
    ("Réunion reportée à jeudi 18h", PARIS, [("2025-04-10T18:00:00+02:00", None, False)]),
    ("Concert\nDimanche 27 avril\nI5h3O\nÉglise Saint-Jean", PARIS,
     [("2025-04-27T15:30:00+02:00", None, False)]),
])
def test_french_phrases(text, ref, expected):
    assert starts(text, ref, "fr-FR") == expected


@pytest.mark.parametrize("text,ref,expected", [
    ("Treino amanhã às 18h", SAO_PAULO, [("2025-08-21T18:00:00-03:00", None, False)]),
    ("Churrasco depois de amanhã às 13h", SAO_PAULO, [("2025-08-22T13:00:00-03:00", None, False)]),
    ("Aniversário no próximo sábado às 15h", SAO_PAULO, [("2025-08-23T15:00:00-03:00", None, False)]),
    ("Aniversário do Pedro sábado que vem às 16h", SAO_PAULO, [("2025-08-23T16:00:00-03:00", None, False)]),
    ("Pelada hoje às 7 da noite", SAO_PAULO, [("2025-08-20T19:00:00-03:00", None, False)]),
    ("Almoço domingo ao meio-dia", SAO_PAULO, [("2025-08-24T12:00:00-03:00", None, False)]),
    ("Festa sábado 23 de agosto das 14h às 20h", SAO_PAULO,
     [("2025-08-23T14:00:00-03:00", "2025-08-23T20:00:00-03:00", False)]),
    ("Férias de 1 a 15 de setembro", SAO_PAULO, [("2025-09-01", "2025-09-15", True)]),
    ("Consulta no dentista dia 28/08 às 9h30", SAO_PAULO, [("2025-08-28T09:30:00-03:00", None, False)]),
    ("Culto\nDomingo 24 de agosto\nl9h\nTemplo Central", SAO_PAULO,
     [("2025-08-24T19:00:00-03:00", None, False)]),
])
def test_portuguese_phrases(text, ref, expected):
    assert starts(text, ref, "pt-BR") == expected


@pytest.mark.parametrize("text,ref", [
    ("Fantastic effort at football tonight team", LONDON),  # praise
    ("Well done at the swim gala today everyone!", LONDON),
    ("Best of luck in the reading test tomorrow", LONDON),  # a wish
    ("What a match from Saturday's squad", LONDON),  # a verdict
    ("Does anyone know if it's pyjama day on Friday?", LONDON),  # asks, no time
    ("Is there choir on Wednesday?", LONDON),
    ("Yes, Mon and Wed 4-5:30 until December.", LONDON),  # a standing schedule
    ("Clubs run Tuesdays 3:30-4:30 through the end of March", LONDON),
    ("Remember the clocks go back tonight, 2am becomes 1am", LONDON),  # clock change
    ("Ojo, esta noche se cambia la hora, a las 3 serán las 2", MADRID),
    ("Mucha suerte en el examen del lunes", MADRID),
    ("Viel Glück morgen bei der Mathearbeit!", BERLIN),
    ("Bonne chance pour le contrôle de demain", PARIS),
    ("Boa sorte na prova amanhã!", SAO_PAULO),
])
def test_chatter_around_a_day_is_not_an_event(text, ref):
    assert extract_events(text, ref) == []


@pytest.mark.parametrize("text,ref", [
    ("Copied from the club chat:\n[14/05/2025, 10:41:07] Coach Dan: pitch is waterlogged", LONDON),
    ("From the PTA group:\n14/05/2025, 19:05 - Helen: cake stall needs volunteers", LONDON),
    ("Aus dem Elternchat:\n[12.02.25, 07:58:12] Frau Weber: Turnbeutel bitte mitnehmen", BERLIN),
    ("Has anyone seen a red bottle? Mia left it at practice on Tuesday", LONDON),  # lost property
    ("Her trainers are in my bag, will bring them tonight", LONDON),  # a day in passing
    ("Can you grab the spare key from me on Friday", LONDON),
    ("Yes please, Noah needs a ride on the 20th", LONDON),  # a favour asked, not an event
    ("Summer sign-ups go live June 2, I'll share the form", LONDON),  # a window opening
    ("Ticket sales open on Monday 2 June", LONDON),
    ("Las inscripciones se abren el 3 de julio", MADRID),
])
def test_pasted_stamps_passing_days_and_openings_are_not_events(text, ref):
    assert extract_events(text, ref) == []


def test_a_pasted_line_keeps_its_own_date_but_not_its_stamp():
    text = ("Copied from the newsletter\n[14/05/2025, 08:15:44] Office: Sports day on Friday 13 June\n"
            "Send sun cream")
    [event] = extract_events(text, LONDON)
    assert (event.start, event.all_day, event.title, event.location) == \
        ("2025-06-13", True, "Sports day", None)


def test_the_day_left_standing_beside_a_cancellation_is_not_a_new_event():
    events = extract_events("So no swimming Monday the 19th, but Friday is fine", LONDON)
    assert [(e.start, e.cancelled) for e in events] == [("2025-05-19", True)]


@pytest.mark.parametrize("text,ref", [
    ("Movie night in two weeks?", LONDON),  # a suggestion, not a question for information
    ("Who's coming to the 5-a-side tomorrow night?", LONDON),
    ("Is the PTA meeting on Friday at 7pm?", LONDON),  # a question with a time still counts
])
def test_suggestions_and_timed_questions_still_count(text, ref):
    assert extract_events(text, ref) != []


@pytest.mark.parametrize("text,ref", [
    ("We met yesterday at 5, it was lovely", LONDON),
    ("Jo's party was amazing on Saturday", LONDON),
    ("Sorry I'm 5 minutes late!", LONDON),
    ("call me at 3", LONDON),
    ("Thanks, that's 2/3 of the forms back", LONDON),
    ("Final score 28/40 on the quiz", LONDON),
    ("Tickets are £5 each, £12 for a family", LONDON),
    ("Merry Christmas everyone!! 🎄", LONDON),
    ("My number is 07700 900123 if you need it", LONDON),
    ("Call the office at 555-123-4567 before 5", NEW_YORK),
    ("1/2 cup sugar, 3/4 cup flour", NEW_YORK),
    ("Born on 12/03/2015, she's turning 10", LONDON),
    ("Kick off was great, we won 3-1 on Saturday", LONDON),
    ("It's minus 3 out there, brrr", SAO_PAULO),
    ("Ayer nos vimos a las 5 en el parque", MADRID),
    ("Sacó un 7/10 en el examen", MADRID),
    ("Cuesta 15€ por niño", MADRID),
    ("Hace dos semanas fuimos a la sierra", MADRID),
    ("Das Spiel gestern war super, 3:1 gewonnen!", BERLIN),
    ("Meine Nummer: 0176 12345678", BERLIN),
    ("Guten Morgen zusammen!", BERLIN),
    ("Nous avons dîné samedi à 20h chez Paul", PARIS),
    ("Mon numéro : 06 12 34 56 78", PARIS),
    ("Il a eu 15/20 en maths", PARIS),
    ("Appelle-moi à 3h", PARIS),
    ("Jantamos no sábado passado às 20h", SAO_PAULO),
    ("Meu número é (11) 98765-4321", SAO_PAULO),
    ("Custa R$ 25 por criança", SAO_PAULO),
    ("Vou atrasar 10 minutos", SAO_PAULO),
])
def test_not_events(text, ref):
    assert extract_events(text, ref) == []


@pytest.mark.parametrize("text,ref", [
    ("Basketball-Training ab jetzt immer dienstags 17-18:30 Uhr", BERLIN),  # weekly schedule
    ("Swimming every Tuesday at 5", LONDON),
    ("I work Monday to Friday 9 to 5 so can't help, sorry", LONDON),
    ("Hoy la clase ha durado 2 horas", MADRID),
    ("Sorry, can't do tomorrow, I'm working till 6", LONDON),
    ("2/3 das vagas já foram preenchidas", SAO_PAULO),
    ("Photos here: https://example.com/2025/06/14/fair-10am.html", LONDON),
])
def test_schedules_and_recaps_are_not_events(text, ref):
    assert starts(text, ref) == []


@pytest.mark.parametrize("text,ref,expected", [
    ("Hoy llegué a las 5 de la chamba, bien cansado", MADRID, []),
    ("Mañana llegaré a las 5 al partido", MADRID, [("2025-06-11T17:00:00+02:00", None, False)]),
    ("Hoje cheguei às 5 do trabalho, morto", SAO_PAULO, []),
    ("Amanhã chegarei às 5 para o jogo", SAO_PAULO, [("2025-08-21T17:00:00-03:00", None, False)]),
    ("Bin heute um 5 heimgekommen, total kaputt", BERLIN, []),
    ("Je suis rentré à 17h aujourd'hui, crevé", PARIS, []),
    ("Los martes y jueves hay fútbol a las 5", MADRID, []),
    ("Le foot c'est le mardi et le jeudi à 17h", PARIS, []),
])
def test_past_by_verb_ending_and_habits(text, ref, expected):
    assert starts(text, ref) == expected


@pytest.mark.parametrize("text,ref,expected", [
    ("pls can u bring the kit bag sat morning x", LONDON, [("2025-05-17", None, True)]),
    ("Mini rugby 9:30 sat, 10:30 sun", LONDON,
     [("2025-05-17T09:30:00+01:00", None, False), ("2025-05-18T10:30:00+01:00", None, False)]),
    ("kann jemand morgen früh die Kinder mitnehmen? um 7:30 an der Ecke", BERLIN,
     [("2025-02-13T07:30:00+01:00", None, False)]),
    ("Fête de l'école samedi 28 juin à partir de 10 heures", PARIS,
     [("2025-06-28T10:00:00+02:00", None, False)]),
    ("Réunion de rentrée le jeudi 4 septembre à 18 h 30", PARIS,
     [("2025-09-04T18:30:00+02:00", None, False)]),
    ("Festa na escola dia 10/10 das 9h às 12h", SAO_PAULO,
     [("2025-10-10T09:00:00-03:00", "2025-10-10T12:00:00-03:00", False)]),
    ("Nursery closed 14-06-2025 for staff training", LONDON, [("2025-06-14", None, True)]),
    ("Zoom call Thursday 7pm https://zoom.us/j/98765432101", LONDON,
     [("2025-05-15T19:00:00+01:00", None, False)]),
])
def test_more_shapes(text, ref, expected):
    assert starts(text, ref) == expected


@pytest.mark.parametrize("text,expected", [
    ("See you Wednesday at 5", [("2025-05-21T17:00:00+01:00", None, False)]),  # said on a Wednesday
    ("This Wednesday at 9pm, quiz at the pub", [("2025-05-14T21:00:00+01:00", None, False)]),
    ("Next Wednesday at 5, practice", [("2025-05-21T17:00:00+01:00", None, False)]),
])
def test_todays_weekday_means_next_week_unless_this(text, expected):
    assert starts(text, LONDON) == expected


def test_a_cancellation_and_its_replacement_in_one_sentence_is_one_move():
    # (a move since round 37: the review updates the proposal instead of cancelling one and
    # adding another; a cancellation of that day is answered by the move's previous start)
    events = extract_events("Monday's practice is off, see you Wednesday instead at 5", LONDON)
    assert [(e.start, e.cancelled, e.moved, e.previous_start) for e in events] == [
        ("2025-05-21T17:00:00+01:00", False, True, "2025-05-19")]


def test_weekdays_after_a_dated_trip_fall_inside_it():
    ref = datetime(2024, 9, 26, 18, tzinfo=ZoneInfo("Europe/Berlin"))  # a Thursday
    text = ("Die Klassenfahrt ist vom 14.10. bis 16.10. Abfahrt am Montag um 8.00 Uhr am "
            "Busbahnhof, Rückkehr Mittwoch ca. 15.30 Uhr.")
    # the departure's hour and the way back's make one outing, as "from Monday 8am to Wednesday"
    assert starts(text, ref) == [("2024-10-14", "2024-10-16", True),
                                 ("2024-10-14T08:00:00+02:00", "2024-10-16T15:30:00+02:00", False)]


def test_side_remarks_beside_a_dated_event_are_dropped():
    ref = datetime(2024, 11, 5, 8, tzinfo=ZoneInfo("Europe/London"))
    text = ("Ruby's 9th birthday party is Saturday 16 November, 2-4pm at Jumpin' Jacks. "
            "Invites in book bags today, RSVP to me on 07700 900456 by the 10th")
    # "today" (the invites) is no event; the RSVP limit is a deadline of its own
    assert [(e.start, e.end, e.kind) for e in extract_events(text, ref)] == [
        ("2024-11-10", None, "deadline"),
        ("2024-11-16T14:00:00+00:00", "2024-11-16T16:00:00+00:00", "event")]


@pytest.mark.parametrize("text,expected", [
    ("NYE drinks at ours from 8", [("2025-12-31T20:00:00+00:00", None, False)]),
    ("Heiligabend um 18 Uhr Krippenspiel in der Kirche", [("2025-12-24T18:00:00+01:00", None, False)]),
    ("Happy New Year's Eve everyone, see you at 8!", []),
    ("Christmas party on the 19th at 7pm", [("2025-12-19T19:00:00+00:00", None, False)]),
])
def test_named_days_only_when_no_other_date(text, expected):
    ref = datetime(2025, 12, 10, 12, tzinfo=ZoneInfo("Europe/London"))
    tz = "Europe/Berlin" if "Heiligabend" in text else None
    assert [(e.start, e.end, e.all_day) for e in extract_events(text, ref, tz=tz)] == expected


@pytest.mark.parametrize("text,ref,expected", [
    ("Last week's concert was great, the next one is on May 30 at 7", NEW_YORK,
     [("2026-05-30T19:00:00-04:00", None, False)]),  # May is long past in November: next year
    ("Das letzte Konzert war toll, das nächste ist am 30. Mai um 19 Uhr", BERLIN,
     [("2025-05-30T19:00:00+02:00", None, False)]),
    ("On Saturday, we went to the zoo at 3", LONDON, []),
    ("The PTO meets the first Tuesday of every month at 6:30 in the library", LONDON, []),
    ("Ma fille a 7 ans aujourd'hui", PARIS, []),
])
def test_past_and_look_ahead_clauses(text, ref, expected):
    assert starts(text, ref) == expected


@pytest.mark.parametrize("text,expected", [
    ("Marché samedi de 9h à midi", [("2025-04-12T09:00:00+02:00", "2025-04-12T12:00:00+02:00", False)]),
    ("Car wash Saturday 10am-noon", [("2025-04-12T10:00:00+02:00", "2025-04-12T12:00:00+02:00", False)]),
    ("Goûter samedi après-midi", [("2025-04-12", None, True)]),
])
def test_ranges_that_end_at_noon(text, expected):
    assert starts(text, PARIS) == expected


@pytest.mark.parametrize("text,ref,expected", [
    ("Brunch Sunday at half past 11 at Kate's", LONDON, [("2025-05-18T11:30:00+01:00", None, False)]),
    ("Pickup Friday quarter to 4", LONDON, [("2025-05-16T15:45:00+01:00", None, False)]),
    ("Déjeuner dimanche à midi et demi chez tata", PARIS, [("2025-04-13T12:30:00+02:00", None, False)]),
    ("Almoço domingo ao meio-dia e meia", SAO_PAULO, [("2025-08-24T12:30:00-03:00", None, False)]),
])
def test_halves_and_quarters(text, ref, expected):
    assert starts(text, ref) == expected


@pytest.mark.parametrize("text,ref,expected", [
    ("Party Saturday at five", LONDON, [("2025-05-17T17:00:00+01:00", None, False)]),
    ("Comida el domingo a la una y media", MADRID, [("2025-06-15T13:30:00+02:00", None, False)]),
    ("Treffen Samstag um fünf", BERLIN, [("2025-02-15T17:00:00+01:00", None, False)]),
    ("Festa sábado às cinco", SAO_PAULO, [("2025-08-23T17:00:00-03:00", None, False)]),
    ("Meet Saturday at one of the parks", LONDON, [("2025-05-17", None, True)]),  # "one of": no hour
])
def test_hours_in_words(text, ref, expected):
    assert starts(text, ref) == expected


@pytest.mark.parametrize("text,expected", [
    ("Bin morgen so gegen 7 am Spielplatz", [("2025-02-13T19:00:00+01:00", None, False)]),  # "am": at the
    ("Treffen um 7am am Bahnhof", [("2025-02-13T07:00:00+01:00", None, False)]),
])
def test_german_am_is_a_preposition_unless_attached(text, expected):
    ref = BERLIN
    assert starts(text.replace("Treffen um", "Treffen morgen um"), ref) == expected


def test_a_weekly_agenda_keeps_each_time_with_its_day():
    ref = datetime(2025, 10, 20, 9, tzinfo=ZoneInfo("Europe/Berlin"))
    text = ("Termine diese Woche: Di 21.10. Elternabend 19:30, Do 23.10. Wandertag (Abfahrt 8 Uhr), "
            "Fr 24.10. unterrichtsfrei.")
    events = extract_events(text, ref)
    assert [(e.start, e.cancelled, e.kind, e.title) for e in events] == [
        ("2025-10-21T19:30:00+02:00", False, "event", "Elternabend"),
        ("2025-10-23T08:00:00+02:00", False, "event", "Wandertag"),
        ("2025-10-24", False, "closure", "Unterrichtsfrei"),  # no school that day: a closure
    ]


def test_a_move_is_one_event_with_its_new_and_old_start():
    """The old day is not a separate cancellation: the proposals code moves the proposal."""
    [event] = extract_events("A reunião de amanhã foi remarcada para sexta às 10h", SAO_PAULO)
    assert (event.start, event.moved, event.previous_start, event.cancelled) == \
        ("2025-08-22T10:00:00-03:00", True, "2025-08-21", False)


@pytest.mark.parametrize("text,ref,day", [
    ("No practice Monday because of the bank holiday", LONDON, "2025-05-19"),
    ("Boys rugby training cancelled tomorrow due to rain", LONDON, "2025-05-15"),
    ("No hay entrenamiento el jueves por la lluvia", MADRID, "2025-06-12"),
    ("Kein Training am Montag wegen der Ferien", BERLIN, "2025-02-17"),
    ("Kinderturnen fällt morgen aus", BERLIN, "2025-02-13"),
    ("Pas d'entraînement mercredi à cause de la pluie", PARIS, "2025-04-09"),
    ("O jogo de sábado foi cancelado", SAO_PAULO, "2025-08-23"),
])
def test_cancellations_are_flagged_not_proposed(text, ref, day):
    events = extract_events(text, ref)
    assert [(e.start[:10], e.cancelled) for e in events] == [(day, True)]


# ------------------------------------------------------------------------- what, where, how sure


def test_title_location_confidence_and_evidence():
    [event] = extract_events("Bake sale Sat 17 May 10am-1pm in the school gym", LONDON)
    assert event.title.startswith("Bake sale")
    assert event.location == "school gym"
    assert event.evidence is not None and "17 May" in event.evidence and "10am-1pm" in event.evidence
    assert event.tz == "Europe/London" and event.lang == "en"
    [weak] = extract_events("Movie night in two weeks?", LONDON)
    assert 0 < weak.confidence < event.confidence <= 0.99


def test_flyer_headline_is_the_title_and_last_line_the_place():
    [event] = extract_events("FÊTE DE QUARTIER\nSamedi 27 septembre\nDe 11h à 15h\nParc Jarry",
                             datetime(2025, 9, 17, 12, tzinfo=ZoneInfo("America/Montreal")))
    assert (event.title, event.location) == ("FÊTE DE QUARTIER", "Parc Jarry")
    assert event.as_output()["start"] == "2025-09-27T11:00:00-04:00"


@pytest.mark.parametrize("text,ref,title,location", [
    ("Don't forget: PTA meeting tomorrow 7pm", LONDON, "PTA meeting", None),
    ("Fri 23 May - Sports Day 9:30am, Field", LONDON, "Sports Day", "Field"),
    ("SPRING\nJUMBLE SALE\nSATURDAY\n24 MAY\n10.00am - 12.00pm\nVillage Hall\nRefreshments available",
     LONDON, "SPRING JUMBLE SALE", "Village Hall"),
    ("Este viernes por la noche cenamos en casa de Ana", MADRID, "Cenamos", "casa de Ana"),
    ("Morgen um 15:30 Kindergeburtstag bei Lena", BERLIN, "Kindergeburtstag", "bei Lena"),
    ("Ce samedi, galette des rois à 16h chez Sophie", PARIS, "Galette des rois", "chez Sophie"),
    ("Jantar de anos da Rita no sábado, 20h, no restaurante Tasca do Chico", SAO_PAULO,
     "Jantar de anos da Rita", "restaurante Tasca do Chico"),
])
def test_titles_and_places(text, ref, title, location):
    [event] = extract_events(text, ref)
    assert (event.title, event.location) == (title, location)


def test_time_zone_argument_overrides_the_reference_zone():
    ref = datetime(2025, 5, 14, 17, 30, tzinfo=ZoneInfo("UTC"))
    [event] = extract_events("Soccer practice tomorrow at 5", ref, tz="America/New_York")
    assert event.start == "2025-05-15T17:00:00-04:00" and event.tz == "America/New_York"


@pytest.mark.parametrize("ref_time,start,tz", [
    ("2025-05-14T10:00:00+05:30", "2025-05-15T18:00:00+05:30", None),  # no IANA name for +05:30
    ("2025-05-14T10:00:00+01:00", "2025-05-15T18:00:00+01:00", "Etc/GMT-1"),
    ("2025-05-14T10:00:00+00:00", "2025-05-15T18:00:00+00:00", "UTC"),
])
def test_fixed_offset_reference_times(ref_time, start, tz):
    [event] = extract_events("Practice tomorrow at 6", datetime.fromisoformat(ref_time))
    assert (event.start, event.tz) == (start, tz)


@pytest.mark.parametrize("ref_time,start", [
    ("2025-11-27T09:15:00-05:00", "2026-01-12T18:30:00-05:00"),  # North American offset: m/d
    ("2025-11-27T09:15:00+00:00", "2025-12-01T18:30:00+00:00"),  # elsewhere: d/m
])
def test_day_month_order_guessed_from_an_offset(ref_time, start):
    [event] = extract_events("Holiday concert 1/12 at 6:30 pm", datetime.fromisoformat(ref_time))
    assert event.start == start


def test_forced_language_is_used():
    """A given language is not second-guessed: German tables know no "mañana"."""
    assert starts("Partido mañana a las 6", MADRID, lang="es") == [("2025-06-11T18:00:00+02:00", None, False)]
    assert starts("Partido mañana a las 6", MADRID, lang="de") == []


@pytest.mark.parametrize("bad", [
    {"ref_time": datetime(2025, 5, 14, 18, 30)},  # naive
    {"tz": "Mars/Olympus_Mons"},
    {"lang": "xx"},
])
def test_bad_arguments_raise(bad):
    kwargs = {"ref_time": LONDON, **bad}
    ref = kwargs.pop("ref_time")
    with pytest.raises(ValueError):
        extract_events("Practice tomorrow at 5", ref, **kwargs)


# ------------------------------------------------------------------------- robustness


CHAT_ALPHABET = st.sampled_from(list("0123456789 :./-–hH@apmAMPO lI,!?\n") + [
    "tomorrow", "mañana", "morgen", "demain", "amanhã", "Saturday", "sábado", "Samstag", "samedi",
    "May", "junio", "Juli", "août", "dezembro", "at ", "um ", "à ", "às ", "a las ", "Uhr", "next ",
    "no ", "cancelled", "party ", "€", "$", "%", "de ", "bis ", "to ", "from ", "🎉",
])


@settings(max_examples=300, deadline=None)
@given(text=st.lists(CHAT_ALPHABET, max_size=25).map("".join),
       minutes=st.integers(min_value=-10**6, max_value=10**6))
def test_any_text_gives_well_formed_events_or_none(text: str, minutes: int):
    """Whatever a chat holds, the resolver returns valid events (never raises)."""
    ref = LONDON + timedelta(minutes=minutes)
    for event in extract_events(text, ref):
        start = (date.fromisoformat(event.start) if event.all_day else datetime.fromisoformat(event.start))
        if event.end is not None:
            end = date.fromisoformat(event.end) if event.all_day else datetime.fromisoformat(event.end)
            assert end > start or (event.all_day and end >= start)
        assert 0 < event.confidence <= 0.99 and event.title


# ------------------------------------------------------------------------- helpers


@pytest.mark.parametrize("text,lang", [
    ("Soccer practice tomorrow at the park", "en"),
    ("Entrenamiento mañana a las seis en el parque", "es"),
    ("Training morgen um sechs Uhr auf dem Sportplatz", "de"),
    ("Entraînement demain à six heures au stade", "fr"),
    ("Treino amanhã às seis horas na quadra", "pt"),
])
def test_detect_language(text, lang):
    assert detect_language(text) == lang


@pytest.mark.parametrize("text,expected", [
    ("ok 👍", False), ("haha yes", False), ("thanks so much!", False),
    ("tomorrow?", True), ("mañana", True), ("Samstag", True), ("at 5", True), ("in two weeks", True),
])
def test_gate(text, expected):
    assert may_hold_date(text) is expected


@pytest.mark.parametrize("raw,fixed", [
    ("6:3O", "6:30"), ("l0am", "10am"), ("11:OO", "11:00"), ("I5h3O", "15h30"), ("l9h", "19h"),
    ("1O:OO", "10:00"), ("7:3Opm", "7:30pm"),
    ("Hello Otto", "Hello Otto"), ("Il a dit", "Il a dit"),
])
def test_ocr_repair_keeps_length(raw, fixed):
    assert repair(raw) == fixed and len(repair(raw)) == len(raw)


def test_mask_hides_phones_prices_durations_but_not_dates():
    text = "Call 07700 900123, £12.50, 25%, 10 minutes; 2025-05-17 at 10:00"
    masked = mask_noise(text)
    assert len(masked) == len(text)
    assert "07700" not in masked and "12.50" not in masked and "25%" not in masked
    assert "10 minutes" not in masked
    assert "2025-05-17" in masked and "10:00" in masked


# ------------------------------------------------------------------------- batch + CLI


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


GOOD = json.dumps({"id": "m1", "text": "Soccer practice tomorrow at 5",
                   "ref_time": "2025-05-14T18:30:00+01:00", "tz": "Europe/London", "locale": "en-GB"})
QUIET = json.dumps({"id": "m2", "text": "ok thanks", "ref_time": "2025-05-14T18:31:00+01:00"})


def test_extract_file_writes_one_line_per_message(tmp_path: Path):
    source = write_lines(tmp_path / "in.jsonl", [GOOD, "", QUIET])
    out = tmp_path / "out.jsonl"
    stats = extract_file(source, out)
    assert stats == {"lines": 2, "messages": 2, "events": 1, "errors": 0}
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    # The file says what the library says for the same message, confidence rounded to 3 places.
    [found] = extract_events("Soccer practice tomorrow at 5",
                             datetime.fromisoformat("2025-05-14T18:30:00+01:00"),
                             tz="Europe/London", locale="en-GB")
    assert 0 < found.confidence <= 0.99
    assert rows[0] == {"id": "m1", "events": [{
        "title": "Soccer practice", "start": "2025-05-15T17:00:00+01:00", "end": None,
        "all_day": False, "location": None, "confidence": round(found.confidence, 3), "kind": "event"}]}
    assert rows[1] == {"id": "m2", "events": []}
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_extract_file_keeps_cancellations_out_of_events(tmp_path: Path):
    line = json.dumps({"id": "c", "text": "No practice Monday, the match is Wednesday at 5",
                       "ref_time": LONDON.isoformat(), "tz": "Europe/London"})
    out = tmp_path / "out.jsonl"
    extract_file(write_lines(tmp_path / "in.jsonl", [line]), out)
    [row] = [json.loads(text) for text in out.read_text(encoding="utf-8").splitlines()]
    assert [e["start"] for e in row["events"]] == ["2025-05-21T17:00:00+01:00"]
    assert [e["start"] for e in row["cancelled"]] == ["2025-05-19"]


@pytest.mark.parametrize("bad,reason", [
    ("{not json", "not valid JSON"),
    (json.dumps({"id": 3, "text": "hi"}), "missing field 'ref_time'"),
    (json.dumps({"id": 3, "text": "hi", "ref_time": "2025-05-14T18:30:00"}), "no UTC offset"),
    (json.dumps({"id": 3, "text": "hi", "ref_time": "yesterday"}), "not ISO 8601"),
    (json.dumps({"id": 3, "text": "at 5 tomorrow", "ref_time": "2025-05-14T18:30:00Z", "tz": "No/Where"}),
     "unknown time zone"),
    (json.dumps([1, 2]), "JSON object"),
    (json.dumps({"id": 3, "text": "ok", "ref_time": "2025-05-14T18:30:00Z", "lang": "nl"}),
     "unsupported language"),
])
def test_bad_line_names_file_and_line_and_the_rest_is_processed(tmp_path: Path, bad: str, reason: str):
    source = write_lines(tmp_path / "in.jsonl", [GOOD, bad, QUIET])
    out = tmp_path / "out.jsonl"
    reported: list[InputError] = []
    with pytest.raises(InputError) as caught:
        extract_file(source, out, on_error=reported.append)
    assert caught.value.line == 2 and caught.value.path == str(source)
    assert [(e.line, reason in e.reason) for e in reported] == [(2, True)]
    assert [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()] == ["m1", "m2"]


def test_missing_input_is_an_input_error(tmp_path: Path):
    with pytest.raises(InputError, match="cannot read"):
        extract_file(tmp_path / "nope.jsonl", tmp_path / "out.jsonl")


def test_cli_extract_events(cli, tmp_path: Path):
    source = write_lines(tmp_path / "in.jsonl", [GOOD, "oops", QUIET])
    out = tmp_path / "out.jsonl"
    result = cli("extract-events", "--input", str(source), "--output", str(out))
    assert result.returncode != 0
    assert f"{source}:2:" in result.stderr
    assert [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()] == ["m1", "m2"]
    clean = write_lines(tmp_path / "clean.jsonl", [GOOD, QUIET])
    result = cli("extract-events", "--input", str(clean), "--output", str(out), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["events"] == 1


# ------------------------------------------------------------------------- issue #11: kinds, clauses

WINTER = datetime(2026, 1, 28, 19, 10, tzinfo=ZoneInfo("Europe/London"))  # Wed 28 Jan 2026
ADVENT = datetime(2026, 11, 25, 8, 15, tzinfo=ZoneInfo("Europe/Berlin"))  # Wed 25 Nov 2026
OTONO = datetime(2026, 10, 14, 17, 40, tzinfo=ZoneInfo("Europe/Madrid"))  # Wed 14 Oct 2026
FEVRIER = datetime(2026, 2, 10, 18, 45, tzinfo=ZoneInfo("Europe/Paris"))  # Tue 10 Feb 2026
MAIO = datetime(2026, 5, 6, 12, 20, tzinfo=ZoneInfo("Europe/Lisbon"))  # Wed 6 May 2026


def found(text: str, ref: datetime) -> list[tuple]:
    """(start, end, kind, cancelled, title, location) of every event found."""
    return [(e.start, e.end, e.kind, e.cancelled, e.title, e.location) for e in extract_events(text, ref)]


@pytest.mark.parametrize("text,ref,day,word", [
    ("the swimming consent forms are due next Tuesday", WINTER, "2026-02-03", "consent forms"),
    ("Ground rent is due on the 1st", WINTER, "2026-02-01", "rent"),
    ("Bitte die Anmeldung für den Ausflug bis 4.12. im Sekretariat abgeben", ADVENT, "2026-12-04",
     "Anmeldung"),
    ("Fichas de inscripción antes del viernes, por favor", OTONO, "2026-10-16", "inscripción"),
    ("Les autorisations sont à rendre avant le lundi 2 mars", FEVRIER, "2026-03-02", "autorisations"),
    ("O trabalho de ciências tem de ser entregue até sexta", MAIO, "2026-05-08", "trabalho"),
    ("Die Facharbeit ist spätestens am Montag fällig", ADVENT, "2026-11-30", "Facharbeit"),
])
def test_deadlines_are_all_day_and_titled_by_what_is_due(text, ref, day, word):
    [event] = extract_events(text, ref)
    assert (event.start, event.all_day, event.kind, event.cancelled) == (day, True, "deadline", False)
    assert word.lower() in event.title.lower()


@pytest.mark.parametrize("text,ref", [
    ("I'll send you the photos by Friday", WINTER),  # a promise, not the group's deadline
    ("My car is in the garage until Thursday", WINTER),  # a state, nothing is due
    ("Miete bitte immer bis zum 3. des Monats überweisen", ADVENT),  # every month, no one day
    ("O condomínio vence todo dia 10 de cada mês", MAIO),
])
def test_limits_that_are_no_deadline(text, ref):
    assert extract_events(text, ref) == []


@pytest.mark.parametrize("text,ref,start", [
    ("Drinks at the Swan tomorrow, half 8?", WINTER, "2026-01-29T20:30:00+00:00"),
    ("Brownies start at twenty past six on Monday", WINTER, "2026-02-02T18:20:00+00:00"),
    ("Quiz on Friday, kick off quarter to eight", WINTER, "2026-01-30T19:45:00+00:00"),
    ("Probe am Donnerstag um halb sieben", ADVENT, "2026-11-26T18:30:00+01:00"),
    ("Treffen Samstag um Viertel nach neun am Spielplatz", ADVENT, "2026-11-28T09:15:00+01:00"),
    ("Cena el viernes a las nueve menos cuarto", OTONO, "2026-10-16T20:45:00+02:00"),
    ("Départ jeudi à huit heures et quart devant l'école", FEVRIER, "2026-02-12T08:15:00+01:00"),
    ("Soirée crêpes jeudi à vingt heures", FEVRIER, "2026-02-12T20:00:00+01:00"),
    ("Jantar na sexta às oito e meia", MAIO, "2026-05-08T20:30:00+01:00"),
])
def test_times_said_in_words(text, ref, start):
    assert [e.start for e in extract_events(text, ref)] == [start]


@pytest.mark.parametrize("text,ref,expected", [
    ("Key dates for March:\n4th - Y2 trip to the farm\n11th - open evening 5.30pm in the library\n"
     "27th - last day of term, finish 2pm", WINTER,
     [("2026-03-04", "trip"), ("2026-03-11T17:30:00+00:00", "open evening"),
      ("2026-03-27", "last day of term")]),
    ("Termine Januar:\n- 12. Elternabend 19 Uhr\n- 20. Zeugnisausgabe", ADVENT,
     [("2027-01-12T19:00:00+01:00", "Elternabend"), ("2027-01-20", "Zeugnisausgabe")]),
    ("Fechas de diciembre: 4 - festival de Navidad 17h; 22 - fin del trimestre", OTONO,
     [("2026-12-04T17:00:00+01:00", "festival de Navidad"), ("2026-12-22", "fin del trimestre")]),
])
def test_agenda_lists_under_a_month_heading(text, ref, expected):
    events = extract_events(text, ref)
    assert [e.start for e in events] == [start for start, _ in expected]
    for event, (_, word) in zip(events, expected, strict=True):
        assert word.lower() in event.title.lower()
        assert not any(h in event.title.lower() for h in ("dates", "termine", "fechas"))


def test_each_event_of_a_message_keeps_its_own_title_and_place():
    text = ("Swimming Thursday 4pm at the leisure centre, and the orchestra rehearsal is Saturday "
            "10am in the music room")
    assert [(e.start, e.title, e.location) for e in extract_events(text, WINTER)] == [
        ("2026-01-29T16:00:00+00:00", "Swimming", "leisure centre"),
        ("2026-01-31T10:00:00+00:00", "The orchestra rehearsal", "music room")]


def test_a_second_time_that_names_its_own_event_is_a_second_event():
    text = "Entrenamiento de porteros el sábado a las 9 y partido a las 12 en el campo municipal"
    assert [(e.start, e.title, e.location) for e in extract_events(text, OTONO)] == [
        ("2026-10-17T09:00:00+02:00", "Entrenamiento de porteros", None),
        ("2026-10-17T12:00:00+02:00", "Partido", "campo municipal")]


@pytest.mark.parametrize("text,ref,start", [
    ("Clocks go back on Sunday! Netball still 10am Saturday at the leisure centre", WINTER,
     "2026-01-31T10:00:00+00:00"),
    ("Kein Schwimmen am Montag, aber das Konzert ist am Dienstag um 18 Uhr", ADVENT,
     "2026-12-01T18:00:00+01:00"),
    ("Ayer fue la reunión y quedamos en que la fiesta es el 31 a las 18h", OTONO,
     "2026-10-31T18:00:00+01:00"),
])
def test_one_clause_cannot_veto_another(text, ref, start):
    assert start in [e.start for e in extract_events(text, ref) if not e.cancelled]


@pytest.mark.parametrize("text,ref,start,previous", [
    ("Training verlegt auf Mittwoch 17:30, der Platz ist Donnerstag belegt", ADVENT,
     "2026-12-02T17:30:00+01:00", None),
    ("Chor heute um halb acht statt um acht", ADVENT, "2026-11-25T19:30:00+01:00",
     "2026-11-25T20:00:00+01:00"),
    ("Rehearsal moved from Tuesday to Thursday 6pm", WINTER, "2026-01-29T18:00:00+00:00", "2026-02-03"),
    ("El partido del sábado pasa al domingo a las 11", OTONO, "2026-10-18T11:00:00+02:00", "2026-10-17"),
    ("Le cours de jeudi est décalé à vendredi 17h", FEVRIER, "2026-02-13T17:00:00+01:00", "2026-02-12"),
])
def test_moves_read_the_right_way_round(text, ref, start, previous):
    [event] = extract_events(text, ref)
    assert (event.start, event.moved, event.previous_start, event.cancelled) == (start, True, previous, False)


@pytest.mark.parametrize("text,ref,day", [
    ("Am 2. Weihnachtstag Kaffee bei Tante Gerda um 15 Uhr", ADVENT, "2026-12-26T15:00:00+01:00"),
    ("Karfreitag Familienessen um 13 Uhr", ADVENT, "2027-03-26T13:00:00+01:00"),  # Easter 2027: 28 March
    ("Egg hunt on Easter Sunday at 11", WINTER, "2026-04-05T11:00:00+01:00"),
    ("Procesión del Jueves Santo a las 20:00", OTONO, None),  # a name, not the day
])
def test_named_days(text, ref, day):
    assert [e.start for e in extract_events(text, ref)] == ([day] if day else [])


@pytest.mark.parametrize("text,ref,start", [
    ("Cake sale on Thursday the 19th", WINTER, "2026-02-19"),
    ("Weds 11th: choir concert 7pm", WINTER, "2026-02-11T19:00:00+00:00"),
    ("Thurs 5th Feb parents evening", WINTER, "2026-02-05"),
])
def test_weekday_with_a_bare_day_number(text, ref, start):
    assert [e.start for e in extract_events(text, ref)] == [start]


@pytest.mark.parametrize("text,ref,start,end", [
    ("Car boot sale this weekend on the school field", WINTER, "2026-01-31", "2026-02-01"),
    ("Am Wochenende ist Flohmarkt im Hof", ADVENT, "2026-11-28", "2026-11-29"),
    ("Ce week-end : tournoi de foot au stade", FEVRIER, "2026-02-14", "2026-02-15"),
    ("Book fair in the library next week", WINTER, "2026-02-02", "2026-02-08"),
    ("Swimming gala in two weeks on Tuesday", WINTER, "2026-02-10", None),
    ("Dentro de dos semanas, el jueves, excursión al museo", OTONO, "2026-10-29", None),
    ("Para a semana, na quarta, visita de estudo ao museu", MAIO, "2026-05-13", None),
])
def test_weekends_and_weeks(text, ref, start, end):
    [event] = extract_events(text, ref)
    assert (event.start, event.end, event.all_day) == (start, end, True)


@pytest.mark.parametrize("text,ref,start,end", [
    ("Cub camp from Friday 6pm to Sunday 3pm at Broadstone Warren", WINTER,
     "2026-01-30T18:00:00+00:00", "2026-02-01T15:00:00+00:00"),
    ("Chorwochenende von Freitag 17 Uhr bis Sonntag 14 Uhr in der Jugendherberge", ADVENT,
     "2026-11-27T17:00:00+01:00", "2026-11-29T14:00:00+01:00"),
    ("Retraite du vendredi 19h au dimanche 16h", FEVRIER,
     "2026-02-13T19:00:00+01:00", "2026-02-15T16:00:00+01:00"),
])
def test_a_timed_range_across_days_is_one_event(text, ref, start, end):
    [event] = extract_events(text, ref)
    assert (event.start, event.end, event.all_day) == (start, end, False)


@pytest.mark.parametrize("text,ref,day", [
    ("No school on Monday 2/2 - teacher training", WINTER, "2026-02-02"),
    ("El lunes no hay clases por la fiesta local", OTONO, "2026-10-19"),
    ("Am Freitag ist unterrichtsfrei", ADVENT, "2026-11-27"),
    ("Pas d'école vendredi 13 février", FEVRIER, "2026-02-13"),
    ("Não há aulas na segunda-feira, dia 11", MAIO, "2026-05-11"),
    ("The library is closed on Saturday for the stocktake", WINTER, "2026-01-31"),
])
def test_closures_are_all_day_events_of_their_own_kind(text, ref, day):
    [event] = extract_events(text, ref)
    assert (event.start, event.all_day, event.kind, event.cancelled) == (day, True, "closure", False)


@pytest.mark.parametrize("text,ref", [
    ("No practice Monday because of the bank holiday", WINTER),  # the activity is off
    ("Mañana no hay clase de inglés", OTONO),  # one lesson, not the school
])
def test_an_activity_called_off_stays_a_cancellation(text, ref):
    [event] = extract_events(text, ref)
    assert event.cancelled and event.kind == "event"


@pytest.mark.parametrize("text,ref", [
    ('"Netball Saturday at 10" - is that still happening?', WINTER),  # a quoted message asked about
    ("> Choir Thursday 7.30 in the hall\nthanks, noted", WINTER),  # a quote-reply
    ("Thank you all for coming to the bake sale on Saturday!", WINTER),
    ("Vielen Dank fürs Mitmachen beim Laternenumzug am Freitag", ADVENT),
    ("Merci pour la belle fête samedi", FEVRIER),
    ("See you all Thursday!", WINTER),
    ("Nos vemos el jueves 😘", OTONO),
    ("Reminder: the clocks change this Sunday, an hour more in bed", WINTER),
    ("Horário de verão começa no domingo", MAIO),
    ("Any photos from the 24th?", WINTER),  # said on the 28th: the 24th that was
    ("Hat jemand Bilder vom Laternenumzug am 20.?", ADVENT),
])
def test_quotes_thanks_goodbyes_clock_changes_and_recent_days_are_no_events(text, ref):
    assert [e for e in extract_events(text, ref) if not e.cancelled] == []


def test_the_batch_output_has_kind_and_moves(tmp_path: Path):
    lines = [json.dumps({"id": 1, "text": "Consent forms due Friday", "ref_time": WINTER.isoformat()}),
             json.dumps({"id": 2, "text": "Choir moved from Tuesday to Thursday 7pm",
                         "ref_time": WINTER.isoformat()})]
    out = tmp_path / "out.jsonl"
    extract_file(write_lines(tmp_path / "in.jsonl", lines), out)
    first, second = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert first["events"][0]["kind"] == "deadline" and first["events"][0]["all_day"] is True
    [moved] = second["events"]
    assert (moved["start"], moved["kind"], moved["moved"], moved["previous_start"]) == \
        ("2026-01-29T19:00:00+00:00", "event", True, "2026-02-03")
    assert "cancelled" not in second  # the old day is carried by previous_start


SUMMER = datetime(2026, 6, 17, 19, 0, tzinfo=ZoneInfo("Europe/Dublin"))  # Wed 17 Jun 2026
AUGUST = datetime(2026, 8, 5, 9, 30, tzinfo=ZoneInfo("America/New_York"))  # Wed 5 Aug 2026


@pytest.mark.parametrize("text,ref,expected", [
    ("School tour is Thursday week", SUMMER, [("2026-06-25", None, True)]),  # the week after this one
    ("Camping trip Memorial Day weekend", datetime(2026, 5, 6, 9, tzinfo=ZoneInfo("America/Chicago")),
     [("2026-05-23", "2026-05-25", True)]),
    ("Neighbourhood BBQ on Labor Day at 1pm", AUGUST, [("2026-09-07T13:00:00-04:00", None, False)]),
    ("Thanksgiving dinner at Grandma's at 4", AUGUST, [("2026-11-26T16:00:00-05:00", None, False)]),
])
def test_more_named_days_and_weeks(text, ref, expected):
    assert starts(text, ref) == expected


def test_a_pasted_reminder_is_not_cancelled_by_its_instructions():
    text = "City Vets: Bella's booster is booked for 24/06 at 17:15. To cancel reply STOP"
    [event] = extract_events(text, SUMMER)
    assert (event.start, event.cancelled) == ("2026-06-24T17:15:00+01:00", False)


@pytest.mark.parametrize("text,ref,kind,cancelled", [
    ("Recycling collected Saturday this week because of the bank holiday", SUMMER, "event", False),
    ("No swimming Friday because the pool is closed", SUMMER, "event", True),
])
def test_a_reason_does_not_set_the_kind(text, ref, kind, cancelled):
    [event] = extract_events(text, ref)
    assert (event.kind, event.cancelled) == (kind, cancelled)


@pytest.mark.parametrize("text,ref,day", [
    ("Maths homework for Monday: page 12", SUMMER, "2026-06-22"),
    ("Hausaufgaben für Freitag: Seite 50", ADVENT, "2026-11-27"),
    ("Devoirs pour jeudi : exercice 3", FEVRIER, "2026-02-12"),
])
def test_homework_for_a_day_is_a_deadline(text, ref, day):
    [event] = extract_events(text, ref)
    assert (event.start, event.kind) == (day, "deadline")


@pytest.mark.parametrize("text,ref", [
    ("We're away from Monday for two weeks, holidays at last!", SUMMER),  # a family away
    ("El pilates pasa a las 20h a partir de la semana que viene", OTONO),  # a new routine
    ("Na semana que vem há provas todos os dias", MAIO),  # every day: no one event
])
def test_absences_and_routines_are_no_events(text, ref):
    assert [e for e in extract_events(text, ref) if not e.cancelled] == []


def test_several_processes_give_the_same_file_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A large file is shared among processes; the output and the errors keep the input's order."""
    from toolkit.extract import text as extract_text

    records = [json.loads(line) for line in DEV_SET.read_text(encoding="utf-8").splitlines()][:40]
    lines = [json.dumps({"id": r["id"], "text": r["text"], "ref_time": r["ref_time"], "tz": r["tz"]})
             for r in records]
    lines.insert(7, "{broken")
    lines.insert(30, json.dumps({"id": "x", "text": "hi"}))
    source = write_lines(tmp_path / "in.jsonl", lines)
    monkeypatch.setattr(extract_text, "_PARALLEL_BYTES", 0)
    monkeypatch.setattr(extract_text, "_CHUNK_LINES", 5)
    outputs, errors = [], []
    for workers in (1, 2):
        out = tmp_path / f"out{workers}.jsonl"
        reported: list[InputError] = []
        with pytest.raises(InputError):
            extract_file(source, out, on_error=reported.append, workers=workers)
        outputs.append(out.read_text(encoding="utf-8"))
        errors.append([(e.line, e.path, e.reason) for e in reported])
    assert outputs[0] == outputs[1] and len(outputs[0].splitlines()) == 40
    assert errors[0] == errors[1] and [line for line, _, _ in errors[0]] == [8, 31]


def _sample_events(name: str, zone: str) -> list[tuple[str, FoundEvent]]:
    """(message text, event) for every event the extractor finds in one of the sample chats."""
    import zipfile

    from toolkit.ingest.whatsapp import parse_text
    from toolkit.resources import sample_dir

    path = sample_dir() / name
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as archive:
            raw = archive.read("_chat.txt").decode("utf-8")
    else:
        raw = path.read_text(encoding="utf-8")
    found = []
    for message in parse_text(raw, source=name):
        text, sent = getattr(message, "text", None), getattr(message, "sent_at", None)
        if not text or not sent:
            continue
        when = datetime.fromisoformat(sent) if isinstance(sent, str) else sent
        ref = when if when.tzinfo else when.replace(tzinfo=ZoneInfo(zone))
        found += [(text, event) for event in extract_events(text, ref)]
    return found


def test_sample_chats_give_clean_titles_and_places():
    """The titles and places the issue saw garbled on the sample chats ("First practice is 2.
    Bring water…", "Away,, arrive.", "Raum 104 statt") come out clean."""
    events = (_sample_events("WhatsApp Chat - Riverside FC U10.zip", "America/New_York")
              + _sample_events("WhatsApp-Chat mit Elternrat 3b.txt", "Europe/Berlin")
              + _sample_events("WhatsApp Chat with School Parents.txt", "Europe/London"))
    by_start = {e.start: e for _text, e in events}
    first = by_start["2024-09-03T17:30:00-04:00"]
    assert (first.title, first.location) == ("First practice", "Riverside Park field 2")
    assert by_start["2024-09-17T19:30:00+02:00"].location == "Raum 104"
    assert not by_start["2024-09-17T19:30:00+02:00"].moved  # "findet ... statt" is no "instead"
    assert by_start["2024-09-27T15:15:00+01:00"].title == "BAKE SALE"  # the line before names it
    for text, event in events:
        assert ",," not in event.title and not event.title.endswith((" statt", " is")), (text, event)
        assert event.location is None or not event.location.endswith(" statt"), (text, event)


SPRING = datetime(2026, 3, 5, 20, 15, tzinfo=ZoneInfo("Europe/London"))  # Thu 5 Mar 2026


@pytest.mark.parametrize("text,ref", [
    ("Could someone give Ava a lift to netball on Saturday?", SPRING),  # a favour asked
    ("Council tax going up from April 1st, sorry folks", SPRING),  # a change from a day on
    ("Easter hols start on Fri 27th, back Mon 13th April", SPRING),  # "back" is no event
])
def test_favours_changes_and_returns_are_no_new_events(text, ref):
    assert [e.start for e in extract_events(text, ref) if e.kind == "event" and not e.cancelled] == []


def test_no_appointment_needed_cancels_nothing():
    [event] = extract_events("Eye tests at the library Tues 10th 9-12, no appointment needed", SPRING)
    assert (event.start, event.cancelled, event.location) == ("2026-03-10T09:00:00+00:00", False, "library")


@pytest.mark.parametrize("text,ref,day,word", [
    ("Science week starts Monday, lots going on", SPRING, "2026-03-09", "Science week"),
    ("La semana que viene es la semana del libro", OTONO, "2026-10-19", "semana del libro"),
])
def test_a_named_week_is_an_event(text, ref, day, word):
    [event] = extract_events(text, ref)
    assert event.start == day and word.lower() in event.title.lower()


@pytest.mark.parametrize("text,ref,day", [
    ("Os livros têm de ser levantados até sexta na secretaria", MAIO, "2026-05-08"),
    ("Las fotos hay que pedirlas antes del jueves", OTONO, "2026-10-15"),
    ("Les t-shirts sont à commander avant le 20", FEVRIER, "2026-02-20"),
])
def test_an_obligation_with_a_limit_is_a_deadline(text, ref, day):
    [event] = extract_events(text, ref)
    assert (event.start, event.kind) == (day, "deadline")


def test_a_host_and_a_farm():
    [novena] = extract_events("Ensayo el jueves a las 6 pm donde doña Rosa", OTONO)
    assert novena.location == "donde doña Rosa"
    [outing] = extract_events("Sortie à la ferme le 9 mars, prévoir des bottes", FEVRIER)
    assert (outing.kind, outing.location) == ("event", "ferme")


WINTER_US = datetime(2027, 1, 12, 8, 0, tzinfo=ZoneInfo("America/Los_Angeles"))  # Tue 12 Jan 2027


@pytest.mark.parametrize("text,ref,start,kind", [
    ("Offsite on 2/9 in Napa, details to follow", WINTER_US, "2027-02-09", "event"),
    ("Standup moved to 11 tomorrow", WINTER_US, "2027-01-13T11:00:00-08:00", "event"),
    ("Holi holiday on 14th, school will remain closed", WINTER_US, "2027-01-14", "closure"),
    ("Fees to be paid before 15th February", WINTER_US, "2027-02-15", "deadline"),
    ("Bitte die Einverständniserklärung bis spätestens 20.1. abgeben", ADVENT, "2027-01-20", "deadline"),
])
def test_round_four_shapes(text, ref, start, kind):
    assert [(e.start, e.kind) for e in extract_events(text, ref)] == [(start, kind)]


def test_a_goodbye_with_a_place_is_a_plan_and_lateness_no_event():
    [event] = extract_events("Nos vemos el 26 en casa de los tíos", OTONO)
    assert (event.start, event.location) == ("2026-10-26", "casa de los tíos")
    assert extract_events("Je serai en retard demain, la voiture est au garage", FEVRIER) == []


def test_the_chore_is_not_the_title_and_the_place_keeps_its_name():
    [feast] = extract_events("Heute keine Jause mitgeben, es gibt Würstel bei der Adventfeier", ADVENT)
    assert "Adventfeier" in feast.title and "Jause" not in feast.title and feast.location is None
    [dinner] = extract_events("Cena el sábado 17 a las 21:30 en La Tagliatella", OTONO)
    assert dinner.location == "La Tagliatella"


# ------------------------------------------------------------------------- round 5 (batch 33)

AUTUMN_SUNDAY = datetime(2027, 3, 7, 19, 0, tzinfo=ZoneInfo("Australia/Melbourne"))  # Sun 7 Mar 2027
ALLERSEELEN = datetime(2026, 11, 2, 8, 30, tzinfo=ZoneInfo("Europe/Vienna"))  # Mon 2 Nov 2026


@pytest.mark.parametrize("text,ref,start", [
    ("Coach leaves the school at 6.45 on Saturday for the regatta", WINTER, "2026-01-31T06:45:00+00:00"),
    ("Morgen um 7 Blutabnahme, bitte nüchtern kommen", ADVENT, "2026-11-26T07:00:00+01:00"),
    ("El autobús sale el jueves a las 6:30 desde el polideportivo", OTONO, "2026-10-15T06:30:00+02:00"),
    ("Wanderung am Samstag, Treffpunkt 6:45 am Parkplatz", ADVENT, "2026-11-28T06:45:00+01:00"),
    ("Choir practice Thursday at 7", WINTER, "2026-01-29T19:00:00+00:00"),
    ("Probe am Donnerstag um 7", ADVENT, "2026-11-26T19:00:00+01:00"),
    ("Cena el jueves a las 7:30 de la tarde", OTONO, "2026-10-15T19:30:00+02:00"),
])
def test_morning_hours_from_the_activity_and_the_writing_habit(text, ref, start):
    """A departure or a fasting blood test at 7 is the morning; in a language that writes the
    24-hour clock, '6:45' with its minutes is too. A practice or a meeting at '7' stays 19:00."""
    assert [e.start for e in extract_events(text, ref)] == [start]


@pytest.mark.parametrize("text,ref", [
    ("can anyone pick up Mia from gymnastics on Thursday?", WINTER),
    ("Kann jemand am Freitag die Kinder vom Turnen abholen?", ADVENT),
    ("Alguien puede llevar a Lucas al partido el sábado?", OTONO),
    ("On fait un covoit pour le tournoi de dimanche ?", FEVRIER),
    ("¿A qué hora empieza la misa del domingo?", OTONO),
    ("Wann ist nochmal das Sommerfest am Samstag?", ADVENT),
    ("À quelle heure est le match samedi ?", FEVRIER),
    ("¿Alguien sabe si el lunes es festivo?", OTONO),
    ("Thanks to all the parents who baked for the fair on Friday!", WINTER),
    ("Results from Saturday are on the club website", WINTER),
    ("Training neu jeweils am Dienstag um 18 Uhr", ADVENT),
    ("A quota do clube vence todo dia 5", MAIO),
    ("Am 3. Dezember bin ich im Urlaub", ADVENT),
])
def test_errands_questions_thanks_results_and_routines_are_no_events(text, ref):
    assert [e for e in extract_events(text, ref) if not e.cancelled] == []


@pytest.mark.parametrize("text,ref,start", [
    ("Quem pode levar bolo pra festa da Ana no sábado?", MAIO, "2026-05-09"),
    ("¿cenamos el viernes en casa de Lu? tipo 21", OTONO, "2026-10-16T21:00:00+02:00"),
    ("Churrasco no feriado de Corpus Christi, bora?", MAIO, "2026-06-04"),
    ("Das Freitagsgebet ist diese Woche um 13 Uhr", ALLERSEELEN, "2026-11-06T13:00:00+01:00"),
    ("Nets moved to Thursday this week, 5.30 at the oval", AUTUMN_SUNDAY, "2027-03-11T17:30:00+11:00"),
])
def test_proposals_named_days_and_weeks_said_on_a_sunday(text, ref, start):
    """Bringing something to a party is no errand; a proposal is a plan; a holiday names the
    day of an event held on it; 'Freitagsgebet' is a Friday; 'this week' said on a Sunday is
    the coming one."""
    [event] = extract_events(text, ref)
    assert (event.start, event.kind) == (start, "event")


def test_a_day_said_and_denied_is_a_correction():
    [event] = extract_events("the quiz is Feb 12 not Feb 11, sorry", WINTER)
    assert (event.start, event.moved, event.previous_start) == ("2026-02-12", True, "2026-02-11")


def test_days_listed_after_a_placed_weekday_share_its_week():
    assert starts("Interviews are next Tuesday and Wednesday", WINTER) == [
        ("2026-02-03", None, True), ("2026-02-04", None, True)]


@pytest.mark.parametrize("text,ref,start,kind", [
    ("Am Freitag ist schulautonom frei", ADVENT, "2026-11-27", "closure"),
    ("Entrega del informe: jueves 15 antes de las 23:59", OTONO, "2026-10-15", "deadline"),
])
def test_free_days_and_a_limit_on_the_hour(text, ref, start, kind):
    assert [(e.start, e.kind) for e in extract_events(text, ref)] == [(start, kind)]


@pytest.mark.parametrize("text,ref,title,location", [
    # where a departure leaves from is where people meet (as "bus leaves the school 6:15am")
    ("Carpool for the chess tournament: leaving the library at 8 on Saturday", WINTER,
     "chess tournament", "library"),
    ("Scout check-in Friday 6pm at the scout hall", WINTER, "check-in", "scout hall"),
    ("Concert samedi à 20h à l'auditorium de la mairie", FEVRIER, "concert", "auditorium"),
    ("Chasse aux trésors dans le jardin de la paroisse samedi à 10h", FEVRIER, "chasse aux trésors",
     "jardin de la paroisse"),
])
def test_titles_skip_departures_and_places_skip_names(text, ref, title, location):
    [event] = extract_events(text, ref)
    assert title in event.title.lower()
    assert (location is None and event.location is None) or (location and location in event.location)


def test_a_reason_has_no_venue():
    [event] = extract_events("Se corta la luz mañana de 9 a 13 por obras en la calle", OTONO)
    assert (event.start, event.location) == ("2026-10-15T09:00:00+02:00", None)


# ------------------------------------------------------------------------- round 6 (batch 34)

MORNING_RUN = datetime(2027, 6, 12, 10, 0, tzinfo=ZoneInfo("Pacific/Auckland"))  # Sat 12 Jun 2027
ZURICH_ADVENT = datetime(2026, 12, 1, 19, 30, tzinfo=ZoneInfo("Europe/Zurich"))  # Tue 1 Dec 2026


@pytest.mark.parametrize("text,ref", [
    ("Great run this morning team, 42 of us!", MORNING_RUN),
    ("Our flight got cancelled so we're stuck in Malaga till Thursday 😩", WINTER),
    ("Quelqu'un sait si la piscine ouvre le 7 mars ?", FEVRIER),
    ("Hat jemand die Ergebnisse vom Turnier am Samstag?", ADVENT),
    ("Unser Hund ist heute 3 Jahre alt geworden 🐶", ADVENT),
])
def test_verdicts_limits_knowledge_and_results_are_no_events(text, ref):
    assert extract_events(text, ref) == []


@pytest.mark.parametrize("text,ref,start,end", [
    ("El picnic de la iglesia es este sábado en el parque Elysian", OTONO, "2026-10-17", None),
    ("A inspeção do carro é na sexta, não te esqueças", MAIO, "2026-05-08", None),
    ("Wer hat am Wochenende Lust auf eine Radtour?", ADVENT, "2026-11-28", "2026-11-29"),
    ("Kizomba na sexta no Bahia, bora?", MAIO, "2026-05-08", None),
    ("Guetzli backen am Mittwochnachmittag bei Oma, wer kommt mit?", ADVENT, "2026-12-02", None),
    ("Samichlaus chunnt am Sunntig zu üs i Wald", ZURICH_ADVENT, "2026-12-06", None),
    ("hey so the AC guy is coming thurs btwn 1 and 5, can someone be home", WINTER,
     "2026-01-29T13:00:00+00:00", "2026-01-29T17:00:00+00:00"),
])
def test_a_what_the_tables_lack_said_by_the_sentence(text, ref, start, end):
    """A subject said to be on the day, a proposal to the group, a feast that names the day:
    an event whose noun the tables do not know."""
    [event] = extract_events(text, ref)
    assert (event.start, event.end, event.kind) == (start, end, "event")


@pytest.mark.parametrize("text,ref,start,end,kind", [
    ("El gimnasio cierra del 15 al 17 por reformas", OTONO, "2026-10-15", "2026-10-17", "closure"),
    ("Am 24. haben wir ab 12 Uhr zu", ADVENT, "2026-12-24", None, "closure"),
    ("Subs are $85, pay by end of June pls", WINTER, "2026-06-30", None, "deadline"),
    ("Las inscripciones del torneo cierran el viernes 16", OTONO, "2026-10-16", None, "deadline"),
])
def test_day_ranges_month_ends_and_closing_registrations(text, ref, start, end, kind):
    [event] = extract_events(text, ref)
    assert (event.start, event.end, event.kind) == (start, end, kind)


def test_a_postponement_without_a_day_cancels_and_an_article_is_no_hour():
    text = "Tempête prévue dimanche, la partie de ringuette est remise à une date ultérieure"
    events = extract_events(text, FEVRIER)
    assert [(e.start, e.cancelled) for e in events] == [("2026-02-15", True)]


def test_a_shift_moved_to_new_hours():
    text = "Shelter volunteers: the Saturday shift is now 9 to 1 instead of 10 to 2"
    [event] = extract_events(text, WINTER)
    assert (event.start, event.end, event.moved, event.previous_start) == (
        "2026-01-31T09:00:00+00:00", "2026-01-31T13:00:00+00:00", True, "2026-01-31T10:00:00+00:00")


def test_a_limit_after_a_range_is_this_weeks_day():
    text = "Ferienbetreuung im Hort vom 14. bis 18. Dezember, Anmeldung bis Freitag"
    deadline = [e for e in extract_events(text, ADVENT) if e.kind == "deadline"]
    assert [e.start for e in deadline] == ["2026-11-27"]


@pytest.mark.parametrize("text,ref,start,location", [
    ("Réunion du conseil syndical le 29 juin à 18h30 chez M. Dupont (3e étage)", FEVRIER,
     "2026-06-29T18:30:00+02:00", "chez M. Dupont"),
    ("Course d'école des 5P jeudi, départ 8h15 de la gare de Morges", FEVRIER,
     "2026-02-12T08:15:00+01:00", "gare de Morges"),
    ("Block party on Elm St this Saturday 4-9", WINTER_US, "2027-01-16T16:00:00-08:00", "Elm St"),
])
def test_abbreviations_articles_and_streets(text, ref, start, location):
    [event] = extract_events(text, ref)
    assert (event.start, event.location) == (start, location)


@pytest.mark.parametrize("text,ref,day", [
    ("Mañana viene el técnico de la caldera a primera hora", OTONO, "2026-10-15"),
    ("La collecte des encombrants passe mercredi matin", FEVRIER, "2026-02-11"),
    ("Müllabfuhr kommt diese Woche erst am Samstag", ADVENT, "2026-11-28"),
])
def test_someone_or_something_coming_on_a_day_is_a_visit(text, ref, day):
    [event] = extract_events(text, ref)
    assert (event.start, event.kind) == (day, "event")


@pytest.mark.parametrize("text,ref", [
    ("Depuis lundi le bus 701 passe toutes les 10 minutes", FEVRIER),
    ("Hoffentlich kommt sie morgen wieder", ADVENT),
    ("I'm coming on Saturday, can't wait", WINTER),
])
def test_no_visit_without_a_subject_or_since_a_day(text, ref):
    assert extract_events(text, ref) == []


# ------------------------------------------------------------------------- round 8 (batch 36)

R8_LISBON = datetime(2027, 5, 5, 19, 0, tzinfo=ZoneInfo("Europe/Lisbon"))  # Wed 5 May 2027
R8_BERLIN = datetime(2027, 4, 21, 18, 30, tzinfo=ZoneInfo("Europe/Berlin"))  # Wed 21 Apr 2027
R8_LONDON = datetime(2027, 6, 23, 8, 30, tzinfo=ZoneInfo("Europe/London"))  # Wed 23 Jun 2027
R8_PARIS = datetime(2027, 3, 15, 21, 0, tzinfo=ZoneInfo("Europe/Paris"))  # Mon 15 Mar 2027
R8_MADRID = datetime(2027, 10, 27, 19, 0, tzinfo=ZoneInfo("Europe/Madrid"))  # Wed 27 Oct 2027


@pytest.mark.parametrize("text,ref,start,previous", [
    ("A reunião de pais passou de quinta para sexta, às 18h, na escola", R8_LISBON,
     "2027-05-07T18:00:00+01:00", "2027-05-06"),
    ("Den Elternabend heute verschieben wir auf morgen, 19 Uhr", R8_BERLIN,
     "2027-04-22T19:00:00+02:00", "2027-04-21"),
    ("The committee meeting has been moved from 26th to 8th July", R8_LONDON, "2027-07-08", "2027-06-26"),
    ("Das Sommerfest wird vom 12. auf den 19. Juni verschoben", R8_BERLIN, "2027-06-19", "2027-06-12"),
])
def test_moves_from_one_day_to_another(text, ref, start, previous):
    """'passou de X para Y', 'verschieben wir auf', and a mention's own 'from'/'vom' mark the old
    day: one move with its old start, not two events."""
    announced = [e for e in extract_events(text, ref) if not e.cancelled]
    assert [(e.start, e.moved, e.previous_start) for e in announced] == [(start, True, previous)]


@pytest.mark.parametrize("text,ref,day", [
    ("Les cotisations sont à régler au plus tard le 10 du mois prochain", R8_PARIS, "2027-04-10"),
    ("Die Miete bitte bis zum 3. nächsten Monats überweisen", R8_BERLIN, "2027-05-03"),
    ("Forms and the £20 are due by the end of the month", R8_LONDON, "2027-06-30"),
])
def test_next_months_day_and_the_months_end_are_deadlines(text, ref, day):
    [event] = extract_events(text, ref)
    assert (event.start, event.kind) == (day, "deadline")


@pytest.mark.parametrize("text,ref,expected", [
    ("El 2 no hay clases, los chicos bailan a las 10 en la plaza", R8_MADRID,
     [("2027-11-02", "closure"), ("2027-11-02T10:00:00+01:00", "event")]),
    ("Le 18 mars, pas d'école. Carnaval à 14h dans la cour", R8_PARIS,
     [("2027-03-18", "closure"), ("2027-03-18T14:00:00+01:00", "event")]),
    ("Procissão sexta às 17h na praça, não tem aula", R8_LISBON,
     [("2027-05-07", "closure"), ("2027-05-07T17:00:00+01:00", "event")]),
])
def test_a_closed_day_and_a_timed_event_on_it_are_both_read(text, ref, expected):
    events = sorted(extract_events(text, ref), key=lambda e: e.all_day, reverse=True)
    assert [(e.start, e.kind) for e in events] == expected


def test_a_closure_that_only_follows_the_event_stays_out():
    """'..., danach Sommerferien': when the holidays begin, not a closed day beside the event."""
    text = "Zeugnisübergabe am Freitag um 9 Uhr, danach Sommerferien!"
    events = extract_events(text, R8_BERLIN)
    assert [(e.start, e.kind) for e in events] == [("2027-04-23T09:00:00+02:00", "event")]


@pytest.mark.parametrize("text,ref,starts_", [
    ("Le club sera fermé le 1er mai et le 8 mai", R8_PARIS, ["2027-05-01", "2027-05-08"]),
    ("Die Praxis ist am 13. und am 14. Mai geschlossen", R8_BERLIN, ["2027-05-13", "2027-05-14"]),
])
def test_an_article_after_and_is_list_glue(text, ref, starts_):
    events = extract_events(text, ref)
    assert [(e.start, e.kind) for e in events] == [(s, "closure") for s in starts_]


@pytest.mark.parametrize("text,ref,start", [
    ("Netball practice Thurs at 6pm at the leisure centre, we lost last week so come!", R8_LONDON,
     "2027-06-24T18:00:00+01:00"),
    ("Ensayo del coro el jueves a las 20:30 en la parroquia, el último fue un desastre", R8_MADRID,
     "2027-10-28T20:30:00+02:00"),
])
def test_a_side_piece_in_the_past_does_not_veto_a_timed_event(text, ref, start):
    assert starts(text, ref) == [(start, None, False)]


@pytest.mark.parametrize("text,ref,expected", [
    ("Fête du village à Sept-Îles samedi", R8_PARIS, [("2027-03-20", None, True)]),
    ("Church lunch Sunday after the service, around quarter to one", R8_LONDON,
     [("2027-06-27T12:45:00+01:00", None, False)]),
    ("Mutirão no sábado das oito às onze da manhã", R8_LISBON,
     [("2027-05-08T08:00:00+01:00", "2027-05-08T11:00:00+01:00", False)]),
    ("Quiz night at the Red Lion on Friday, 7.30 for 8", R8_LONDON,
     [("2027-06-25T20:00:00+01:00", None, False)]),
])
def test_hours_in_words_in_names_before_one_and_for_a_start(text, ref, expected):
    """A number opening a hyphenated name is no hour; 'quarter to one' is 12:45; a range of hours
    in words ends; British '7.30 for 8' starts at 8."""
    assert starts(text, ref) == expected


@pytest.mark.parametrize("text,ref", [
    ("Sorry, ich kann am Samstag nicht zum Sommerfest", R8_BERLIN),
    ("Do you remember the picnic on the 20th? Lovely day", R8_LONDON),
    ("Vacances du 1er au 5 avril, reprise le mardi 6", R8_PARIS),
])
def test_declines_memories_and_returns_are_no_events(text, ref):
    assert [e for e in extract_events(text, ref) if e.kind == "event" and not e.cancelled] == []


def test_a_day_before_the_holidays_is_no_closure():
    text = "Termine:\n16.6. Sportfest 9 Uhr\n25.6. letzter Schultag vor den Sommerferien"
    kinds = {e.start[:10]: e.kind for e in extract_events(text, R8_BERLIN)}
    assert kinds == {"2027-06-16": "event", "2027-06-25": "event"}


@pytest.mark.parametrize("text,ref,expected", [
    ("Festakt am Sonntag um 11 Uhr im Rathaus, Feuerwerk um halb zehn am Abend", R8_BERLIN,
     ["2027-04-25T11:00:00+02:00", "2027-04-25T21:30:00+02:00"]),
    # one event: 'races start' is a part; it starts then, the warm-up is its call-up
    ("Swim gala on Saturday, warm up 8:45, races start 9:30", R8_LONDON, ["2027-06-26T09:30:00+01:00"]),
    ("Fun run on Saturday at 7:30am, prize giving 9:15", R8_LONDON, ["2027-06-26T07:30:00+01:00"]),
    ("Sortie vélo samedi à 9h, départ du parking, et le pique-nique dimanche à la même heure", R8_PARIS,
     ["2027-03-20T09:00:00+01:00", "2027-03-21T09:00:00+01:00"]),
])
def test_second_hours_of_the_day_and_the_same_time(text, ref, expected):
    """A second hour whose piece names its own event is a second event (not a part: 'races
    start'); 'à la même heure' takes the hour of the event before."""
    assert [s for s, _e, _a in starts(text, ref)] == expected


@pytest.mark.parametrize("text,ref,location", [
    ("Ansegeln am Samstag um 11, Treffpunkt Steg 4 am Yachthafen", R8_BERLIN, "Steg 4"),
    ("Lauftreff am Sonntag um 9 Uhr ab Clara-Zetkin-Park", R8_BERLIN, "Clara-Zetkin-Park"),
    ("Book club moved to Thursday 8th July, same venue, same time", R8_LONDON, None),
    ("Desfile segunda às 9h na Av. Paulista", R8_LISBON, "Av. Paulista"),
])
def test_places_keep_numbers_and_abbreviations_and_same_venue_is_none(text, ref, location):
    [event] = [e for e in extract_events(text, ref) if not e.cancelled]
    assert event.location == location


def test_a_deadline_with_no_words_is_titled_by_the_sentence_before():
    [event] = extract_events("Já pagaram a mensalidade da natação? Vence amanhã", R8_LISBON)
    assert (event.start, event.kind, event.title) == \
        ("2027-05-06", "deadline", "Já pagaram a mensalidade da natação")


@pytest.mark.parametrize("text,ref,day", [
    ("Am Freitag nach Christi Himmelfahrt ist schulfrei", R8_BERLIN, "2027-05-07"),
    ("The Friday after Thanksgiving the office is closed",
     datetime(2027, 11, 10, 9, 0, tzinfo=ZoneInfo("America/New_York")), "2027-11-26"),
])
def test_a_weekday_after_a_feast(text, ref, day):
    [event] = extract_events(text, ref)
    assert (event.start, event.kind) == (day, "closure")


def test_an_event_then_its_move_in_the_next_sentence_is_one_move():
    text = "Sortie au lac dimanche, départ à 9h... finalement reportée au dimanche suivant"
    [event] = extract_events(text, R8_PARIS)
    assert (event.start, event.moved, event.previous_start) == \
        ("2027-03-28T09:00:00+02:00", True, "2027-03-21")


def test_a_days_heading_gives_way_to_the_event_at_its_hour():
    """'Staatsfeiertag am Sonntag: Festakt ... um 10 Uhr': the heading names the day, the piece
    with the hour names the event."""
    [event] = extract_events("Nationalfeiertag am Montag: Frühschoppen im Gemeindesaal um 11 Uhr", R8_BERLIN)
    assert (event.start, event.title) == ("2027-04-26T11:00:00+02:00", "Frühschoppen")


# ------------------------------------------------------------------------- round 9 (batch 37)


@pytest.mark.parametrize("text,ref,day", [
    ("Quotas do rancho até ao fim do mês, por favor", R8_LISBON, "2027-05-31"),
    ("Il faut renouveler la carte de bus avant la fin du mois", R8_PARIS, "2027-03-31"),
    ("Las cuotas hay que pagarlas antes de fin de mes", R8_MADRID, "2027-10-31"),
    ("Pacht für die Parzelle bitte bis zum 30.6. aufs Vereinskonto", R8_BERLIN, "2027-06-30"),
    ("Subs for the season by the end of the month please", R8_LONDON, "2027-06-30"),
])
def test_a_limit_on_a_fee_or_renewal_is_a_deadline_with_or_without_a_digit(text, ref, day):
    """The gate lets the month's end through with no digit in the message; fees ('quotas',
    'subs', 'Pacht') and renewals are things to pay or do by a limit ('avant la', 'bis zum')."""
    assert may_hold_date(text)
    [event] = extract_events(text, ref)
    assert (event.start, event.all_day, event.kind) == (day, True, "deadline")


def test_the_gate_still_skips_text_with_no_date():
    assert not may_hold_date("Wie war das Fest? Der Monat war lang")


@pytest.mark.parametrize("text,kept", [
    ("La sortie est décalée au samedi 29, même heure, 8 heures et demie au ponton", "8 heures"),
    ("Le pique-nique est avancé à dimanche 12, même heure (11 heures)", "11 heures"),
    ("Missa no sábado às 6 horas da tarde", "6 horas"),
    ("Rendez-vous samedi, 10 heures précises", "10 heures"),
])
def test_the_duration_mask_keeps_hours_of_the_clock(text, kept):
    assert kept in mask_noise(text)


@pytest.mark.parametrize("text,blanked", [
    ("Ça dure 2 heures et demie, prévoyez de l'eau", "2 heures"),
    ("Randonnée samedi, comptez 3 heures de marche", "3 heures"),
    ("The hike on Saturday takes 3 hours", "3 hours"),
])
def test_the_duration_mask_still_blanks_durations(text, blanked):
    assert blanked not in mask_noise(text)


def test_the_same_time_in_hours_after_a_move_is_read():
    [event] = extract_events("Le pique-nique est avancé à dimanche 28, même heure (11 heures)", R8_PARIS)
    assert (event.start, event.moved) == ("2027-03-28T11:00:00+02:00", True)


@pytest.mark.parametrize("text,ref,closed", [
    ("No school Wed 30th for St George's Day, back Thursday", R8_LONDON, "school"),
    ("El viernes 29 es feriado, la oficina cierra", R8_MADRID, "oficina"),
    ("Dia 26 é São João, feriado na cidade, a loja está fechada", R8_LISBON, "loja"),
    ("Mercredi 17, fête du village, pas de cours au collège", R8_PARIS, "cours"),
    ("Morgen ist Feiertag, keine Schule", R8_BERLIN, "Schule"),
    ("Die Bibliothek ist vom 27.4. bis 29.4. wegen Inventur geschlossen", R8_BERLIN, "Bibliothek"),
])
def test_a_closure_is_titled_by_what_is_closed_not_the_holiday_or_the_reason(text, ref, closed):
    [event] = extract_events(text, ref)
    assert event.kind == "closure" and closed.lower() in event.title.lower(), event


@pytest.mark.parametrize("text,ref,day", [
    ("El sábado 30 es San Ignacio, el polideportivo no abre", R8_MADRID, "2027-10-30"),
    ("Segunda-feira, dia 10, é feriado, a escola não abre", R8_LISBON, "2027-05-10"),
    ("Amanhã não tem expediente no escritório", R8_LISBON, "2027-05-06"),
])
def test_not_opening_is_a_closure(text, ref, day):
    [event] = extract_events(text, ref)
    assert (event.start, event.kind) == (day, "closure")


@pytest.mark.parametrize("text,ref,start", [
    ("Musikprobe heute ausnahmsweise erst um halb neun", R8_BERLIN, "2027-04-21T20:30:00+02:00"),
    ("Reunião hoje às 10, no salão", R8_LISBON, "2027-05-05T22:00:00+01:00"),
    ("Chorprobe heute um 8:30 Uhr", R8_BERLIN, "2027-04-21T08:30:00+02:00"),  # 24-hour: as written
    ("Musikprobe morgen um halb neun", R8_BERLIN, "2027-04-22T08:30:00+02:00"),  # not today
])
def test_a_morning_hour_of_today_gone_by_is_the_evenings(text, ref, start):
    """Said at 18:30-19:00: today's bare 8:30, already past, is 20:30 (still to come)."""
    assert [s for s, _e, _a in starts(text, ref)] == [start]


@pytest.mark.parametrize("text,ref,days", [
    ("Morgen keine Schule, und am Montag, Tag der DG, auch nicht", R8_BERLIN, ["2027-04-22", "2027-04-26"]),
    ("El jueves no hay clases, y el viernes tampoco", R8_MADRID, ["2027-10-28", "2027-10-29"]),
    ("Le musée est fermé mercredi, et jeudi non plus", R8_PARIS, ["2027-03-17", "2027-03-18"]),
    ("No school on Thursday, and not on Friday either", R8_LONDON, ["2027-06-24", "2027-06-25"]),
])
def test_not_either_repeats_the_closure_before_for_its_day(text, ref, days):
    events = extract_events(text, ref)
    assert [(e.start, e.kind) for e in events] == [(day, "closure") for day in days]
    assert events[0].title == events[1].title


def test_a_weekday_with_der_and_its_day_number():
    text = "Umzug ist Samstag der 1., wir stehen ab 10:30 an der Ecke"
    assert [s for s, _e, _a in starts(text, R8_BERLIN)] == ["2027-05-01T10:30:00+02:00"]


@pytest.mark.parametrize("text,ref,days", [
    ("The office is closed on the 30th for the holiday, reopening Monday 3rd", R8_LONDON, ["2027-06-30"]),
    ("La biblioteca cierra el viernes 29, reabre el martes 2", R8_MADRID, ["2027-10-29"]),
])
def test_reopening_is_no_event(text, ref, days):
    assert [e.start for e in extract_events(text, ref)] == days


@pytest.mark.parametrize("text,ref,expected", [
    ("Parade is Saturday 26th from 10am on the green, children must be at the assembly point by 8",
     R8_LONDON, [("2027-06-26T10:00:00+01:00", "event")]),
    ("Project due Friday 25th before 11:59pm, hand it in online", R8_LONDON,
     [("2027-06-25", "deadline")]),
])
def test_an_hour_to_arrive_by_is_neither_a_deadline_nor_an_event(text, ref, expected):
    assert [(e.start, e.kind) for e in extract_events(text, ref)] == expected


def test_a_move_between_two_weekdays_with_a_clitic():
    text = "Ensayo de la banda: lo pasamos del martes al miércoles, a las 20:30 como siempre"
    [event] = [e for e in extract_events(text, R8_MADRID) if not e.cancelled]
    assert (event.start, event.moved, event.previous_start) == \
        ("2027-11-03T20:30:00+01:00", True, "2027-11-02")


@pytest.mark.parametrize("text,ref,cancelled", [
    ("Se canceló la clase de bomba de este sábado, la maestra está enferma", R8_MADRID, ["2027-10-30"]),
    ("Che, ¿se suspendió lo del sábado?", R8_MADRID, []),
    ("Is training cancelled on Saturday?", R8_LONDON, []),
])
def test_a_cancellation_in_the_past_tense_counts_and_one_asked_about_does_not(text, ref, cancelled):
    assert [e.start for e in extract_events(text, ref) if e.cancelled] == cancelled


@pytest.mark.parametrize("text,ref,locale,day", [
    ("Camp closed on Independence Day, enjoy the long weekend!",
     datetime(2027, 7, 27, 18, 0, tzinfo=ZoneInfo("America/Jamaica")), None, "2027-08-06"),
    ("Office closed on Independence Day", datetime(2027, 6, 23, 9, 0, tzinfo=ZoneInfo("UTC")), "en-US",
     "2027-07-04"),
    ("No hay clases el Día de la Independencia", datetime(2027, 9, 8, 12, 0, tzinfo=ZoneInfo("UTC")),
     "es-CR", "2027-09-15"),
    ("Não há aulas no Dia da Independência",
     datetime(2027, 9, 1, 18, 0, tzinfo=ZoneInfo("America/Sao_Paulo")), None, "2027-09-07"),
])
def test_a_national_day_is_the_messages_countrys(text, ref, locale, day):
    """The country comes from the locale ('es-CR'), else the zone ('America/Jamaica')."""
    [event] = extract_events(text, ref, locale=locale)
    assert (event.start, event.kind) == (day, "closure")


def test_a_national_day_of_an_unknown_country_is_no_date():
    ref = datetime(2027, 6, 23, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    assert extract_events("Pas d'école le jour de l'indépendance", ref, lang="fr") == []


@pytest.mark.parametrize("text,ref,day", [
    ("Wedding Saturday 26th from 10am, please confirm for transport by Friday", R8_LONDON, "2027-06-25"),
    ("Bitte die Fotos vom Ausflug bis Freitag in den Ordner hochladen", R8_BERLIN, "2027-04-23"),
])
def test_confirming_and_uploading_by_a_day_are_deadlines(text, ref, day):
    assert [e.start for e in extract_events(text, ref) if e.kind == "deadline"] == [day]


R9_TEGUCIGALPA = datetime(2027, 9, 8, 19, 0, tzinfo=ZoneInfo("America/Tegucigalpa"))  # Wed 8 Sep 2027


@pytest.mark.parametrize("text", [
    "Feria del libro en la universidad del jueves 9 al sábado 11, entrada gratis",
    "Camp from Thu 9th to Sat 11th at the scout hut",
])
def test_a_span_of_weekdays_with_their_day_numbers_is_one_event(text):
    assert starts(text, R9_TEGUCIGALPA) == [("2027-09-09", "2027-09-11", True)]


@pytest.mark.parametrize("text,start", [
    ("Rehearsal moved from Thu 9th to Sat 11th at 6pm", "2027-09-11T18:00:00-06:00"),
    ("Lo pasamos del jueves 9 al sábado 11, a las 8 pm", "2027-09-11T20:00:00-06:00"),
])
def test_a_move_between_weekdays_with_day_numbers_has_its_old_day(text, start):
    [event] = [e for e in extract_events(text, R9_TEGUCIGALPA) if not e.cancelled]
    assert (event.start, event.moved, event.previous_start) == (start, True, "2027-09-09")


@pytest.mark.parametrize("text,ref,expected", [
    ("Regatta at the harbour Sat the 26th, check in by 6:30am, first race 7:15", R8_LONDON,
     [("2027-06-26T07:15:00+01:00", "Regatta")]),
    ("Ausrückung zum Erntedankfest am Sonntag, 25.4., Treffpunkt 8:45 beim Rüsthaus, Messe um 9:30",
     R8_BERLIN, [("2027-04-25T09:30:00+02:00", "Ausrückung zum Erntedankfest")]),
    ("Fun run on Saturday at 7:30am, prize giving 9:15", R8_LONDON,  # the event's own hour first
     [("2027-06-26T07:30:00+01:00", "Fun run")]),
    # the call-up first, the start named by a word that is no event of its own
    ("U10s at home Sunday, meet 9.15 at the pitch, kick off 10am", R8_LONDON,
     [("2027-06-27T10:00:00+01:00", "U10s")]),
    ("Concert Friday at the town hall, call time 6pm for a 7pm start", R8_LONDON,
     [("2027-06-25T19:00:00+01:00", "Concert")]),
    ("Gala on Saturday: warm up 8:45, races start 9:30", R8_LONDON,
     [("2027-06-26T09:30:00+01:00", "Gala")]),
    ("Partido el domingo en el Gallur: convocatoria a las 9:30, saque a las 10:30", R8_MADRID,
     [("2027-10-31T10:30:00+01:00", "Partido")]),
    ("Match dimanche à Lyon, rdv 13h au club, coup d'envoi 15h", R8_PARIS,
     [("2027-03-21T15:00:00+01:00", "Match")]),
    ("Turnier am Samstag in Wels, Anpfiff 10 Uhr, Treffpunkt 9:15 beim Vereinsheim", R8_BERLIN,
     [("2027-04-24T10:00:00+02:00", "Turnier")]),
    # both hours in a sentence of their own, after the day's
    ("Jogo sábado no campo do Bonfim. Concentração às 8h15, início às 9h", R8_LISBON,
     [("2027-05-08T09:00:00+01:00", "Jogo")]),
    # a call-up with no start beside it is the only hour there is
    ("Hike on Saturday, meet 9am at the car park, back by 4", R8_LONDON,
     [("2027-06-26T09:00:00+01:00", "Hike")]),
])
def test_a_call_up_hour_beside_the_events_own_hour_gives_way(text, ref, expected):
    events = extract_events(text, ref)
    assert [e.start for e in events] == [start for start, _title in expected]
    assert all(e.title.startswith(title) for e, (_start, title) in zip(events, expected, strict=True))


@pytest.mark.parametrize("text,ref,location", [
    ("Galo da Madrugada sábado, concentração às 6h no Forte das Cinco Pontas", R8_LISBON,
     "Forte das Cinco Pontas"),  # a number word inside a name is no hour
    ("Ensaio do maracatu na quinta às 19h30 no pátio de São Pedro", R8_LISBON, "pátio de São Pedro"),
    ("Zahnarzttermin: Mo, 26. Apr. 2027, 14:40 Uhr, Dr. Wieser, Bahnhofstraße 12.", R8_BERLIN,
     "Bahnhofstraße 12"),
    ("Lavagem na quinta, a gente sai da Conceição da Praia às 8h", R8_LISBON, "Conceição da Praia"),
    ("La excursión sale el domingo a las 6, salimos del parque central", R8_MADRID, "parque central"),
])
def test_places_with_number_words_saints_streets_and_departures(text, ref, location):
    [event] = extract_events(text, ref)
    assert event.location == location


@pytest.mark.parametrize("text,ref,expected", [
    ("See you all at the match on Saturday! 💚", R8_LONDON, []),
    ("Nos vemos el domingo en la misa 🙏", R8_MADRID, []),
    ("Nos vemos el 30 en casa de los abuelos", R8_MADRID, ["2027-10-30"]),  # a plan with a place
    ("See you at the match on Saturday at 3", R8_LONDON, ["2027-06-26T15:00:00+01:00"]),  # an hour
])
def test_a_goodbye_before_a_known_event_announces_nothing(text, ref, expected):
    assert [e.start for e in extract_events(text, ref)] == expected


@pytest.mark.parametrize("text,ref,expected", [
    ("Não tem aula segunda nem terça de carnaval, volta quarta depois do meio-dia", R8_LISBON,
     [("2027-05-10", "closure"), ("2027-05-11", "closure")]),
    ("No school Monday, back Tuesday at 9", R8_LONDON, [("2027-06-28", "closure")]),
    ("Choir is back next Wednesday 7.30 at St Barnabas", R8_LONDON,
     [("2027-06-30T19:30:00+01:00", "event")]),  # an event that is back, no closure before
])
def test_back_at_an_hour_after_closed_days_is_no_event(text, ref, expected):
    assert [(e.start, e.kind) for e in extract_events(text, ref)] == expected


@pytest.mark.parametrize("text,ref,starts_", [
    ("Kehrwoche: diese Woche sind Müllers dran, nächste Woche ihr", R8_BERLIN, []),
    ("Esta semana le toca a Pepe sacar la basura, el lunes a Juan", R8_MADRID, []),
    ("Next week it's our turn to host book club on Thursday at 7", R8_LONDON, ["2027-07-01T19:00:00+01:00"]),
])
def test_a_rota_of_turns_is_no_event_unless_it_has_an_hour(text, ref, starts_):
    assert [e.start for e in extract_events(text, ref)] == starts_


@pytest.mark.parametrize("text,ref,starts_", [
    ("Oigan, el domingo que viene no voy a poder ir, ando de viaje", R8_MADRID, []),
    ("Ainda não sei se vou no sábado, depende do barco das 7", R8_LISBON, []),
    ("Sorry, not sure if I can make Friday", R8_LONDON, []),
    ("Je ne pourrai pas venir samedi, j'ai un deuil au village", R8_PARIS, []),
    # a reason's own hour is an appointment, as the sets label it
    ("No puedo el jueves, tengo médico a las 10", R8_MADRID, ["2027-10-28T10:00:00+02:00"]),
    # "del trabajo" is a noun, nobody declines
    ("Juego de softbol de los del trabajo el domingo 31 a las 9", R8_MADRID, ["2027-10-31T09:00:00+01:00"]),
])
def test_a_day_the_writer_declines_or_doubts_is_no_event(text, ref, starts_):
    assert [e.start for e in extract_events(text, ref)] == starts_


@pytest.mark.parametrize("text,ref,starts_", [
    ("Kann jemand am Dienstag um 7 die Kinder zur Schule fahren? Mein Auto ist in der Werkstatt",
     R8_BERLIN, []),
    ("Hat jemand am Sonntagvormittag Zeit, beim Umzug zu helfen? Ab 9 wäre super", R8_BERLIN, []),
    ("Is anyone free Saturday at 10 to help with the stall?", R8_LONDON, []),
    # a later sentence that sets where and when to meet is an arrangement
    ("kann jemand morgen früh die Kinder mitnehmen? um 7:30 an der Ecke", R8_BERLIN,
     ["2027-04-22T07:30:00+02:00"]),
])
def test_an_errand_asked_for_is_no_event_even_with_its_hour(text, ref, starts_):
    assert [e.start for e in extract_events(text, ref)] == starts_


@pytest.mark.parametrize("text,ref,starts_", [
    ("Könnt ihr mir sagen, ob am Donnerstag Turnen ist? Hab's verpasst", R8_BERLIN, []),
    ("Can someone tell me if there's training on Thursday?", R8_LONDON, []),
    ("À quelle heure finit l'école mercredi ? 11h30 ou 12h ?", R8_PARIS, []),
    ("What time does the party start on Saturday? 7 or 8?", R8_LONDON, []),
    ("Che, ¿el asado del domingo sigue en pie o lo suspendemos por el calor?", R8_MADRID, []),
    ("A ver si quedamos algún viernes de estos, que hace siglos", R8_MADRID, []),
    ("Wir sollten mal irgendeinen Samstag grillen", R8_BERLIN, []),
    # a question that proposes, with its hour, still does
    ("¿Cenamos el viernes a las 9 en lo de Marta?", R8_MADRID, ["2027-10-29T21:00:00+02:00"]),
])
def test_questions_for_information_and_days_not_chosen_are_no_events(text, ref, starts_):
    assert [e.start for e in extract_events(text, ref)] == starts_


@pytest.mark.parametrize("text,ref,expected", [
    ("Kita am Freitag, 30.4., wegen Teamfortbildung geschlossen", R8_BERLIN, [("2027-04-30", "closure")]),
    ("Am 1. Mai ist die Bücherei zu, sonst normale Öffnungszeiten", R8_BERLIN,
     [("2027-05-01", "closure")]),
    ("The rink is closed on Monday, sorry folks", R8_LONDON, [("2027-06-28", "closure")]),
    # a reason after "wegen" still names no closure of its own
    ("Training am Freitag um 18 Uhr wegen der Hitze im Hallenbad", R8_BERLIN,
     [("2027-04-23T18:00:00+02:00", "event")]),
])
def test_closed_after_its_reason_and_zu_before_a_comma_close_the_day(text, ref, expected):
    assert [(e.start, e.kind) for e in extract_events(text, ref)] == expected


@pytest.mark.parametrize("text,ref,day,word", [
    ("Skilager-Anmeldung bitte bis Ende Monat abgeben", R8_BERLIN, "2027-04-30", "Anmeldung"),
    ("Matrícula da natação até sexta, depois só ano que vem", R8_LISBON, "2027-05-07", "Matrícula"),
])
def test_end_of_month_without_article_and_enrolment_are_deadlines(text, ref, day, word):
    [event] = extract_events(text, ref)
    assert (event.start, event.kind) == (day, "deadline") and word in event.title


@pytest.mark.parametrize("text,ref,starts_", [
    ("Kitchen party on Saturday 26th from 14hrs at the Civic Centre", R8_LONDON,
     ["2027-06-26T14:00:00+01:00"]),
    ("The drive on Saturday takes 14hrs, leaving at 6am", R8_LONDON, ["2027-06-26T06:00:00+01:00"]),
    ("Workshop on Saturday from 2 hours after lunch", R8_LONDON, ["2027-06-26"]),
])
def test_an_afternoon_hour_in_hrs_from_which_an_event_runs(text, ref, starts_):
    assert [e.start for e in extract_events(text, ref)] == starts_


@pytest.mark.parametrize("text,start,previous", [
    ("El convivio de la escuela se pasa del viernes 9 al sábado 10 de julio, a las 5 pm",
     "2027-07-10T17:00:00-06:00", "2027-07-09"),
    ("Lo pasamos del viernes 9 al sábado 10 de julio", "2027-07-10", "2027-07-09"),
])
def test_a_move_between_days_of_a_named_month_is_no_span(text, start, previous):
    ref = datetime(2027, 6, 30, 20, 0, tzinfo=ZoneInfo("America/Mexico_City"))
    [event] = extract_events(text, ref)
    assert (event.start, event.moved, event.previous_start) == (start, True, previous)


@pytest.mark.parametrize("text,ref,starts_", [
    ("Il a plu toute la journée de lundi, les routes sont impraticables", R8_PARIS, []),
    ("On a fini le chantier mardi, merci à tous", R8_PARIS, []),
    ("On a match samedi à 15h au stade", R8_PARIS, ["2027-03-20T15:00:00+01:00"]),
])
def test_irregular_french_participles_are_past(text, ref, starts_):
    assert [e.start for e in extract_events(text, ref)] == starts_


@pytest.mark.parametrize("text,ref,starts_,location", [
    ("La calenda sale el sábado a las 7 de la noche del templo de Santo Domingo", R8_MADRID,
     ["2027-10-30T19:00:00+02:00"], "Santo Domingo"),
    ("Block party on Elm St this Saturday 4-9", R8_LONDON, ["2027-06-26T16:00:00+01:00"], "Elm St"),
])
def test_a_weekday_in_a_saints_name_is_no_day(text, ref, starts_, location):
    events = extract_events(text, ref)
    assert [e.start for e in events] == starts_ and location in (events[0].location or "")


@pytest.mark.parametrize("text,ref,starts_", [
    ("Choir, can we squeeze in an extra rehearsal on the Thursday before? The concert is Sun 27th at 3",
     R8_LONDON, ["2027-06-27T15:00:00+01:00"]),
    ("Rehearsal on the Thursday after, 7pm", R8_LONDON, []),
    ("Rehearsal on Thursday before the concert, 7pm", R8_LONDON, ["2027-06-24T19:00:00+01:00"]),
])
def test_the_weekday_before_or_after_another_event_is_not_the_coming_one(text, ref, starts_):
    assert [e.start for e in extract_events(text, ref)] == starts_


@pytest.mark.parametrize("text,starts_", [
    ("Lundi 20 décembre pas de classe pour la Fèt Kaf. Kabar dimanche soir à partir de 19h à Saint-Paul",
     ["2027-12-19T19:00:00+04:00", "2027-12-20"]),
    # a weekday far from the date keeps its coming day
    ("Lundi 20 décembre pas de classe. Réunion jeudi à 18h", ["2027-12-16T18:00:00+04:00", "2027-12-20"]),
])
def test_a_bare_weekday_beside_a_far_date_is_its_eve_or_day_after(text, starts_):
    ref = datetime(2027, 12, 10, 19, 0, tzinfo=ZoneInfo("Indian/Reunion"))  # Friday
    assert [e.start for e in extract_events(text, ref)] == starts_


@pytest.mark.parametrize("text,ref,expected", [
    ("Festa julina da igreja sábado 8 a partir das 18h, vai ter quadrilha às 20h", R8_LISBON,
     [("2027-05-08T18:00:00+01:00", "Festa julina"), ("2027-05-08T20:00:00+01:00", "quadrilha")]),
    ("Fiesta del barrio el sábado desde las 17h, habrá piñata a las 19h", R8_MADRID,
     [("2027-10-30T17:00:00+02:00", "Fiesta"), ("2027-10-30T19:00:00+02:00", "piñata")]),
    # an hour that only says until when is no second event
    ("Fiesta del barrio el sábado desde las 17h hasta las 21h", R8_MADRID,
     [("2027-10-30T17:00:00+02:00", "Fiesta")]),
])
def test_what_there_will_be_at_a_second_hour_is_a_second_event(text, ref, expected):
    events = extract_events(text, ref)
    assert [e.start for e in events] == [s for s, _ in expected]
    assert all(word.lower() in e.title.lower() for e, (_, word) in zip(events, expected, strict=True))


@pytest.mark.parametrize("text,location", [
    ("Hiking the Dragon's Back on Sunday, meet Shau Kei Wan MTR exit A3 at 9", "Shau Kei Wan MTR"),
    ("Meet Santa on Sunday at 3, photos £5", None),
])
def test_a_meeting_point_named_without_a_preposition(text, location):
    [event] = extract_events(text, R8_LONDON)
    assert event.location == location


@pytest.mark.parametrize("text,day", [
    ("Whit Friday walks this year, band at 2pm", "2027-05-21T14:00:00+01:00"),
    ("Whit Sunday service at 10", "2027-05-16T10:00:00+01:00"),
])
def test_whitsun_days_are_named_days(text, day):
    ref = datetime(2027, 4, 12, 20, 0, tzinfo=ZoneInfo("Europe/London"))
    assert [e.start for e in extract_events(text, ref)] == [day]


@pytest.mark.parametrize("text,start", [
    ("Contest is Friday 25th June, we play at Delph at 4.15, coach from the bandroom at 1",
     "2027-06-25T16:15:00+01:00"),
    ("Trip Friday 25th June, coach leaves the clubhouse at 7.15", "2027-06-25T07:15:00+01:00"),
])
def test_a_departure_makes_only_its_own_hour_the_mornings(text, start):
    assert [e.start for e in extract_events(text, R8_LONDON)][:1] == [start]


R11_LONDON = datetime(2027, 3, 10, 18, 0, tzinfo=ZoneInfo("Europe/London"))


@pytest.mark.parametrize("text,start", [
    ("Gig rowing crews out on the water Saturday at 8 from the slip", "2027-03-13T08:00:00+00:00"),
    ("Quiz night at the Anchor Saturday at 8", "2027-03-13T20:00:00+00:00"),
    ("Ceilidh Saturday from 8 at the Legion", "2027-03-13T20:00:00+00:00"),
])
def test_an_evening_noun_naming_another_activity_is_no_evening(text, start):
    assert [e.start for e in extract_events(text, R11_LONDON)] == [start]


@pytest.mark.parametrize("text,start", [
    ("Lifeboat crew training Monday 15th at 1900, boathouse", "2027-03-15T19:00:00+00:00"),
    ("Muster Monday 15th at 0730hrs", "2027-03-15T07:30:00+00:00"),
    ("Reunion planned for Monday 15th, the class of 1900 photos at 7pm", "2027-03-15T19:00:00+00:00"),
])
def test_english_reads_the_24_hour_clock_without_a_colon_after_at(text, start):
    assert [e.start for e in extract_events(text, R11_LONDON)] == [start]


R11_SAO_PAULO = datetime(2027, 3, 10, 18, 0, tzinfo=ZoneInfo("America/Sao_Paulo"))


@pytest.mark.parametrize("text,starts_", [
    ("A que horas é que fecha o Pingo Doce ao domingo? Às 21h ou às 22h?", []),
    ("What time is the match on Saturday? 2pm or 3pm?", []),
    ("Festa no domingo? Sim, às 21h!", ["2027-03-14T21:00:00-03:00"]),
])
def test_hours_after_a_question_for_the_hour_are_guesses(text, starts_):
    assert [e.start for e in extract_events(text, R11_SAO_PAULO)] == starts_


@pytest.mark.parametrize("text,starts_", [
    ("Semana passada choveu tanto que o jogo de quinta foi cancelado", []),
    ("Last week the Thursday match was rained off", []),
    ("Semana passada não teve, mas quinta tem treino às 19h", ["2027-03-11T19:00:00-03:00"]),
    ("Training Thurs half 6 at the park, pitch was waterlogged last week", ["2027-03-11T18:30:00-03:00"]),
])
def test_a_weekday_after_last_week_is_in_that_week(text, starts_):
    assert [e.start for e in extract_events(text, R11_SAO_PAULO)] == starts_


@pytest.mark.parametrize("text,start,title,location", [
    ("Osterfeuer am Karsamstag ab 19 Uhr auf der Festwiese", "2027-03-27T19:00:00+01:00", "Osterfeuer",
     "Festwiese"),
    ("Vigilia el Sábado Santo a las 22:00", "2027-03-27T22:00:00+01:00", "Vigilia", None),
    ("Veillée pascale samedi saint à 21h", "2027-03-27T21:00:00+01:00", "Veillée", None),
    ("Malhação do Judas no sábado de aleluia às 10h", "2027-03-27T10:00:00+01:00", "Judas", None),
    ("Easter egg hunt on Holy Saturday at 11am", "2027-03-27T11:00:00+01:00", "egg hunt", None),
])
def test_holy_saturday_is_a_named_day_and_a_compound_ending_in_a_place_is_one(text, start, title,
                                                                               location):
    ref = datetime(2027, 3, 10, 18, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    [event] = extract_events(text, ref)
    assert (event.start, event.location) == (start, location)
    assert title.lower() in event.title.lower()


@pytest.mark.parametrize("text,starts_", [
    ("Cancelada a aula de hidroginástica desta quarta", ["2027-03-10"]),  # said on a Wednesday
    ("O jogo deste sábado é às 16h", ["2027-03-13T16:00:00-03:00"]),
    ("O IPTU vence dia 15, quem ainda não pagou corre", ["2027-03-15"]),
    ("A festa de sábado foi ótima", []),
    ("La alfombra se elabora el viernes 26 desde las 22 horas", ["2027-03-26T22:00:00-03:00"]),
    ("Viaje el viernes 26 a Cusco, son 10 horas de bus", ["2027-03-26"]),
])
def test_desta_not_yet_and_hours_after_an_article(text, starts_):
    assert [e.start for e in extract_events(text, R11_SAO_PAULO)] == starts_


@pytest.mark.parametrize("text,starts_", [
    ("¿Al final el asado es sábado o domingo? Yo puedo cualquiera de los dos pero después de las 12", []),
    ("Is the match Saturday or Sunday?", []),
    ("Grillen wir Samstag oder Sonntag?", []),
    ("Asado el sábado a las 13, ¿quién viene?", ["2027-03-13T13:00:00-03:00"]),
])
def test_a_question_offering_two_days_chooses_none(text, starts_):
    ref = datetime(2027, 3, 10, 18, 0, tzinfo=ZoneInfo("America/Montevideo"))
    assert [e.start for e in extract_events(text, ref)] == starts_


@pytest.mark.parametrize("text,location", [
    ("RDV kiné : le lundi 22/03 à 17h45, cabinet rue Jeanne d'Arc", "rue Jeanne d'Arc"),
    ("Fête lundi à 18h place de l'Hôtel de Ville", "place de l'Hôtel de Ville"),
])
def test_a_named_place_keeps_an_elided_link(text, location):
    ref = datetime(2027, 3, 10, 18, 0, tzinfo=ZoneInfo("Europe/Paris"))
    [event] = extract_events(text, ref)
    assert event.location == location


@pytest.mark.parametrize("text,location", [
    ("Zahnarzttermin: Do., 18.03.2027, 08:15 Uhr, Praxis Dr. Meyer, Am Sande 4.", "Am Sande"),
    ("Im Gemeindehaus am Freitag um 19 Uhr Spieleabend", "Gemeindehaus"),
])
def test_a_german_preposition_capitalised_inside_a_sentence_names_a_street(text, location):
    ref = datetime(2027, 3, 10, 18, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    [event] = extract_events(text, ref)
    assert event.location == location


@pytest.mark.parametrize("text,location", [
    ("Church braai Sunday 14th from 12:30 on the lawn, bring your own meat", "lawn"),
    ("Lifeboat crew training Monday 15th at 1900, boathouse", "boathouse"),
    ("Sign up on the portal by 7pm Friday", None),
])
def test_on_the_lawn_is_a_place_on_the_portal_is_none(text, location):
    [event] = extract_events(text, R11_LONDON)
    assert event.location == location


R12_SAO_PAULO = datetime(2027, 5, 18, 18, 0, tzinfo=ZoneInfo("America/Sao_Paulo"))


@pytest.mark.parametrize("text,start,cancelled", [
    ("Oigan, la junta de padres quedó para el lunes 24 a las 7 de la tarde en la escuela",
     "2027-05-24T19:00:00-03:00", False),
    ("O churrasco ficou marcado pra sábado às 13h na casa do Léo", "2027-05-22T13:00:00-03:00", False),
    ("Che, el asado del sábado ya no va, se enfermó el Negro", "2027-05-22", True),
    ("Galera, o churrasco de sábado furou, o Léo viajou", "2027-05-22", True),
])
def test_a_preterite_that_sets_a_day_and_colloquial_calls_off(text, start, cancelled):
    [event] = extract_events(text, R12_SAO_PAULO)
    assert (event.start, event.cancelled) == (start, cancelled)


@pytest.mark.parametrize("text", [
    "La junta terminó el lunes a las 7",
    "O churrasco acabou no sábado às 22h",
])
def test_a_preterite_without_a_day_set_is_still_past(text):
    assert extract_events(text, R12_SAO_PAULO) == []


@pytest.mark.parametrize("text,n", [
    ("Vocês preferem fazer a confraternização na sexta ou no sábado?", 0),
    ("Is the match on Saturday or on Sunday?", 0),
    ("¿Mañana hay mariachi en la cantina de don Chuy? Creo que es a las 9 pero no sé", 0),
    ("¿Mañana hay mariachi en la cantina de don Chuy? Sí, a las 9", 1),
    ("Quelqu'un va au marché de Mamoudzou demain matin ? Je cherche un covoit", 0),
    ("Thinking about doing a turtle farm trip one day next week, who's in?", 0),
    ("Turtle farm trip next Monday, who's in?", 1),
])
def test_days_offered_guessed_or_asked_about_are_no_plan(text, n):
    assert len(extract_events(text, R12_SAO_PAULO)) == n


R12_BERLIN = datetime(2027, 5, 18, 18, 0, tzinfo=ZoneInfo("Europe/Berlin"))


@pytest.mark.parametrize("text,start,previous", [
    ("Am Freitag statt am Donnerstag: Turnen der Frauenriege, 20 Uhr, Turnhalle Dorf",
     "2027-05-21T20:00:00+02:00", "2027-05-20"),
    ("Skatrunde diese Woche ausnahmsweise Donnerstag statt Mittwoch, 20 Uhr bei Heinz",
     "2027-05-20T20:00:00+02:00", "2027-05-19"),
    ("Chorprobe Donnerstag 19 Uhr statt Mittwoch 20 Uhr", "2027-05-20T19:00:00+02:00",
     "2027-05-19T20:00:00+02:00"),
])
def test_a_moves_hour_set_off_from_the_old_day_is_the_new_days(text, start, previous):
    [event] = extract_events(text, R12_BERLIN)
    assert (event.start, event.previous_start, event.moved) == (start, previous, True)


@pytest.mark.parametrize("text,start,cancelled", [
    ("Le bateau pour Miquelon part vendredi à 8h15 du quai, pas de retard svp",
     "2027-05-21T08:15:00+02:00", False),
    ("Pas de marché samedi", "2027-05-22", True),
    ("No parkrun this Saturday (22nd), the course is flooded", "2027-05-22", True),
])
def test_pas_de_retard_cancels_nothing_and_no_parkrun_does(text, start, cancelled):
    [event] = extract_events(text, R12_BERLIN)
    assert (event.start, event.cancelled) == (start, cancelled)


def test_a_make_up_day_is_a_move_titled_by_what_was_called_off():
    text = "Se cancela la kermés del domingo 23 por la lluvia, se repone el 30 a la misma hora"
    [event] = extract_events(text, R12_SAO_PAULO)
    assert (event.start, event.moved, event.previous_start, event.title) == \
        ("2027-05-30", True, "2027-05-23", "La kermés")


@pytest.mark.parametrize("text,start", [
    ("Fais do-do at the VFW hall Friday from 8", "2027-05-21T20:00:00+02:00"),
    ("Bowls at the green Friday from 8", "2027-05-21T08:00:00+02:00"),
])
def test_a_fais_do_do_from_8_is_the_evening(text, start):
    [event] = extract_events(text, R12_BERLIN)
    assert event.start == start


@pytest.mark.parametrize("text,start", [
    ("Fiesta del colegio el domingo 23 desde las 10:00", "2027-05-23T10:00:00+02:00"),
    ("Fête de l'école dimanche 23 à 10h00", "2027-05-23T10:00:00+02:00"),
    ("Fiesta el sábado a las 10", "2027-05-22T22:00:00+02:00"),
])
def test_a_clock_written_in_full_keeps_its_hour_beside_an_evening_noun(text, start):
    [event] = extract_events(text, R12_BERLIN)
    assert event.start == start


@pytest.mark.parametrize("text,title", [
    ("RDV kiné : le lundi 24/05 à 17h45, cabinet rue Jeanne d'Arc", "RDV kiné"),
    ("Dentista: el martes 25 a las 10", "Dentista"),
])
def test_a_weekday_beside_its_date_is_no_title_the_heading_is(text, title):
    [event] = extract_events(text, R12_BERLIN)
    assert event.title == title


def test_a_weekday_alone_still_gets_a_title():
    [event] = extract_events("El martes a las 8 nos vemos", R12_BERLIN)
    assert event.title


@pytest.mark.parametrize("text,location", [
    ("Le vide-grenier de l'école, c'est dimanche 30 de 8h à 17h sur le parking", "parking"),
    ("Ce week-end, rando côtière sur le GR34, rendez-vous samedi à 9h au port du Conquet", "port du Conquet"),
    ("La procesión del Corpus sale de la catedral el jueves 27 a las 11:00", "catedral"),
    ("Reunião da associação de pescadores na segunda às 9h na colônia", "colônia"),
])
def test_sur_le_names_a_place_noun_and_more_place_nouns(text, location):
    [event] = extract_events(text, R12_BERLIN)
    assert event.location == location


@pytest.mark.parametrize("text,starts_", [
    ("Is the temple procession at 5 or 6 on Friday? Nobody seems to know", []),
    ("¿Alguien sabe si la guagua del sábado sale a las 7 o a las 8?", []),
    ("Grillen wir Samstag um 18 oder 19 Uhr?", []),
    ("Procession on Friday at 5, or is that too early?", ["2027-03-12T17:00:00+00:00"]),
])
def test_a_question_offering_two_hours_chooses_none(text, starts_):
    ref = datetime(2027, 3, 10, 18, 0, tzinfo=ZoneInfo("UTC"))
    assert [e.start for e in extract_events(text, ref)] == starts_


@pytest.mark.parametrize("text,found", [
    ("Gold rush days parade got rained off on Saturday, they're hoping to rerun it", 0),
    ("Rugby social got cancelled last Friday because of the wind, gutted", 0),
    ("El asado se suspendió el sábado pasado por la lluvia", 0),
    ("Rugby social cancelled on Friday because of the wind", 1),
    ("Rappel : les dossiers doivent être rendus pour le vendredi 12 dernier délai", 1),
])
def test_a_day_behind_us_is_not_the_coming_one(text, found):
    ref = datetime(2027, 3, 9, 18, 0, tzinfo=ZoneInfo("Europe/London"))  # a Tuesday
    assert len(extract_events(text, ref)) == found


@pytest.mark.parametrize("text,start", [
    ("Ensayo de plena el domingo pa' la patronal, 4 de la tarde en la cancha", "2027-03-14T16:00:00-04:00"),
    ("Forró no sábado no largo, 9 da noite", "2027-03-13T21:00:00-04:00"),
    ("Bonfire on Sunday at the beach, 8 in the evening", "2027-03-14T20:00:00-04:00"),
])
def test_a_bare_hour_with_its_part_of_the_day_is_a_time(text, start):
    ref = datetime(2027, 3, 10, 18, 0, tzinfo=ZoneInfo("America/Puerto_Rico"))
    [event] = extract_events(text, ref)
    assert event.start == start


@pytest.mark.parametrize("text,found", [
    ("Ba' game photos from the 1st of January are up on the Kirkwall page", 0),
    ("Fotos del 6 de enero ya en el grupo", 0),
    ("School photos on the 1st of October, smart uniform please", 1),
])
def test_photos_of_a_day_months_ahead_are_of_the_one_behind(text, found):
    ref = datetime(2027, 6, 8, 18, 0, tzinfo=ZoneInfo("Europe/London"))
    assert len(extract_events(text, ref)) == found


@pytest.mark.parametrize("text,start", [
    ("Safety boat crew needed at the slipway by 7 on Saturday, early one!", "2027-06-12T07:00:00-07:00"),
    ("Litter pick Saturday at 6, early start, gloves provided", "2027-06-12T06:00:00-07:00"),
    ("Party Saturday at 7, don't leave early!", "2027-06-12T19:00:00-07:00"),
])
def test_a_day_called_an_early_one_puts_its_hour_in_the_morning(text, start):
    ref = datetime(2027, 6, 8, 18, 0, tzinfo=ZoneInfo("America/Whitehorse"))
    [event] = extract_events(text, ref)
    assert event.start == start


@pytest.mark.parametrize("text,found", [
    ("Torneo de dominó el sábado 12 a las 3 de la tarde en el club Los Cocos", 1),
    ("El bembé para Changó quedó para el viernes 11 a las 9 de la noche en casa de Yamilé", 1),
    ("El torneo terminó el sábado a las 3", 0),
    ("Llegué el viernes a las 9 de la noche", 0),
])
def test_a_spanish_noun_ending_like_a_preterite_is_no_past(text, found):
    ref = datetime(2027, 6, 8, 18, 0, tzinfo=ZoneInfo("America/Santo_Domingo"))
    assert len(extract_events(text, ref)) == found


@pytest.mark.parametrize("text,found", [
    ("Vielleicht grillen wir am Wochenende, mal sehen wie das Wetter wird", 0),
    ("Bueno ya veremos si el domingo hacemos algo, a mí me da igual", 0),
    ("Training am Samstag, mal sehen wer kommt", 1),
    ("Grillen am Samstag um 18 Uhr, mal sehen wie das Wetter wird", 1),
])
def test_a_day_left_open_is_no_plan(text, found):
    ref = datetime(2027, 6, 8, 18, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    assert len(extract_events(text, ref)) == found


@pytest.mark.parametrize("text,found", [
    ("Morgen Abend Stammtisch? Ich weiß noch nicht, ob ich's schaff", 0),
    ("Cena el viernes? Todavía no sé si puedo", 0),
    ("Morgen Abend Stammtisch? Ich bring Brezn mit", 1),
])
def test_a_suggestion_its_asker_is_not_sure_of_yet_is_no_plan(text, found):
    ref = datetime(2027, 6, 8, 18, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    assert len(extract_events(text, ref)) == found


@pytest.mark.parametrize("text,found", [
    ("Désolé pour samedi, j'étais crevé après la fête", 0),
    ("Sorry about Saturday, I was wiped out", 0),
    ("Perdón por lo del sábado, no pude ir", 0),
    ("Sorry for the late notice: quiz night Saturday at 8 in the hall", 1),
])
def test_an_apology_about_a_day_announces_nothing(text, found):
    ref = datetime(2027, 6, 8, 18, 0, tzinfo=ZoneInfo("Europe/Paris"))
    assert len(extract_events(text, ref)) == found


@pytest.mark.parametrize("text,start,end", [
    ("The maple open house is this Sunday 11 to 3 at the Bascom farm",
     "2027-06-13T11:00:00-04:00", "2027-06-13T15:00:00-04:00"),
    ("Yard sale Sunday 13 from 9am on the green", "2027-06-13T09:00:00-04:00", None),
    ("Sunday 13 to Tuesday 15 the pool is closed", "2027-06-13", "2027-06-15"),
])
def test_a_number_after_a_weekday_it_cannot_date_soon_is_an_hour(text, start, end):
    ref = datetime(2027, 6, 8, 18, 0, tzinfo=ZoneInfo("America/New_York"))
    [event] = extract_events(text, ref)
    assert (event.start, event.end) == (start, end)


@pytest.mark.parametrize("text,location", [
    ("Ferry to Hoy leaves Houton at 0915 on Saturday, don't be late", "Houton"),
    ("Le car rapide pour Thiès part à 6h du garage Pompiers samedi", "garage Pompiers"),
    ("A barca pra Marajó sai às 6h30 de sexta do porto de Icoaraci", "porto de Icoaraci"),
    ("La romería es el domingo 13, salimos de la ermita a las 8 de la mañana", "ermita"),
    ("Spiel am Sonntag um 10:30 in Köpenick, Abfahrt 8:45 am Vereinsheim", "Köpenick"),
    ("Le pot de départ de Claire, c'est jeudi 17h30", None),
])
def test_a_departure_meets_where_it_leaves_from(text, location):
    ref = datetime(2027, 6, 8, 18, 0, tzinfo=ZoneInfo("Europe/London"))
    [event] = extract_events(text, ref)
    assert (event.location or "").lower() == (location or "").lower()


R14 = datetime(2027, 6, 8, 18, 0, tzinfo=ZoneInfo("Europe/Berlin"))


@pytest.mark.parametrize("text,start,previous,title", [
    ("Elternsprechtag nicht am Mittwoch, sondern am Donnerstag um 16 Uhr",
     "2027-06-10T16:00:00+02:00", "2027-06-09", "Elternsprechtag"),
    ("Pottery class is not on Monday but on Wednesday at 6pm",
     "2027-06-09T18:00:00+02:00", "2027-06-14", "Pottery class"),
    ("La cena no es el viernes sino el sábado a las 21h",
     "2027-06-12T21:00:00+02:00", "2027-06-11", "La cena"),
    ("La kermesse n'est pas samedi mais dimanche à 11h",
     "2027-06-13T11:00:00+02:00", "2027-06-12", "La kermesse"),
    ("O bazar não é no sábado mas no domingo às 9h",
     "2027-06-13T09:00:00+02:00", "2027-06-12", "O bazar"),
])
def test_not_this_day_but_that_one_is_a_move(text, start, previous, title):
    [event] = extract_events(text, R14)
    assert (event.start, event.previous_start, event.moved, event.title) == (start, previous, True, title)


@pytest.mark.parametrize("text,count", [
    ("No swimming on Friday but Saturday is gala day from 10am", 2),  # a closure, then an event
    ("Feira no sábado, mas no domingo tem culto às 10h", 2),  # Portuguese "no" is "on the"
])
def test_a_but_after_an_unrelated_day_is_no_correction(text, count):
    events = extract_events(text, R14)
    assert len(events) == count and not any(e.moved for e in events)


def test_a_weekday_with_its_date_after_statt_is_the_old_day():
    [event] = extract_events("Friseurtermin ist jetzt Freitag 11.6. um 10 statt Dienstag 15.6.", R14)
    assert (event.start, event.previous_start, event.title) == \
        ("2027-06-11T10:00:00+02:00", "2027-06-15", "Friseurtermin")


@pytest.mark.parametrize("text,start", [
    ("Turnier z'Wil am Samschtig am nüni", "2027-06-12T09:00:00+02:00"),
    ("Grillplausch am Friitig 11. Juni am sibni bim Pfadiheim", "2027-06-11T19:00:00+02:00"),
])
def test_swiss_german_days_and_hours(text, start):
    [event] = extract_events(text, R14)
    assert event.start == start


@pytest.mark.parametrize("text,found", [
    ("Wollen wir nächste Woche mal zusammen klettern gehen?", 0),
    ("Let's grab a coffee one day next week", 0),
    ("Podemos quedar algún día de la próxima semana para el proyecto", 0),
    ("Science fair in the school hall all next week", 1),  # a week-long thing said outright
])
def test_a_week_asked_about_or_some_day_in_it_sets_no_day(text, found):
    assert len(extract_events(text, R14)) == found


@pytest.mark.parametrize("text,title", [
    ("Der Zahnarzttermin ist jetzt am Freitag um 9", "Der Zahnarzttermin"),
    ("O almoço ficou marcado pra domingo ao meio-dia", "O almoço"),
    ("Team photo scheduled for Thursday 2pm", "Team photo"),
])
def test_titles_drop_the_news_words_around_the_event(text, title):
    [event] = extract_events(text, R14)
    assert event.title == title


R14_SUMMER = datetime(2027, 7, 6, 18, 0, tzinfo=ZoneInfo("Europe/Berlin"))


@pytest.mark.parametrize("text,cancelled,resumed", [
    ("No knitting circle this Friday, Jo is away. Back next Friday 16th same time 2pm",
     "2027-07-09", ("2027-07-16T14:00:00+02:00", "Knitting circle")),
    ("Não há aulas de violão na sexta, o professor viajou; retomamos terça 13 às 16h",
     "2027-07-09", ("2027-07-13T16:00:00+02:00", "Aulas de violão")),
    ("Choir practice's off tonight, half of us have colds. See everyone next Wednesday 14th, 7.30",
     "2027-07-06", ("2027-07-14T19:30:00+02:00", "Choir practice")),
])
def test_what_comes_back_after_a_cancellation_keeps_its_title(text, cancelled, resumed):
    off, back = extract_events(text, R14_SUMMER)
    assert (off.start, off.cancelled) == (cancelled, True)
    assert (back.start, back.title, back.cancelled) == (*resumed, False)


@pytest.mark.parametrize("text,start,previous", [
    ("Los de la rondalla: ya no es el jueves, se pasó al viernes 9 a las 8 de la noche",
     "2027-07-09T20:00:00+02:00", "2027-07-08"),
    ("La consulta del dentista cambió al jueves 15 a las 9:30, ya no es el martes",
     "2027-07-15T09:30:00+02:00", "2027-07-13"),
])
def test_a_day_said_to_be_off_beside_a_move_is_its_old_day(text, start, previous):
    [event] = extract_events(text, R14_SUMMER)
    assert (event.start, event.moved, event.previous_start) == (start, True, previous)


@pytest.mark.parametrize("text,start,end", [
    ("Beach clean Sat July 10, 9 to noon, meet by the lifeguard hut",
     "2027-07-10T09:00:00+02:00", "2027-07-10T12:00:00+02:00"),
    ("Vérification des extincteurs mardi 13 entre 9h et midi", "2027-07-13T09:00:00+02:00",
     "2027-07-13T12:00:00+02:00"),
    ("Arbeitseinsatz im Garten am Samstag von 9 bis Mittag", "2027-07-10T09:00:00+02:00",
     "2027-07-10T12:00:00+02:00"),
])
def test_a_range_to_noon_keeps_its_start(text, start, end):
    [event] = extract_events(text, R14_SUMMER)
    assert (event.start, event.end) == (start, end)


@pytest.mark.parametrize("text,start", [
    ("Musigprob isch am Zischtig am halbi achti z'Obe im Gmeindsaal", "2027-07-13T19:30:00+02:00"),
    ("Grillabend am Samstag um sechse auf d'Nacht im Hof", "2027-07-10T18:00:00+02:00"),
    ("Jass-Hock am Samschtig ab de Viere im Pfadiheim", "2027-07-10T16:00:00+02:00"),
])
def test_dialect_hours(text, start):
    [event] = extract_events(text, R14_SUMMER)
    assert event.start == start
    assert event.location is None or "obe" not in event.location.lower()


@pytest.mark.parametrize("text,kind,title", [
    ("S'Poschtbüro isch am Fritig, 9. Juli, gschlosse", "closure", "S'Poschtbüro gschlosse"),
    ("A estrada da vila vai ficar interditada quarta 14 o dia todo pra obra", "closure", None),
    ("Hostel fee last date is 15th July, late fee after that", "deadline", None),
    ("Hausverwaltung: Fenster werden am Dienstag 13.7. geputzt, bitte bis Montag die Blumen wegstellen",
     "deadline", None),
])
def test_closures_and_deadlines_in_more_words(text, kind, title):
    events = extract_events(text, R14_SUMMER)
    found = [e for e in events if e.kind == kind]
    assert found, events
    assert title is None or found[0].title == title


@pytest.mark.parametrize("text", [
    "Is the lantern parade at 7 or half 7 tomorrow? The flyer says 7",
    "A avó pergunta se a missa é dia 24 ou 31, ninguém confirmou",
    "Copying Mr Hale's note from last year: 'Prize giving is 14 July' - anyone know this year's?",
])
def test_undecided_or_quoted_days_are_no_events(text):
    assert extract_events(text, R14_SUMMER) == []


def test_scheduling_said_in_the_past_is_of_a_day_to_come():
    text = "SMS: Seu exame foi agendado para 20/07 às 08:15. Laboratório Central"
    [event] = extract_events(text, R14_SUMMER)
    assert (event.start, event.title) == ("2027-07-20T08:15:00+02:00", "Seu exame")


def test_items_under_a_heading_keep_their_own_titles():
    events = extract_events("Exam timetable: Chemistry practical on 14th July 10 AM, History paper "
                            "16th July 1:30 PM", R14_SUMMER)
    assert [e.title for e in events] == ["Chemistry practical", "History paper"]


def test_a_reason_is_no_title():
    text = "La messe de dimanche commence à 9h au lieu de 10h, à cause de la visite du curé"
    [event] = extract_events(text, R14_SUMMER)
    assert event.title == "La messe"


@pytest.mark.parametrize("text,days", [
    ("Sem aula na escola municipal dia 15 e 16 por causa da reunião", ["2027-07-15", "2027-07-16"]),
    ("Ensaio dia 15 e 16 às 19h", ["2027-07-15", "2027-07-16"]),
    ("Reunião dia 15 e 16h no salão", ["2027-07-15"]),  # "16h" is the hour
])
def test_a_second_day_number_listed_after_a_day(text, days):
    assert [e.start[:10] for e in extract_events(text, R14_SUMMER)] == days


@pytest.mark.parametrize("text,start", [
    ("Kaffeetafel am Sonntag nach der Andacht um 3 Uhr im Gemeindehaus", "2027-07-11T15:00:00+02:00"),
    ("Schützenumzug am Sonntag um 4 Uhr früh ab dem Rathaus", "2027-07-11T04:00:00+02:00"),
    ("Abfahrt am Samstag um 4:30 Uhr am Bahnhof", "2027-07-10T04:30:00+02:00"),
])
def test_a_whole_early_hour_with_uhr_is_the_afternoons_unless_said(text, start):
    [event] = extract_events(text, R14_SUMMER)
    assert event.start == start


@pytest.mark.parametrize("text,span", [
    ("Regata sábado 10 y domingo 11 en el club náutico", ("2027-07-10", "2027-07-11")),
    ("Keine Probe am Samstag und Sonntag", None),  # closed or called-off days stay one each
    ("Book fair in the library next Thursday and Friday", None),  # weekdays: two days of it
])
def test_an_event_on_saturday_and_sunday_spans_the_weekend(text, span):
    events = extract_events(text, R14_SUMMER)
    if span is None:
        assert len(events) == 2 and all(e.end is None for e in events)
    else:
        [event] = events
        assert (event.start, event.end) == span


@pytest.mark.parametrize("text,location", [
    ("Schützenfest in Oberdorf: der Umzug ist Sonntag um 10 vor der Pfarrkirche", "Pfarrkirche"),
    ("Crab boil in Cedar Key Saturday night, carpool leaving Gainesville station 5pm",
     "Gainesville station"),
    ("Sortie au lac de Joux dimanche, rendez-vous 8h devant la mairie", "mairie"),
    ("El bote a Floreana sale el sábado a las 6 en punto del muelle de Puerto Ayora",
     "muelle de Puerto Ayora"),
    ("Die Fahrt zum Brocken ist am Sonntag, wir fahren um 7 Uhr früh vom Marktplatz ab", "Marktplatz"),
    ("Sundowner at the sailing club Friday, 5.30 on the deck", "sailing club"),  # one place in another
    ("Spiel am Sonntag um 11 in Spandau, Abfahrt 9:15 am Vereinsheim", "Spandau"),
])
def test_the_place_that_goes_with_the_hour(text, location):
    [event] = extract_events(text, R14_SUMMER)
    assert (event.location or "").lower() == location.lower()


@pytest.mark.parametrize("text,start", [
    ("La vendimia empieza el lunes 12, la cuadrilla se junta a las 6 en el galpón",
     "2027-07-12T06:00:00+02:00"),
    ("Weinlese am Samstag, wir treffen uns um 7 am Weinberg", "2027-07-10T07:00:00+02:00"),
    ("El asado empieza el sábado a las 7", "2027-07-10T19:00:00+02:00"),  # a meal is the evening's
])
def test_farm_work_starts_with_the_day(text, start):
    [event] = extract_events(text, R14_SUMMER)
    assert event.start == start


R15 = datetime(2027, 8, 10, 18, 0, tzinfo=ZoneInfo("America/Toronto"))  # a Tuesday evening


@pytest.mark.parametrize("text,back", [
    ("Quiz at the club tonight is off, the bar flooded. Next one is Thursday the 19th at 8",
     ("2027-08-19T20:00:00-04:00", "Quiz")),
    ("Chorprobe heute fällt aus, ich bin krank. Nächste Woche Mittwoch dann wieder wie gewohnt",
     ("2027-08-18", "Chorprobe")),
    ("Heute kein Training! Die Halle ist belegt. Übermorgen 18h wie immer",
     ("2027-08-12T18:00:00-04:00", "Training")),
    ("Este sábado no hay mercadito en la plaza, vuelve el 21", ("2027-08-21", "Mercadito")),
    ("No bible study this Friday 13th, retreat at the church. Back on the 20th same time 7pm",
     ("2027-08-20T19:00:00-04:00", "Bible study")),
])
def test_what_comes_back_keeps_its_title_however_it_is_said(text, back):
    off, again = extract_events(text, R15)
    assert off.cancelled and not again.cancelled
    assert (again.start, again.title) == back


@pytest.mark.parametrize("text,start,end", [
    ("Warehouse night shift Wed 11pm-7am, swap on the sheet", "2027-08-11T23:00:00-04:00",
     "2027-08-12T07:00:00-04:00"),
    ("Ich übernehm die Nachtschicht Freitag 22–6", "2027-08-13T22:00:00-04:00", "2027-08-14T06:00:00-04:00"),
    ("Choir moved to Friday 1930 at the hall", "2027-08-13T19:30:00-04:00", None),
    ("Le souper aux fèves c'est samedi à 5h30 au sous-sol", "2027-08-14T17:30:00-04:00", None),
    ("Patient transport pick up Thursday at quarter to six am", "2027-08-12T05:45:00-04:00", None),
    # the way back ends the outing (round 26)
    ("Boat to Salt Island leaves West End 8:15 Saturday, back by 5", "2027-08-14T08:15:00-04:00",
     "2027-08-14T17:00:00-04:00"),
    ("El ensayo es mañana at 6 en el garage", "2027-08-11T18:00:00-04:00", None),
])
def test_more_ways_of_writing_an_hour(text, start, end):
    [event] = extract_events(text, R15)
    assert (event.start, event.end) == (start, end)


@pytest.mark.parametrize("text", [
    "T'es sûr que le méchoui c'est samedi? Moi j'avais compris dimanche",
    "¿Pasado mañana hay entrenamiento o todavía no?",
    "Todavía no sabemos si hacemos algo el sábado o el domingo",
    "Kann jemand übermorgen um 7 die Hühner füttern? Ich bin weg",
])
def test_days_doubted_left_open_or_asked_as_a_favour_are_no_events(text):
    assert extract_events(text, R15) == []


def test_or_not_about_something_else_leaves_the_event():
    [event] = extract_events("Match on Saturday at 3, are you coming or not?", R15)
    assert event.start == "2027-08-14T15:00:00-04:00"


@pytest.mark.parametrize("text,span,title", [
    ("Ab morgen bis einschließlich Sonntag ist die Bäckerei zu", ("2027-08-11", "2027-08-15"),
     "Die Bäckerei zu"),
    ("The pool is closed from tomorrow until Sunday inclusive", ("2027-08-11", "2027-08-15"), None),
])
def test_from_one_day_to_another_is_one_span(text, span, title):
    [event] = extract_events(text, R15)
    assert (event.start, event.end) == span
    assert title is None or event.title == title


@pytest.mark.parametrize("text,location", [
    ("RDV ophtalmo mardi 17 août à 9h, clinique des Lilas à Montréal", "clinique des lilas à montréal"),
    ("Mass at the chapel Saturday 9am 🙏 who's carpooling from town?", "chapel"),
    ("Le centre est fermé lundi 16 et mardi 17, on verra pour mercredi", None),
])
def test_venues_emoji_boundaries_and_open_days(text, location):
    events = extract_events(text, R15)
    assert events
    if location is None:
        assert [e.start for e in events] == ["2027-08-16", "2027-08-17"]
    else:
        assert (events[0].location or "").lower() == location


def test_two_days_in_brackets_are_not_hours():
    [event] = extract_events("Festival de música na praça sábado e domingo (14 e 15), entrada franca", R15)
    assert (event.start, event.end, event.all_day) == ("2027-08-14", "2027-08-15", True)


def test_a_rescheduled_flight_is_one_move_titled_by_the_flight():
    [event] = extract_events("Nosso voo pra Manaus de hoje foi cancelado, remarcaram pra quinta às 9h", R15)
    assert (event.start, event.moved, event.previous_start, event.title) == \
        ("2027-08-12T09:00:00-04:00", True, "2027-08-10", "Nosso voo pra Manaus")


def test_swiss_tomorrow_morning_quarter_to():
    [event] = extract_events("Morn am Morge am Viertel vor nüni Prob im Pfarrhuus", R15)
    assert (event.start, event.location) == ("2027-08-11T08:45:00-04:00", "Pfarrhuus")


def test_an_hour_said_of_all_listed_days_goes_to_each():
    text = ("Class VII test routine: Science Sun 15 Aug, Geography Mon 16 Aug, History Wed 18 Aug. "
            "All tests start at 9.30 am. No classes on Thursday 12 Aug due to sports day.")
    events = extract_events(text, R15)
    timed = [(e.title, e.start) for e in events if not e.all_day]
    assert timed == [("Science", "2027-08-15T09:30:00-04:00"), ("Geography", "2027-08-16T09:30:00-04:00"),
                     ("History", "2027-08-18T09:30:00-04:00")]
    [closed] = [e for e in events if e.kind == "closure"]
    assert (closed.start, closed.title) == ("2027-08-12", "No classes")


def test_a_place_said_of_both_events():
    text = "Debate heats this evening 7.30, final day after tomorrow 8pm, both at the Town Hall auditorium"
    assert [e.location for e in extract_events(text, R15)] == ["Town Hall auditorium"] * 2


R16 = datetime(2027, 9, 14, 10, 0, tzinfo=ZoneInfo("Europe/Zurich"))  # a Tuesday morning


@pytest.mark.parametrize("text,start,location", [
    ("Library closed Monday for inventory, open again Tuesday 9 o'clock", "2027-09-20", None),
    ("La caravana sale el viernes a las 6 de la mañana desde la plaza 9 de Julio",
     "2027-09-17T06:00:00+02:00", "plaza 9 de julio"),
    ("Hunters' meeting tmrw 1930 in the Midnight Sun hall", "2027-09-15T19:30:00+02:00", "midnight sun hall"),
    ("Ferry to the island Saturday leaves the wharf at 8.30", "2027-09-18T08:30:00+02:00", "wharf"),
    ("Lecture club ce soir à dix-neuf heures quinze chez Paul", "2027-09-14T19:15:00+02:00", "chez paul"),
])
def test_names_numbers_and_hours_read_right(text, start, location):
    events = extract_events(text, R16)
    assert events[0].start == start
    assert location is None or (events[0].location or "").lower() == location


@pytest.mark.parametrize("text,start,previous", [
    ("Regatta got bumped from Saturday to Sunday, boats out at 9", "2027-09-19T09:00:00+02:00", "2027-09-18"),
    ("Jass-Obig isch verschobe: nöd am Friitig sondern am Samschtig am 8i", "2027-09-18T20:00:00+02:00",
     "2027-09-17"),
    ("A consulta do dentista mudou: era quinta, agora é segunda 20 às 15h", "2027-09-20T15:00:00+02:00",
     "2027-09-16"),
])
def test_more_ways_of_moving_a_day(text, start, previous):
    moved = [e for e in extract_events(text, R16) if e.moved]
    assert [(e.start, e.previous_start) for e in moved] == [(start, previous)]


@pytest.mark.parametrize("text,span", [
    ("Mensa hat Mo–Mi (20.–22.9.) zu, die Küche wird renoviert", ("2027-09-20", "2027-09-22")),
    ("The dojo's shut Tue to Thu for the holiday", ("2027-09-14", "2027-09-16")),
])
def test_closed_days_in_more_forms(text, span):
    [event] = extract_events(text, R16)
    assert (event.kind, event.start, event.end) == ("closure", *span)


def test_a_place_denied_is_no_place():
    text = "Stammtisch is am Donnerstag net im Gasthaus Post sondern in da Krone, ab hoiba achte"
    [event] = extract_events(text, R16)
    assert (event.start, event.location) == ("2027-09-16T19:30:00+02:00", None)


def test_a_condition_calls_nothing_off():
    [event] = extract_events("Threshing crew: we start today around 11 once the dew's off", R16)
    assert (event.start, event.cancelled) == ("2027-09-14T11:00:00+02:00", False)


@pytest.mark.parametrize("text,count", [
    ("Homecoming service Sunday at 10:30, gospel sing that night at 6", 2),
    ("Mañana asado a las 13 en el comedor y fonda desde las 21", 2),
    ("Need to shift the compost bins Saturday arvo, anyone got a ute?", 0),  # "shift" the verb
])
def test_shifts_sings_and_fondas_are_events_of_their_own(text, count):
    assert len(extract_events(text, R16)) == count


R17 = datetime(2027, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))  # a Tuesday morning


@pytest.mark.parametrize("text,start,previous", [
    ("Kleine Korrektur: der Basar ist am Donnerstag, nicht am Mittwoch! Uhrzeit bleibt 15:00",
     "2027-11-25T15:00:00+01:00", "2027-11-24"),
    ("Correction : le souper c'est le samedi 4, pas le vendredi 3 !", "2027-12-04", "2027-12-03"),
    ("D Chorprob isch hüt ned am sibni sondern am halbi achti", "2027-11-23T19:30:00+01:00",
     "2027-11-23T19:00:00+01:00"),
    ("Suspendieron la kermés de hoy por la lluvia, la pasan a pasado mañana desde las 17",
     "2027-11-25T17:00:00+01:00", "2027-11-23"),
])
def test_corrections_said_either_way_are_moves(text, start, previous):
    moved = [e for e in extract_events(text, R17) if e.moved]
    assert [(e.start, e.previous_start) for e in moved] == [(start, previous)]


@pytest.mark.parametrize("text", [
    "Ferry cancelled again this week, next one maybe Thursday",
    "¿pero no era el lunes? en la escuela dijeron lunes",
    "J'ai raté le bus de 7h ce matin, trop la honte",
    "Hoje o almoço correu bem, obrigado a todos",
])
def test_guesses_doubts_and_things_that_went_by_are_no_events(text):
    assert extract_events(text, R17) == []


@pytest.mark.parametrize("text,start,end", [
    ("Gas meter reading Friday between 10 and noon, someone needs to be in",
     "2027-11-26T10:00:00+01:00", "2027-11-26T12:00:00+01:00"),
    ("Team dinner is on Saturday this year because of the rota, 1900 in the mess",
     "2027-11-27T19:00:00+01:00", None),
])
def test_more_hours_found(text, start, end):
    [event] = extract_events(text, R17)
    assert (event.start, event.end) == (start, end)


def test_no_work_at_the_plant_is_a_closure():
    [event] = extract_events("Mañana no hay trabajo en la planta por el feriado", R17)
    assert event.kind == "closure"


R18 = datetime(2028, 1, 12, 10, 0, tzinfo=ZoneInfo("Australia/Sydney"))  # a Wednesday morning


@pytest.mark.parametrize("text", [
    "7 on a Sunday is too early mate, last year we started at 9",
    "Mi coche no arrancó, ist heute früh um 7 eh nicht angesprungen",
    "Il faisait -30 ce matin à 7h, je reste au lit",
    "El asado no es este finde, todavía no le ponemos fecha",
    "Die Lese fängt vsl. Ende Februar an, genaues Datum weiß ich noch nicht",
    "La sortie à la cabane : c'est pas encore fixé, probablement fin mars",
])
def test_generic_past_and_unfixed_days_are_no_events(text):
    assert extract_events(text, R18) == []


@pytest.mark.parametrize("text,start,previous", [
    ("Die Müllabfuhr kommt nicht am Mittwoch, den 26., sondern erst am Donnerstag, den 27.",
     "2028-01-27", "2028-01-26"),
    ("Perdón, la misa es el jueves 27 a las 7 de la noche, no el martes", "2028-01-27T19:00:00+11:00",
     "2028-01-18"),
    ("El asado del domingo se pasa pal sábado, misma hora, 12:30", "2028-01-15T12:30:00+11:00", "2028-01-16"),
])
def test_corrections_with_only_an_hour_or_erst_between(text, start, previous):
    moved = [e for e in extract_events(text, R18) if e.moved]
    assert [(e.start, e.previous_start) for e in moved] == [(start, previous)]


def test_a_closure_is_news_whatever_tense_the_notice_is_in():
    events = extract_events("school closed Monday and Tuesday because of the heat, the notice just came", R18)
    assert [(e.start, e.kind) for e in events] == [("2028-01-17", "closure"), ("2028-01-18", "closure")]


def test_the_2nd_floor_is_no_day_and_fwd_no_title():
    [event] = extract_events("Fwd: Quran class restarts this Friday, 2:30pm on the 2nd floor", R18)
    assert (event.start, event.title) == ("2028-01-14T14:30:00+11:00", "Quran class restarts")


@pytest.mark.parametrize("text,start", [
    ("A consulta do pai ficou marcada para 2ª feira dia 24 às 10h40", "2028-01-24T10:40:00+11:00"),
    ("Die Zeugnisse gibt es am Freitag, 28.01. Der Elternabend folgt im Februar", "2028-01-28"),
])
def test_portuguese_numbered_weekdays_and_a_dated_day_before_a_capital(text, start):
    assert extract_events(text, R18)[0].start == start


R19 = datetime(2028, 4, 5, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))  # a Wednesday morning


@pytest.mark.parametrize("text,start,previous", [
    ("Le match de demain est remis à dimanche, même heure (9h)", "2028-04-09T09:00:00+02:00", "2028-04-06"),
    ("Finalement c'est pas vendredi la raclette, c'est samedi à 19h", "2028-04-08T19:00:00+02:00",
     "2028-04-07"),
    ("La guardia de Ana ya no es el viernes, es el sábado a las 20h", "2028-04-08T20:00:00+02:00",
     "2028-04-07"),
    ("El examen lo pasaron pal lunes 10 a las 9, ya no es el jueves", "2028-04-10T09:00:00+02:00",
     "2028-04-06"),
])
def test_restated_and_remis_are_moves(text, start, previous):
    moved = [e for e in extract_events(text, R19) if e.moved]
    assert [(e.start, e.previous_start) for e in moved] == [(start, previous)]


def test_the_homework_handed_in_next_week_is_no_move():
    text = "C'est moi ou le prof a dit que le devoir est remis à la semaine prochaine?"
    assert extract_events(text, R19) == []


@pytest.mark.parametrize("text,kind,cancelled", [
    ("El sábado no hay turno en la planta por mantenimiento", "closure", False),
    ("El partido del domingo ya no se juega, se lesionaron dos", "event", True),
])
def test_no_shift_closes_and_a_match_no_longer_played_is_off(text, kind, cancelled):
    [event] = extract_events(text, R19)
    assert (event.kind, event.cancelled) == (kind, cancelled)


def test_setting_off_for_a_trip_is_the_morning():
    [event] = extract_events("El viernes arrancamos para Bujará a las 7 desde el hostel", R19)
    assert event.start == "2028-04-07T07:00:00+02:00"


@pytest.mark.parametrize("text,start,previous", [
    ("La réunion est reportée au jeudi 13 avril à 16h, au lieu de samedi",
     "2028-04-13T16:00:00+02:00", "2028-04-08"),
    ("Das Treffen ist jetzt am Donnerstag, 13. April um 16 Uhr statt Samstag",
     "2028-04-13T16:00:00+02:00", "2028-04-08"),
    ("El turno de Ana ya no es el miércoles, es el jueves a las 20h", "2028-04-06T20:00:00+02:00",
     "2028-04-05"),
])
def test_the_day_moved_from_is_the_coming_one_today_included(text, start, previous):
    moved = [e for e in extract_events(text, R19) if e.moved]
    assert [(e.start, e.previous_start) for e in moved] == [(start, previous)]


@pytest.mark.parametrize("text,word", [
    ("Hallo Nachbarn, am Mittwoch 12.4. wird von 8 bis 16 Uhr das Wasser abgestellt", "Wasser"),
    ("Chamo el bus de la planta sale a las 5:40 mañana, no a las 6, por el cambio de turno", "bus"),
    ("The shuttle leaves at 6:10 on Friday, due to the roadworks on the bridge", "shuttle"),
    ("Le bus part jeudi à 7h15, à cause de la grève du dépôt", "bus"),
])
def test_the_title_is_what_happens_not_a_greeting_a_verb_or_the_reason(text, word):
    [event] = extract_events(text, R19)
    assert word.lower() in event.title.lower()


R20 = datetime(2028, 9, 14, 10, 0, tzinfo=ZoneInfo("America/Bogota"))  # a Thursday morning


@pytest.mark.parametrize("text,found", [
    ("Mensagem da UBS: 'Sua consulta foi agendada para 21/09/2028 às 07:30.' Quem pode levar a vó?",
     ["2028-09-21T07:30:00-05:00"]),
    ("SMS from the garage: \"Your MOT is booked for 21/09 at 8:15\" can anyone give me a lift?",
     ["2028-09-21T08:15:00-05:00"]),
    ("From last year's newsletter: 'Sports day is 22 September' - anyone know this year's date?", []),
    ("'Training Saturday 10am' - is that still on?", []),
])
def test_a_pasted_notice_is_news_unless_the_question_is_about_its_day(text, found):
    assert [e.start for e in extract_events(text, R20)] == found


@pytest.mark.parametrize("text,start,previous", [
    ("A consulta da vó passou do dia 21 pro dia 28, mesmo horário 7:30", "2028-09-28T07:30:00-05:00",
     "2028-09-21"),
    ("El torneo se pospone del sábado 16 al sábado 23 por la tormenta", "2028-09-23", "2028-09-16"),
    ("Das Turnier ist vom 16. auf den 23. verschoben", "2028-09-23", "2028-09-16"),
    ("The tournament was moved from the 16th to the 23rd", "2028-09-23", "2028-09-16"),
])
def test_from_one_day_to_another_after_a_move_verb_is_a_move_not_a_range(text, start, previous):
    [event] = extract_events(text, R20)
    assert (event.start, event.end, event.moved, event.previous_start) == (start, None, True, previous)


@pytest.mark.parametrize("text,start,end", [
    ("Das Turnier ist vom 16. bis zum 23. September", "2028-09-16", "2028-09-23"),
    ("El torneo es del sábado 16 al sábado 23", "2028-09-16", "2028-09-23"),
])
def test_a_span_with_no_move_verb_stays_a_span(text, start, end):
    [event] = extract_events(text, R20)
    assert (event.start, event.end, event.moved) == (start, end, False)


def test_o_treino_passou_pro_sabado_is_a_move():
    [event] = extract_events("o treino passou pro sábado às 10", R20)
    assert (event.start, event.moved) == ("2028-09-16T10:00:00-05:00", True)


def test_short_weekdays_head_the_items_of_a_list():
    text = ("Helferliste\n- Fr: Aufbau im Festzelt ab 16 Uhr\n- Sa: Fassanstich um 12 Uhr\n"
            "- So: Abbau um 9 Uhr")
    assert [(e.start, e.title) for e in extract_events(text, R20)] == [
        ("2028-09-15T16:00:00-05:00", "Aufbau im Festzelt"), ("2028-09-16T12:00:00-05:00", "Fassanstich"),
        ("2028-09-17T09:00:00-05:00", "Abbau")]


@pytest.mark.parametrize("text", ["So: wer kommt mit am Wochenende?", "Nur kurz, Fr: keine Ahnung 16 Uhr"])
def test_a_short_weekday_before_a_colon_elsewhere_is_no_day(text):
    assert [e.start for e in extract_events(text, R20) if e.start.startswith("2028-09-15")] == []


@pytest.mark.parametrize("text,start", [
    ("jogo amnh 9h no campo do Farm Pond", "2028-09-15T09:00:00-05:00"),
    ("rdv dem1 à 14h au parc", "2028-09-15T14:00:00-05:00"),
    ("footy 2moro at 10 at the oval", "2028-09-15T10:00:00-05:00"),
])
def test_tomorrow_as_chats_type_it(text, start):
    assert [e.start for e in extract_events(text, R20)] == [start]


@pytest.mark.parametrize("text", [
    "Si y pleut on remet ça à dimanche même heure",
    "If it rains we'll move it to Sunday 10am",
    "Wenn es regnet, verschieben wir auf Sonntag 10 Uhr",
    "Si llueve lo pasamos al domingo a las 10",
    "Se chover passa para domingo às 10h",
])
def test_a_move_under_a_condition_is_a_fallback_not_a_move(text):
    assert extract_events(text, R20) == []


@pytest.mark.parametrize("text", ["Sí, lo pasamos al domingo a las 10",
                                  "On remet ça à dimanche 10h, trop de malades"])
def test_a_yes_or_a_plain_move_still_moves(text):
    assert [(e.start, e.moved) for e in extract_events(text, R20)] == [("2028-09-17T10:00:00-05:00", True)]


@pytest.mark.parametrize("text,day,word", [
    ("Las entradas se compran hasta este domingo en la oficina del ESN", "2028-09-17", "entradas"),
    ("El viernes 22 es el último día pa entregar las forms del lunch gratis", "2028-09-22", "forms"),
    ("Les fournitures manquantes sont à apporter d'ici vendredi", "2028-09-15", "fournitures"),
    ("Les inscriptions au gan pour l'année prochaine ferment ce dimanche", "2028-09-17", "inscriptions"),
    ("Tickets can be bought until Friday at the office", "2028-09-15", "tickets"),
])
def test_what_must_be_bought_or_brought_by_a_day_is_a_deadline(text, day, word):
    [event] = extract_events(text, R20)
    assert (event.start, event.kind) == (day, "deadline") and word in event.title.lower()


def test_closed_from_one_day_to_another_for_the_holidays_is_a_closure():
    [event] = extract_events("Le gan est fermé du mercredi 20 au vendredi 22 pour les fêtes", R20)
    assert (event.start, event.end, event.kind) == ("2028-09-20", "2028-09-22", "closure")


def test_being_somewhere_until_a_day_is_no_deadline():
    assert extract_events("We're at the beach until Friday", R20) == []


@pytest.mark.parametrize("text,title", [
    ("La reunión no es el sábado, la pasaron pal domingo a las 9 porque el presidente tiene guardia",
     "reunión"),
    ("The meeting is not on Saturday, they moved it to Sunday at 9", "meeting"),
])
def test_a_denied_day_then_a_move_after_a_comma_is_one_move(text, title):
    [event] = extract_events(text, R20)
    assert (event.start, event.moved, event.previous_start) == (
        "2028-09-17T09:00:00-05:00", True, "2028-09-16")
    assert title in event.title.lower()


@pytest.mark.parametrize("text", [
    "Ó primo, eu só consigo ir a partir de quinta-feira, tenho de trabalhar até lá",
    "Can the tasting be later? Sunday morning I'm still in KL",
    "Sorry, I can only do Saturday",
    "Ich kann erst am Freitag, vorher muss ich arbeiten",
    "Yo sólo puedo el sábado",
    "Je ne peux que samedi",
])
def test_the_writers_own_availability_is_no_event(text):
    assert extract_events(text, R20) == []


@pytest.mark.parametrize("text,start", [
    ("Spring working bee is a fortnight on Saturday, 9am", "2028-09-30T09:00:00-05:00"),
    ("BBQ a week on Tuesday at 6pm", "2028-09-26T18:00:00-05:00"),
])
def test_a_week_or_a_fortnight_on_a_weekday(text, start):
    assert [e.start for e in extract_events(text, R20)] == [start]


@pytest.mark.parametrize("text,start,end", [
    ("Water's off at the plots Friday 8am till noon while council fix the main",
     "2028-09-15T08:00:00-05:00", "2028-09-15T12:00:00-05:00"),
    ("The power will be off Friday from 9 to 12 for line works",
     "2028-09-15T09:00:00-05:00", "2028-09-15T12:00:00-05:00"),
])
def test_a_supply_cut_is_news_not_a_calling_off(text, start, end):
    [event] = extract_events(text, R20, lang="en")
    assert (event.start, event.end, event.cancelled) == (start, end, False)


def test_training_is_off_still_calls_off():
    [event] = extract_events("Training's off Friday", R20, lang="en")
    assert event.cancelled


def test_a_one_letter_word_after_an_apostrophe_ends_a_sentence():
    text = "Boil water advisory lifted as of this morning b'y. Town hall meeting is Tuesday 19th at 7:30"
    assert [(e.start, e.title) for e in extract_events(text, R20)] == [
        ("2028-09-19T19:30:00-05:00", "Town hall meeting")]


@pytest.mark.parametrize("text,start", [
    ("A festa é sábado, nove da noite", "2028-09-16T21:00:00-05:00"),
    ("La cena es el sábado, siete de la tarde", "2028-09-16T19:00:00-05:00"),
])
def test_an_hour_in_words_with_its_part_of_the_day_needs_no_at(text, start):
    assert [e.start for e in extract_events(text, R20)] == [start]


def test_quebecs_avant_midi_is_no_noon():
    [event] = extract_events("Le ramonage des cheminées c'est le 26 septembre en avant-midi", R20)
    assert (event.start, event.all_day) == ("2028-09-26", True)


def test_c_est_a_soir_is_tonight_not_something_due():
    [event] = extract_events("La pratique de chorale c'est à soir à 7h à l'église", R20)
    assert (event.start, event.kind) == ("2028-09-14T19:00:00-05:00", "event")


def test_a_time_instead_of_another_in_portuguese_plural():
    text = ("A missa em português na igreja de Stockwell passa a ser às 11h30 em vez das 10h, "
            "a partir deste domingo")
    [event] = extract_events(text, R20)
    assert (event.start, event.previous_start) == ("2028-09-17T11:30:00-05:00", "2028-09-17T10:00:00-05:00")
    assert (event.title, event.location) == ("A missa em português", "igreja de Stockwell")


def test_the_week_said_after_the_new_day_does_not_frame_the_denied_one():
    text = "Elternabend nicht am Donnerstag, sondern am Dienstag nächste Woche, gleiche Uhrzeit (19:30)"
    [event] = extract_events(text, R20)
    assert (event.start, event.previous_start) == ("2028-09-19T19:30:00-05:00", "2028-09-14")


def test_an_office_that_stays_shut_over_a_span_is_a_closure():
    [event] = extract_events("Chuseok: das Büro bleibt vom 2. bis 4. Oktober zu.", R20)
    assert (event.start, event.end, event.kind) == ("2028-10-02", "2028-10-04", "closure")
    assert "Büro" in event.title


@pytest.mark.parametrize("text,title", [
    ("La fonda es el viernes 15 desde las 6 de la tarde y a las 7 y media es el baile de cueca", "baile"),
    ("Die Réttir ist am Samstag um 8 Uhr. Abends ist Réttaball im Gemeindehaus ab 22 Uhr", "Réttaball"),
])
def test_a_dance_later_the_same_day_is_its_own_event(text, title):
    events = extract_events(text, R20)
    assert len(events) == 2 and title in events[1].title


def test_a_greeting_or_bei_uns_is_no_title():
    text = "Hallo ihr, die Réttir (Schafabtrieb) bei uns im Tal ist am Samstag, wir reiten um 8 Uhr los"
    [event] = extract_events(text, R20)
    assert event.title == "Die Réttir"


@pytest.mark.parametrize("text,place", [
    ("La misa a la chilena es el lunes 18 a las 11 en la iglesia de Hanga Roa", "iglesia de Hanga Roa"),
    ("Spiel am Sonntag um 10:30 in Köpenick, Abfahrt 8:45 am Vereinsheim", "Köpenick"),
])
def test_a_place_named_by_its_noun_beats_a_look_alike_in_the_same_piece(text, place):
    assert extract_events(text, R20)[0].location == place


R21 = datetime(2029, 2, 20, 10, 0, tzinfo=ZoneInfo("Europe/Madrid"))  # a Tuesday morning


@pytest.mark.parametrize("text", [
    "Sábado eu só chego 9h30, tenho que deixar o moleque na natação",
    "yo el jueves salgo de la chamba a las 6, llego pa la última horita nomás",
    "Je serai là jeudi mais seulement vers 20h, je finis tard au boulot",
    "I kann leider erst ab Samstag Mittag, vormittags hab i Dienst",
    "Mardi je suis à Yamoussoukro toute la journée, désolée",
    "Eu no sábado saio do serviço às 17h, chego uns 20 minutos atrasada",
    "I'll only be back Thursday around 8",
])
def test_the_writers_own_comings_and_goings_are_no_event(text):
    assert extract_events(text, R21) == []


@pytest.mark.parametrize("text", [
    "I'm back Thursday for the 7pm rehearsal at the hall",
    "Llego el jueves a las 6 para la reunión de padres",
])
def test_an_event_named_beside_the_writers_coming_stays(text):
    assert len(extract_events(text, R21)) == 1


@pytest.mark.parametrize("text", [
    "Se fizer sol domingo a gente desce pro Arpoador cedinho, tipo 8h",
    "If the weather holds we'll do the beach clean Saturday 9am at Sandymount Strand",
    "If you can come, the party is Saturday at 8",
])
def test_a_plan_under_a_condition_is_proposed_for_review(text):
    """The sets disagreed (batch 49 against 50); the convention now: propose it, the reviewer
    decides. Only a move under a condition is a fallback (see the test above)."""
    assert len(extract_events(text, R21)) == 1


@pytest.mark.parametrize("text,start,end", [
    ("Thurs 22nd night shift 2130-0730 on 7B is mine now", "2029-02-22T21:30:00+01:00",
     "2029-02-23T07:30:00+01:00"),
    ("Shift Friday 1400-2200", "2029-02-23T14:00:00+01:00", "2029-02-23T22:00:00+01:00"),
])
def test_two_24_hour_readings_with_a_dash_are_a_span_not_a_phone_number(text, start, end):
    [event] = extract_events(text, R21)
    assert (event.start, event.end) == (start, end)


def test_a_span_of_years_is_no_clock():
    assert extract_events("The 2028-2029 season starts Saturday", R21) == []


def test_a_heading_names_what_a_first_person_piece_says_who():
    text = "Night shift swap confirmed: I'm taking Dom's Fri 2200-0600 at the fuel farm"
    [event] = extract_events(text, R21)
    assert event.title.startswith("Shift swap")


def test_at_like_seven_is_seven():
    [event] = extract_events("practice is thursday at like 7 at Dave's garage", R21)
    assert event.start == "2029-02-22T19:00:00+01:00"


def test_rebooked_after_a_calling_off_is_a_move_from_that_day():
    text = "Lads five-a-side is off tonight, the pitches are waterlogged. Rebooked for Monday at 8.30pm"
    [event] = extract_events(text, R21)
    assert (event.start, event.moved) == ("2029-02-26T20:30:00+01:00", True)
    assert event.previous_start == "2029-02-20"


def test_nominations_closing_is_a_deadline_titled_by_them():
    [event] = extract_events("Nominations close Wed midnight, no late entries", R21)
    assert (event.start, event.kind) == ("2029-02-21", "deadline") and "Nominations" in event.title


def test_the_first_one_is_no_title():
    text = "Lent lunches are every Friday in Lent, 12–1.30 in the church hall, first one this Friday"
    [event] = extract_events(text, R21)
    assert "lunches" in event.title


def test_a_short_weekday_before_a_dotted_date_makes_it_one():
    text = ("Update: Klausur wurde verlegt!! Nicht Fr 2.3., sondern Mo 5.3., gleiche Zeit (10 c.t.), "
            "im Hörsaal A")
    [event] = extract_events(text, R21)
    assert (event.start, event.previous_start) == ("2029-03-05T10:15:00+01:00", "2029-03-02")
    assert "Klausur" in event.title


@pytest.mark.parametrize("text,start", [
    ("Klausur ist Fr 2.3. um 10 c.t. im Audimax", "2029-03-02T10:15:00+01:00"),
    ("Vorlesung morgen 14 s.t. im Hörsaal 1", "2029-02-21T14:00:00+01:00"),
])
def test_the_academic_quarter(text, start):
    assert [e.start for e in extract_events(text, R21)] == [start]


@pytest.mark.parametrize("text,start,previous", [
    ("Wegen Sturmwarnung verschieben wir Sölden um eine Woche, also auf Samstag 3.3., Abfahrt 5:30",
     "2029-03-03T05:30:00+01:00", "2029-02-24"),
    ("The quiz got pushed back a week to Thursday 8th March at 8pm", "2029-03-08T20:00:00+01:00",
     "2029-03-01"),
])
def test_a_move_by_a_week_comes_from_the_week_before(text, start, previous):
    [event] = extract_events(text, R21)
    assert (event.start, event.moved, event.previous_start) == (start, True, previous)


def test_a_weekday_then_dia_and_its_date_are_one_day():
    text = "Família, a mudança é no sábado, dia 10 de março. A carrinha da Mudanças Silva chega às 8h."
    [event] = extract_events(text, R21)
    assert (event.start, event.title) == ("2029-03-10T08:00:00+01:00", "A mudança")


@pytest.mark.parametrize("text,start,previous", [
    ("Correct. Mais la partie de dimanche c'est 8h15 pas 8h, ils ont changé l'horaire",
     "2029-02-25T08:15:00+01:00", "2029-02-25T08:00:00+01:00"),
    ("Spring working bee Saturday, it's 10 not 9", "2029-02-24T10:00:00+01:00", "2029-02-24T09:00:00+01:00"),
])
def test_an_hour_denied_beside_another_is_the_old_one_whatever_verb_follows(text, start, previous):
    [event] = extract_events(text, R21)
    assert (event.start, event.moved, event.previous_start) == (start, True, previous)


def test_ten_not_nine_people_is_no_clock():
    assert all(e.all_day for e in extract_events("Picnic Saturday, it's 10 not 9 people now", R21))


@pytest.mark.parametrize("text,day", [
    ("Le camp de jour commence le lundi 5 à 8h, inscriptions jusqu'à vendredi midi", "2029-02-23"),
    ("SMS de la pharmacie : « Votre commande est disponible. Retrait possible jusqu'au 3 mars. »",
     "2029-03-03"),
    ("Your parcel can be collected until Friday at the depot", "2029-02-23"),
])
def test_until_a_day_for_something_to_do_or_pick_up_is_a_deadline(text, day):
    deadlines = [e.start for e in extract_events(text, R21) if e.kind == "deadline"]
    assert deadlines == [day]


def test_samedi_en_huit_is_a_week_after_the_coming_saturday():
    [event] = extract_events("Les représentations c'est samedi en huit à 20h", R21)
    assert event.start == "2029-03-03T20:00:00+01:00"


def test_an_hour_after_the_day_replaced_is_the_events():
    text = "so practice is gonna be thursday instead of wednesday this week at like 7 at Dave's garage"
    [event] = extract_events(text, R21)
    assert (event.start, event.previous_start) == ("2029-02-22T19:00:00+01:00", "2029-02-21")


def test_an_hour_marked_as_replaced_stays_the_old_one():
    [event] = extract_events("Die Probe ist am Donnerstag um halb acht statt um acht", R21)
    assert (event.start, event.previous_start) == ("2029-02-22T19:30:00+01:00", "2029-02-22T20:00:00+01:00")


@pytest.mark.parametrize("text,start,end", [
    ("El técnico pasa el viernes entre 2 y 4 de la tarde", "2029-02-23T14:00:00+01:00",
     "2029-02-23T16:00:00+01:00"),
])
def test_entre_and_y_is_a_span_of_hours(text, start, end):
    [event] = extract_events(text, R21)
    assert (event.start, event.end) == (start, end)


@pytest.mark.parametrize("text", ["La reunión es el viernes a las 5 y 10",
                                  "Vienen el sábado entre 10 y 12 personas"])
def test_y_between_numbers_is_no_span_without_entre_or_with_a_count(text):
    assert all(e.end is None for e in extract_events(text, R21))


R22 = datetime(2029, 6, 5, 10, 0, tzinfo=ZoneInfo("Europe/London"))  # a Tuesday morning


def test_will_move_from_one_day_to_another_is_a_move():
    text = "Bin collections on Hollybush Lane will move from Thursday 7 June to Saturday 9 June"
    [event] = extract_events(text, R22)
    assert (event.start, event.moved, event.previous_start) == ("2029-06-09", True, "2029-06-07")


def test_rsvp_to_me_by_friday_is_the_groups_deadline():
    text = ("Bridal shower is Sunday June 24 at 1:00. RSVP to me by this Friday so I can give the "
            "caterer numbers!")
    assert ("2029-06-08", "deadline") in [(e.start, e.kind) for e in extract_events(text, R22)]


def test_the_old_hour_is_on_the_new_ones_side_of_noon():
    [event] = extract_events("Crews: outing tmrw is moved to 5.45am (not 6.30) to beat the heat", R22)
    assert (event.start, event.previous_start) == ("2029-06-06T05:45:00+01:00", "2029-06-06T06:30:00+01:00")


@pytest.mark.parametrize("text,start", [
    ("the vet appointment for toffee is tomorrow at ten thirty", "2029-06-06T10:30:00+01:00"),
    ("Dinner Friday at seven fifteen", "2029-06-08T19:15:00+01:00"),
    ("Meet Friday at two, ten minutes early please", "2029-06-08T14:00:00+01:00"),
])
def test_english_hours_and_minutes_in_words(text, start):
    assert [e.start for e in extract_events(text, R22)] == [start]


@pytest.mark.parametrize("text,start,previous", [
    ("Oigan el baby shower de Yesenia se movió al domingo 17, ya no es el sábado 16", "2029-06-17",
     "2029-06-16"),
    ("La répétition du chœur passe de mardi à jeudi cette semaine, même heure (19h30)",
     "2029-06-07T19:30:00+01:00", "2029-06-05"),
    ("A recolha de monstros em Paço de Arcos passa de sexta-feira, 8, para segunda-feira, 11 de junho.",
     "2029-06-11", "2029-06-08"),
    ("Die Biotonne wird nicht am Donnerstag, sondern erst am Samstag, 9.6., geleert.", "2029-06-09",
     "2029-06-07"),
])
def test_more_ways_to_move_a_day(text, start, previous):
    [event] = extract_events(text, R22)
    assert (event.start, event.moved, event.previous_start) == (start, True, previous)
    assert not event.title.lower().startswith("erst")


# ------------------------------------------------------------------------- round 23 (batch 51)

OCTUBRE = datetime(2029, 10, 9, 10, 0, tzinfo=ZoneInfo("Europe/Madrid"))  # Tue 9 Oct 2029


@pytest.mark.parametrize("text,start", [
    ("La reunión con la tutora es el mié 17 a las 17:30", "2029-10-17T17:30:00+02:00"),
    ("mar 16 et mer 17 : Karim au fournil 4h-11h", "2029-10-16T04:00:00+02:00"),
    ("Próximo encontro é qua 24 às 19h30 na livraria", "2029-10-24T19:30:00+02:00"),
])
def test_a_lower_case_short_weekday_counts_when_its_day_number_agrees(text, start):
    assert found(text, OCTUBRE)[0][0] == start


@pytest.mark.parametrize("text", [
    "Eu vou ter 3 filhos na festa",  # "ter" (Tuesday) with a number that is no Tuesday
    "Wir sind so 20 Leute",  # German lower-case "so" stays a word
])
def test_a_lower_case_short_weekday_that_disagrees_is_a_word(text):
    assert found(text, OCTUBRE) == []


@pytest.mark.parametrize("text", [
    "Reunión el miércoles 17 a las 17:30 en el aula 2.04.",
    "Elternabend am Mittwoch, 17.10., um 19 Uhr in Raum 1.12",
    "Parents' evening Wednesday 17th at 6pm in room 2.04",
])
def test_a_rooms_dotted_number_is_no_date(text):
    assert [event[0][:10] for event in found(text, OCTUBRE)] == ["2029-10-17"]


@pytest.mark.parametrize("text", [
    "Donnerstag schaff ich erst ab halb neun, hab Dienst bis acht",
    "Bin Sonntag noch bei meinen Eltern in Köln, komm so um halb acht dazu",
    "Samstag kann ich erst später, fangt ruhig an",
])
def test_the_writers_whereabouts_with_the_verb_first_are_no_event(text):
    assert found(text, OCTUBRE) == []


@pytest.mark.parametrize("text", [
    "Anyone wanna swap my Sat 27th? Got a wedding",
    "Tauschst du den Mittwoch mit mir? Ich würd dafür deinen Samstag nehmen",
    "Cubro o sábado se você me der o domingo 4/11",
    "Quelqu'un peut me remplacer vendredi 19 ?",
])
def test_a_day_offered_or_asked_in_a_swap_is_no_event(text):
    assert found(text, OCTUBRE) == []


def test_a_swap_does_not_hide_the_event_beside_it():
    events = found("Can someone swap with me on Saturday? Parents' evening is Thursday at 6pm", OCTUBRE)
    assert [event[0] for event in events] == ["2029-10-11T18:00:00+02:00"]


ROSTER_WEEK = datetime(2029, 10, 11, 10, 0, tzinfo=ZoneInfo("Europe/London"))  # Thu 11 Oct 2029


@pytest.mark.parametrize("text,starts,end", [
    ("I've got nights Tue-Thu (2100-0715) then off", ["2029-10-16T21:00:00+01:00",
     "2029-10-17T21:00:00+01:00", "2029-10-18T21:00:00+01:00"], "2029-10-19T07:15:00+01:00"),
    ("Ich hab Nachtdienst Mo bis Mi, 21:15 bis 6:30", ["2029-10-15T21:15:00+01:00",
     "2029-10-16T21:15:00+01:00", "2029-10-17T21:15:00+01:00"], "2029-10-18T06:30:00+01:00"),
])
def test_a_rosters_range_of_weekdays_with_one_span_is_a_shift_each_day(text, starts, end):
    events = found(text, ROSTER_WEEK)
    assert [event[0] for event in events] == starts
    assert events[-1][1] == end


def test_a_range_of_days_with_hours_and_no_duty_stays_one_event():
    assert [(e[0], e[1]) for e in found("Basketball camp Jan 2-4, 9am-3pm daily", ROSTER_WEEK)] == \
        [("2030-01-02", "2030-01-04")]


@pytest.mark.parametrize("text,first", [
    ("Rota w/c 22nd\nMon - Jade 5am-1pm\nTue - Kasia 5am-1pm", "2029-10-22T05:00:00+01:00"),
    ("Dienstplan für KW 43 ist raus. Ich hab Nachtdienst Mo bis Mi, 21:15 bis 6:30",
     "2029-10-22T21:15:00+01:00"),
    ("Planning semaine du 22 :\nmardi : Karim 4h-11h", "2029-10-23T04:00:00+01:00"),
])
def test_a_week_named_by_a_day_or_its_number_frames_the_weekdays_after_it(text, first):
    events = found(text, ROSTER_WEEK)
    assert events[0][0] == first
    assert not any(event[0].startswith(("2029-10-22T00", "2029-10-15")) for event in events)


@pytest.mark.parametrize("text,place", [
    ("Garage Meier AG: Grüezi Herr Brunner, Ihr Termin für den Radwechsel ist am Sa, 27.10. um 08:15.",
     "Garage Meier AG"),
    ("Fwd: Bright Smiles Dental: Hi Dana, reminder of Leo's cleaning on Tue, Oct 23 at 3:40 PM.\n\n"
     "can you do pickup that day?", "Bright Smiles Dental"),
    ("Veterinaria Patitas: Le recordamos la cita de Canela el miércoles 24 de octubre a las 8:00.",
     "Veterinaria Patitas"),
])
def test_a_pasted_notices_sender_that_names_a_place_is_where(text, place):
    assert found(text, OCTUBRE)[0][5] == place


@pytest.mark.parametrize("text", [
    "Vet reminder: Bella's jabs are due on Tue, Oct 23 at 3:40 PM",  # a noun, no name
    "Hi Dana: reminder that the party is on Tue, Oct 23 at 3:40 PM",  # a greeting
])
def test_a_sender_without_a_place_name_is_no_place(text):
    assert found(text, OCTUBRE)[0][5] is None


@pytest.mark.parametrize("text,start,end", [
    ("Book club Thurs Nov 8, 7:30-9 at Rachel's. Sorry, I mean WEDS Nov 7!!",
     "2029-11-07T19:30:00+01:00", "2029-11-07T21:00:00+01:00"),
    ("Picnic on Saturday 20th at 2pm. Sorry, I mean Sunday 21st at 3pm", "2029-10-21T15:00:00+02:00", None),
    ("Le repas est jeudi 18 à 19h chez Léa. Pardon, je voulais dire vendredi 19 !",
     "2029-10-19T19:00:00+02:00", None),
])
def test_a_day_given_as_a_correction_replaces_the_one_said_before(text, start, end):
    events = found(text, OCTUBRE)
    assert [(e[0], e[1]) for e in events] == [(start, end)]
    assert events[0][4].lower().startswith(("book club", "picnic", "le repas"))


def test_two_days_without_a_correction_stay_two_events():
    assert len(found("Choir Tuesday 7pm. Then Thursday the concert at 8pm", OCTUBRE)) == 2


PARIS_OCT = datetime(2029, 10, 11, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))  # Thu 11 Oct 2029


@pytest.mark.parametrize("text,start,previous", [
    # brought forward: the replaced day number is after the new day, in its month
    ("La séance de décembre est avancée au 4 déc. à 19h15 (au lieu du 11) à cause des Fêtes.",
     "2029-12-04T19:15:00+01:00", "2029-12-11"),
    ("The December session is moved to 4 Dec at 7.15pm (instead of the 11th).",
     "2029-12-04T19:15:00+01:00", "2029-12-11"),
    ("A despedida de solteiro passou para dia 17 de novembro (em vez de 24), no Porto",
     "2029-11-17", "2029-11-24"),
    ("La despedida la pasamos al 17 de noviembre (ya no es el 10) porque Vale viaja.",
     "2029-11-17", "2029-11-10"),
    ("Match vom 12. auf den 19. Oktober verschoben", "2029-10-19", "2029-10-12"),
])
def test_the_day_number_a_move_replaces_is_the_one_nearest_the_new_day(text, start, previous):
    [event] = extract_events(text, PARIS_OCT)
    assert (event.start, event.moved, event.previous_start) == (start, True, previous)


def test_an_hour_instead_of_another_is_no_day_number():
    [event] = extract_events("Training is at 6 instead of 5 on Friday", PARIS_OCT)
    assert event.start == "2029-10-12T18:00:00+02:00" and event.previous_start == "2029-10-12T17:00:00+02:00"


@pytest.mark.parametrize("text,segments", [
    ("avancée au 4 déc. à 19h15", 1),
    ("school's back 1 Feb. thoughts?", 2),
])
def test_a_month_cut_short_ends_a_sentence_only_when_a_new_one_starts(text, segments):
    from toolkit.extract.clauses import segments as cut

    assert len(cut(text)) == segments


@pytest.mark.parametrize("text,title", [
    ("Book club 📚 November pick is 'The Bee Sting' – we're meeting Thurs Nov 8, 7:30 at Rachel's",
     "Book club"),
    ("Lesekreis 📚 Nächstes Treffen Mi., 7.11., 19:30 bei Annette", "Lesekreis"),
    ("Clube do livro 📚\npróximo encontro é qua, 24/10, às 19h30 na livraria", "Clube do livro"),
])
def test_a_meeting_that_says_nothing_of_what_for_takes_the_groups_heading(text, title):
    assert found(text, OCTUBRE)[0][4] == title


def test_a_greeting_is_no_heading_for_a_meeting():
    assert found("Hi all 👋 we're meeting Thursday at 7", OCTUBRE)[0][4] != "Hi all"


@pytest.mark.parametrize("text,start", [
    ("Harvest festival assembly is next Friday (19th) at 9.15 in the main hall", "2029-10-19T09:15:00+02:00"),
    ("Die Feier ist am Freitag (26.) um 18 Uhr", "2029-10-26T18:00:00+02:00"),
])
def test_a_day_number_in_brackets_after_its_weekday_says_which_one(text, start):
    assert found(text, OCTUBRE)[0][0] == start


@pytest.mark.parametrize("text,day", [
    ("E já deixo avisado que o de novembro vai ser dia 28 às 19h30", "2029-11-28"),
    ("In November it's on the 28th, 7pm", "2029-11-28"),
    ("Le repas de décembre ce sera le 14 à 20h", "2029-12-14"),
])
def test_a_month_named_without_a_day_frames_the_day_number_after_it(text, day):
    assert found(text, OCTUBRE)[0][0][:10] == day


def test_uebernaechsten_is_the_weekday_a_week_after_the_coming_one():
    assert found("Elternabend ist übernächsten Dienstag um 19:30 im Clubhaus", OCTUBRE)[0][0] == \
        "2029-10-23T19:30:00+02:00"


def test_the_one_of_a_later_month_same_place_and_time_is_the_same_event_again():
    first, second = found("Club de lectura: nos juntamos el jueves 25 a las siete y media en Las Violetas. "
                          "El de noviembre es el jueves 29, mismo lugar y hora", OCTUBRE)
    assert second[0] == "2029-11-29T19:30:00+01:00"
    assert second[4] == first[4]


def test_the_one_of_something_else_is_titled_by_it():
    events = found("el examen de Estadística es el martes 30 a las 9:00, y el de Marketing el jueves 1 "
                   "a las 14h", OCTUBRE)
    assert "Marketing" in events[-1][4]


def test_short_weekdays_listed_in_lower_case_are_days_and_a_roster_week_frames_them():
    events = found("Escala do plantão noturno da UTI, semana de 15/10: eu fico com seg, qua e sex, "
                   "das 19h às 7h.", OCTUBRE)
    assert [event[0] for event in events] == ["2029-10-15T19:00:00+02:00", "2029-10-17T19:00:00+02:00",
                                              "2029-10-19T19:00:00+02:00"]
    assert events[0][1] == "2029-10-16T07:00:00+02:00"


@pytest.mark.parametrize("text", ["O mar e o sol de manhã são lindos", "Mar y sol, qué más quieres"])
def test_a_short_weekday_alone_in_lower_case_is_a_word(text):
    assert found(text, OCTUBRE) == []


MARCO = datetime(2030, 3, 14, 20, 0, tzinfo=ZoneInfo("America/Sao_Paulo"))  # Thu 14 Mar 2030


def test_a_roster_under_a_week_heading_without_a_colon_is_that_week():
    events = found("Escala da semana que vem ☕\nseg e ter: Jéssica 6h-14h\nqua: fechado p/ dedetização\n"
                   "qui: Rafa 6h-14h\nsex e sáb: Jéssica e Rafa 6h-15h", MARCO)
    assert [event[0][:10] for event in events] == ["2030-03-18", "2030-03-19", "2030-03-20", "2030-03-21",
                                                   "2030-03-22", "2030-03-23"]
    assert events[2][2] == "closure"


def test_a_rosters_duty_named_in_its_heading_makes_each_day_of_a_range_a_shift():
    events = found("Escala da vigilância do condomínio:\nqua a sex: Zacarias 18h-6h", MARCO)
    assert [(event[0], event[1]) for event in events][-1] == ("2030-03-22T18:00:00-03:00",
                                                               "2030-03-23T06:00:00-03:00")
    assert len(events) == 3


def test_the_weekday_before_or_after_a_day_said_is_placed_by_it_same_venue_included():
    rehearsal, concert = found("Spring concert is confirmed: Sat 13 April, 7.30pm at Victoria Concert Hall! "
                               "Dress rehearsal the Thurs before, 6.30-9.30 same venue.", MARCO)
    assert (rehearsal[0], rehearsal[5]) == ("2030-04-11T18:30:00-03:00", "Victoria Concert Hall")
    bee = found("Co-op GM is Wed 24 Oct half six. Working bee the Sat after from 9", OCTUBRE)[-1]
    assert bee[0] == "2029-10-27T09:00:00+02:00"


def test_the_thursday_before_with_no_day_said_is_nothing():
    assert found("Can we do an extra rehearsal on the Thursday before?", MARCO) == []


def test_a_title_of_only_the_writer_is_no_title():
    events = found("Dienstplan KW 12:\nMo-Mi: ich, Nacht 19:00-07:00", MARCO)
    assert len(events) == 3 and all(event[4] == "Nacht" for event in events)


@pytest.mark.parametrize("text,start", [
    ("Die Hausverwaltung hat die Wohnungsbegehung für Mittwoch, 27.3., angekündigt, 9–13 Uhr",
     "2030-03-27T09:00:00-03:00"),
    ("Au fait le syndic a fixé l'AG de copro au lundi 25 à 18h30, salle Molière.",
     "2030-03-25T18:30:00-03:00"),
    ("The school has booked the hall for Friday 22nd at 6pm", "2030-03-22T18:00:00-03:00"),
])
def test_scheduling_said_actively_in_the_past_is_of_a_day_to_come(text, start):
    assert found(text, MARCO)[-1][0] == start


def test_what_replaces_a_day_called_off_happens_that_day():
    events = found("Sat's league match vs Wanderers is off, their ground is waterlogged. Instead we'll do "
                   "nets at the club 2-5pm.", MARCO)
    assert [(e[0], e[3]) for e in events] == [("2030-03-16", True), ("2030-03-16T14:00:00-03:00", False)]


def test_quinta_da_something_is_an_estate_and_um_quarto_a_quarter():
    events = found("O batizado é domingo, 28 de abril, às 11h, e depois almoço na Quinta do Vale às 13h.",
                   MARCO)
    assert [event[0] for event in events] == ["2030-04-28T11:00:00-03:00", "2030-04-28T13:00:00-03:00"]
    assert found("Atividade de sábado 23: encontro às oito e um quarto na estação", MARCO)[0][0] == \
        "2030-03-23T08:15:00-03:00"


def test_a_rosters_lines_of_a_weekday_a_name_and_two_bare_hours():
    events = found("Cuadrante semana del 18 ☕\nLun: Lucía 7-15\nMar: cerrado (festivo)\n"
                   "Mié y jue: Dani 7-15\nVie: Lucía y yo 7-16", MARCO)
    assert [(e[0], e[1]) for e in events if e[1]] == [
        ("2030-03-18T07:00:00-03:00", "2030-03-18T15:00:00-03:00"),
        ("2030-03-20T07:00:00-03:00", "2030-03-20T15:00:00-03:00"),
        ("2030-03-21T07:00:00-03:00", "2030-03-21T15:00:00-03:00"),
        ("2030-03-22T07:00:00-03:00", "2030-03-22T16:00:00-03:00")]
    nights = found("Dienstplan KW 12\nDo: Goran 19-7\nFr+Sa: Jelena 19-7", MARCO)
    assert [e[0][:10] for e in nights] == ["2030-03-21", "2030-03-22", "2030-03-23"]
    assert nights[0][1] == "2030-03-22T07:00:00-03:00"


def test_two_bare_numbers_outside_a_roster_line_are_no_hours():
    assert found("We won 7-15 on Saturday, what a game", MARCO) == []


def test_a_spanish_rota_by_day_letters():
    events = found("Turnos semana del 18\nL y M: Rocío de 6 a 14\nX: Manu de 6 a 14\n"
                   "V: Manu y yo de 7 a 15", MARCO)
    assert [e[0][:10] for e in events] == ["2030-03-18", "2030-03-19", "2030-03-20", "2030-03-22"]
    assert found("M: ok\nya llego", MARCO) == []  # one letter line is no rota


def test_the_eve_or_the_morrow_of_the_day_said_before():
    events = found("Concert le jeudi 25 juillet à 19h ! Générale la veille à midi au Théâtre de Verdure",
                   MARCO)
    assert [event[0] for event in events] == ["2030-07-24T12:00:00-03:00", "2030-07-25T19:00:00-03:00"]
    assert found("We can do it the day after?", MARCO) == []


def test_a_closing_noun_makes_a_bare_dotted_date_a_deadline_titled_by_it():
    [event] = found("Meldeschluss ist der 10.8.!", MARCO)
    assert (event[0], event[2], event[4]) == ("2030-08-10", "deadline", "Meldeschluss")


@pytest.mark.parametrize("text", [
    "Ich chan am 11. erst ab halbi sibni, chume dänn diräkt vom Büro",
    "Oma ich komm am 1. erst nachmittags aus Graz, so gegen 15 Uhr",
    "On sera là ! Par contre le 23 on atterrit à 7h du matin donc on ira direct",
    "Na 25 de Março tava R$ 35, muito caro",
])
def test_more_whereabouts_and_a_street_named_by_a_date_are_no_events(text):
    assert found(text, MARCO) == []


def test_a_date_after_na_in_lower_case_is_still_a_day():
    assert found("A festa é na 25 de março às 20h", MARCO)[0][0] == "2030-03-25T20:00:00-03:00"


def test_the_same_weekday_as_a_dated_day_said_before_is_that_day():
    events = found("Schützenfest: Antreten zum Festumzug am Samstag, 23.03., um 14 Uhr. Festball am "
                   "Samstagabend ab 20 Uhr im Festzelt.", MARCO)
    assert [event[0] for event in events] == ["2030-03-23T14:00:00-03:00", "2030-03-23T20:00:00-03:00"]


def test_a_day_number_then_an_hour_is_no_span_of_hours():
    events = found("Mariage civil le vendredi 23 août à 10h, cérémonie religieuse le samedi 24 à 15h "
                   "au temple", MARCO)
    assert [(e[0], e[1]) for e in events] == [("2030-08-23T10:00:00-03:00", None),
                                              ("2030-08-24T15:00:00-03:00", None)]


ADVENT_2030 = datetime(2030, 11, 27, 10, 0, tzinfo=ZoneInfo("Europe/Zurich"))  # Wed 27 Nov 2030


def test_a_weekday_cut_short_before_its_date_ends_no_sentence():
    events = found("Chlausabend vom SAC: Fr. 6.12. ab 19 Uhr im Albishaus, Anmeldung bis Sonntag via "
                   "Doodle.", ADVENT_2030)
    assert ("2030-12-06T19:00:00+01:00", "event", "Albishaus") in [(e[0], e[2], e[5]) for e in events]


@pytest.mark.parametrize("text,new,old", [
    ("o happy hour passou para quinta, dia 12, 18h30, no Bar Brahma (era sexta 13).",
     "2030-12-12T18:30:00+01:00", "2030-12-13"),
    ("La asamblea pasa al jueves 12/12 a las 19 hs (estaba para el 5/12), en el SUM.",
     "2030-12-12T19:00:00+01:00", "2030-12-05"),
    ("la cena pasa al jueves 19 (en vez del viernes 20) porque estaba lleno. Misma hora, 21:00.",
     "2030-12-19T21:00:00+01:00", "2030-12-20"),
    ("Die Probe ist jetzt am Donnerstag 19 Uhr (war am Dienstag, 3.12.).", "2030-11-28T19:00:00+01:00",
     "2030-12-03"),
    ("La répétition passe au jeudi 12 à 19h (c'était le mardi 10).", "2030-12-12T19:00:00+01:00",
     "2030-12-10"),
])
def test_the_day_it_was_on_in_brackets_after_a_move_is_the_old_day(text, new, old):
    events = extract_events(text, ADVENT_2030)
    assert [(e.start, e.moved, e.previous_start) for e in events if not e.cancelled] == [(new, True, old)]


def test_a_bracket_that_only_mentions_a_past_evening_moves_nothing():
    events = extract_events("Die Probe ist am Donnerstag 19 Uhr (war ein toller Abend am Dienstag).",
                            ADVENT_2030)
    assert [(e.start, e.moved) for e in events] == [("2030-11-28T19:00:00+01:00", False)]


@pytest.mark.parametrize("text,start,end", [
    ("Reminder the office is closed from Tue 24 Dec, reopening Thu 2 Jan.", "2030-12-24", "2031-01-01"),
    ("Die Weihnachtsferien beginnen am 24.12.; Unterrichtsbeginn ist Dienstag, 7.1.2031.", "2030-12-24",
     "2031-01-06"),
    ("Die Kita ist ab dem 23.12. geschlossen, am 2.1. sind wir wieder da.", "2030-12-23", "2031-01-01"),
    ("Le centre est fermé à partir du 23 décembre. Réouverture le lundi 6 janvier.", "2030-12-23",
     "2031-01-05"),
    ("Las oficinas cierran el 23 de diciembre y reabren el 7 de enero.", "2030-12-23", "2031-01-06"),
    ("A escola fecha a 20 de dezembro e as aulas recomeçam a 6 de janeiro.", "2030-12-20", "2031-01-05"),
])
def test_closed_days_end_the_day_before_things_start_again(text, start, end):
    assert [(e[0], e[1], e[2]) for e in found(text, ADVENT_2030)] == [(start, end, "closure")]


def test_one_day_said_closed_stays_one_day_when_classes_resume_later():
    events = found("No Hebrew school on Sunday 1 Dec, classes resume 8 Dec", ADVENT_2030)
    assert [(e[0], e[1], e[2]) for e in events] == [("2030-12-01", None, "closure")]


def test_full_dates_joined_by_through_are_one_span():
    events = found("Schools will be closed Monday, December 23, 2030 through Friday, January 3, 2031 "
                   "for Winter Recess.", ADVENT_2030)
    assert [(e[0], e[1], e[2]) for e in events] == [("2030-12-23", "2031-01-03", "closure")]


@pytest.mark.parametrize("text", [
    "Les examens commencent le lundi 9 décembre et se terminent le vendredi 20 décembre.",
    "Los exámenes empiezan el lunes 9 de diciembre y terminan el viernes 20 de diciembre.",
])
def test_a_day_that_only_says_something_ends_is_the_last_day_of_it(text):
    assert [(e[0], e[1]) for e in found(text, ADVENT_2030)] == [("2030-12-09", "2030-12-20")]


@pytest.mark.parametrize("text", [
    "Mi vieja siempre armaba el arbolito el 8 de diciembre, era sagrado en casa",
    "Opa wäre am 3. Dezember 90 geworden.",
    "Kann wer am Samstag die Kinder vom Eislaufen abholen? Ich steck im Büro fest",
    "Ich bin Freitag ab 20 Uhr da, bringe Glühwein mit",
    "Ah não, este ano o 1 de dezembro calha a um domingo",
    "Christmas Day falls on a Wednesday this year",
])
def test_a_habit_that_was_what_would_have_been_an_errand_asked_own_whereabouts_and_the_calendar(text):
    assert found(text, ADVENT_2030) == []


@pytest.mark.parametrize("text,start", [
    ("La clase acaba el viernes 6 a las 20h.", "2030-12-06T20:00:00+01:00"),
    ("Samstag wäre gut, um 10 Uhr am Sportplatz?", "2030-11-30T10:00:00+01:00"),
    ("Christmas falls on a Wednesday this year, so the party is Sat 21 Dec at 7pm at Tom's.",
     "2030-12-21T19:00:00+01:00"),
])
def test_the_present_a_wish_and_a_plan_beside_a_calendar_remark_stay_events(text, start):
    assert [e[0] for e in found(text, ADVENT_2030)] == [start]


def test_days_listed_with_and_under_dias_are_two_days():
    events = found("Lembro que nos dias 24 e 31 o escritório está fechado.", ADVENT_2030)
    assert [(e[0], e[1], e[2]) for e in events] == [("2030-12-24", None, "closure"),
                                                    ("2030-12-31", None, "closure")]


@pytest.mark.parametrize("text", [
    "As provas finais vão de 2 a 6/12.",
    "Les examens ont lieu du 2 au 6/12.",
    "Campamento del 2 al 6/12 en la sierra.",
    "Mia has exams from 2 to 6/12",
    "Ferienlager vom 2. bis 6.12. im Harz",
])
def test_a_bare_day_number_then_a_date_of_its_month_is_one_span(text):
    assert [(e[0], e[1]) for e in found(text, ADVENT_2030)] == [("2030-12-02", "2030-12-06")]


def test_two_days_in_a_row_under_dias_are_one_weekend():
    assert [(e[0], e[1]) for e in found("Torneio nos dias 13 e 14 em Recife", ADVENT_2030)] == \
        [("2030-12-13", "2030-12-14")]


@pytest.mark.parametrize("text,title", [
    ("Put your name beside a slot on the sheet by Fri 6th 🙏", "slot"),
    ("Bitte bis Freitag Bescheid geben, wer mitkommt", "Bescheid"),
])
def test_something_asked_for_by_a_day_is_a_deadline_without_a_known_task(text, title):
    events = found(text, ADVENT_2030)
    assert [e[2] for e in events] == ["deadline"] and title in events[0][4]


@pytest.mark.parametrize("text,title", [
    ("Garage Meier AG: Ihr Reifenwechsel-Termin ist am Dienstag, 3. Dezember um 7.45 Uhr.",
     "Reifenwechsel-Termin – Garage Meier AG"),
    ("Clinique Vétérinaire des Lilas : RDV de Moka le 02/12 à 18h15 pour son rappel de vaccin.",
     "RDV – Clinique Vétérinaire des Lilas"),
])
def test_a_pasted_notice_is_titled_by_the_appointment_it_books_and_its_sender(text, title):
    assert [e[4] for e in found(text, ADVENT_2030)] == [title]


@pytest.mark.parametrize("text,place", [
    ("O ensaio é sábado às 16h, na igreja da Sagrada Família. A cantata de Natal é dia 22 às 18h, "
     "também lá.", "igreja da Sagrada Família"),
    ("Die Probe ist am Freitag um 19 Uhr in der Aula. Das Konzert ist am Sonntag um 17 Uhr, auch dort.",
     "Aula"),
])
def test_there_too_takes_the_place_said_before(text, place):
    assert [e[5] for e in found(text, ADVENT_2030)] == [place, place]


def test_the_day_something_comes_back_is_not_a_day_it_is_off():
    events = found("No club over the summer break, we're back Tues 14 Jan, 7pm.", ADVENT_2030)
    assert [(e[0], e[3]) for e in events] == [("2031-01-14T19:00:00+01:00", False)]


@pytest.mark.parametrize("text,start,end", [
    ("Paseo: sábado 7 de diciembre al Cajón del Maipo, salida 9:00 y regreso a las 18:00.",
     "2030-12-07T09:00:00+01:00", "2030-12-07T18:00:00+01:00"),
    ("School trip to the zoo on Friday, bus leaves 8.30, back by 3.30", "2030-11-29T08:30:00+01:00",
     "2030-11-29T15:30:00+01:00"),
    ("Ausflug am Samstag, Abfahrt 8 Uhr, Rückkehr gegen 17 Uhr", "2030-11-30T08:00:00+01:00",
     "2030-11-30T17:00:00+01:00"),
])
def test_the_hour_of_the_way_back_ends_an_outing(text, start, end):
    assert [(e[0], e[1]) for e in found(text, ADVENT_2030)] == [(start, end)]


def test_swiss_kei_calls_off_and_stefanitag_is_the_26th():
    swiss = found("Am Samstig isch kei Turnier, das isch abgseit worde.", ADVENT_2030)
    assert [(e[0], e[3]) for e in swiss] == [("2030-11-30", True)]
    assert [e[0] for e in found("Am Stefanitag ist Mittagessen bei der Oma in Baden, 12 Uhr.", ADVENT_2030)] \
        == ["2030-12-26T12:00:00+01:00"]


def test_the_hours_after_a_short_heading_day_are_that_days_not_the_next_ones():
    events = found("ok final plan for thursday!! dinner at Aunt Carol's at 4pm, Mark's bringing the turkey "
                   "and Friday anyone crazy enough: outlets run, leaving at 6am", ADVENT_2030)
    assert [e[0] for e in events] == ["2030-11-28T16:00:00+01:00", "2030-11-29T06:00:00+01:00"]


MAY_2031 = datetime(2031, 5, 7, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))  # Wed 7 May 2031


@pytest.mark.parametrize("text", ["Klassenfahrt der 7c nach Rügen: Mo 16.6. bis Fr 20.6. Abfahrtszeit folgt.",
                                  "Campamento: lunes 16/6 al viernes 20/6 en Gredos"])
def test_two_dates_with_their_day_numbers_joined_by_bis_are_one_span(text):
    assert [(e[0], e[1]) for e in found(text, MAY_2031)] == [("2031-06-16", "2031-06-20")]


@pytest.mark.parametrize("text,days", [
    ("Informo que nos dias 10, 12 e 13 de junho não há aulas (feriados).",
     ["2031-06-10", "2031-06-12", "2031-06-13"]),
    ("Matches on the 3rd, 10th and 17th of June, bring your kit", ["2031-06-03", "2031-06-10", "2031-06-17"]),
])
def test_day_numbers_listed_with_commas_before_a_date_are_days_of_its_month(text, days):
    assert [e[0] for e in found(text, MAY_2031)] == days


def test_reading_a_clauses_core_leaves_the_cached_boundaries_as_they_were():
    """The clause reader caches a sentence's boundaries; the "that"-words a core adds must not
    end up in the cached answer, or a text read again would be cut differently."""
    from toolkit.extract.clauses import Clause, core_bounds, soft_boundaries
    from toolkit.extract.rules import grammar

    g = grammar("es")
    low = "decidieron que la fiesta es el sábado, y que el lunes no hay clase"
    before = soft_boundaries(low, 0, len(low), g)
    core_bounds(low, low.index("sábado"), Clause(0, len(low), (0, len(low)), []), g)
    assert soft_boundaries(low, 0, len(low), g) == before
    assert all(not low[a:b].strip().startswith("que") for a, b in before)


def test_a_notice_pasted_after_words_in_the_past_is_still_news():
    events = found("Olha a msg que chegou: 'Lab Fleury: seu exame de sangue está agendado p/ 14/05 às 7h00, "
                   "unidade Paraíso.' Mãe, a senhora me leva?", MAY_2031)
    assert [e[0] for e in events] == ["2031-05-14T07:00:00+02:00"]


@pytest.mark.parametrize("text", ["Meu voo pousa às 23h40 amanhã, não precisa ninguém ir me buscar",
                                  "Mi vuelo llega el viernes a las 22h, no hace falta que vengáis",
                                  "Mein Flug landet Freitag um 22 Uhr, ich nehm ein Taxi"])
def test_the_writers_own_journey_is_no_event(text):
    assert found(text, MAY_2031) == []


@pytest.mark.parametrize("text,title", [
    ("La señal (10€) se le da a Luismi hasta el jueves 22.", "señal"),
    ("• contribuição de R$50 até dia 31/05 com o Carlos", "Contribuição"),
])
def test_money_given_by_a_day_is_a_deadline(text, title):
    events = found(text, MAY_2031)
    assert [e[2] for e in events] == ["deadline"] and title in events[0][4]


def test_days_listed_after_a_closed_day_with_only_a_remark_are_closed_too():
    events = found("Recordar que no hay clases el miércoles 21 (Glorias Navales), jueves 22 ni viernes 23 "
                   "(jornada de evaluación).", MAY_2031)
    assert [(e[0], e[2]) for e in events] == [("2031-05-21", "closure"), ("2031-05-22", "closure"),
                                              ("2031-05-23", "closure")]


def test_a_day_run_to_another_is_a_move_and_running_is_not():
    [moved] = extract_events("La prueba de matemáticas del jueves 22 se corre al martes 27.", MAY_2031)
    assert (moved.start, moved.moved, moved.previous_start) == ("2031-05-27", True, "2031-05-22")
    [run] = extract_events("Corre a la derecha el sábado a las 10, hay carrera", MAY_2031)
    assert not run.moved


def test_a_day_said_again_by_another_name_is_one_clause_and_bitte_keeps_its_verb_for_the_end():
    events = found("Liebe Familie! Emmas Erstkommunion ist zu Christi Himmelfahrt, am 22. Mai um 9.30 Uhr in "
                   "der Pfarrkirche Hietzing 🕊️ Bitte bis 20.5. Bescheid geben, wer kommt.", MAY_2031)
    assert [(e[0], e[2]) for e in events] == [("2031-05-20", "deadline"),
                                              ("2031-05-22T09:30:00+02:00", "event")]
    assert "Bescheid" in events[0][4] and "Erstkommunion" in events[1][4]


@pytest.mark.parametrize("text,place", [
    ("Game 2 this morning is CANCELLED, courts at Lane Cove are waterlogged. Grand final is still "
     "Sat 7 June, 9am, same courts.", "Lane Cove"),
    ("Frühlingskonzert: Sa 14.6., 20 Uhr im Vaduzer Saal. Generalprobe am Fr 13.6. um 19.30 Uhr am "
     "gleichen Ort.", "Vaduzer Saal"),
    ("La comunión es el sábado 17 a las 12:00 en la parroquia de San Jerónimo. El ensayo es el jueves 15 a "
     "las 18h en la misma iglesia.", "San Jerónimo"),
])
def test_the_same_place_by_its_noun_is_the_place_said_before(text, place):
    assert all(place in (e[5] or "") for e in found(text, MAY_2031) if not e[3])


@pytest.mark.parametrize("text,place", [
    ("EUROVISION PARTY at ours Sat 17th!!! from 7.30pm, flat 4, 22 Albion Road. Bring a dish",
     "22 Albion Road"),
    ("GIG TONIGHT 🎸 The Lexington, Pentonville Rd – we're on at half 9.", "Pentonville Rd"),
    ("Einweihungsparty am Samstag, 24.5., ab 19 Uhr – Schönhauser Allee 112, 3. OG links.",
     "Schönhauser Allee 112"),
])
def test_a_street_address_is_the_place_when_nothing_or_only_a_home_is_said(text, place):
    assert [e[5] for e in found(text, MAY_2031)] == [place]


def test_a_weekly_day_moved_to_another_has_its_coming_day_as_the_old_one():
    [moved] = extract_events("A partir de esta semana el Body Pump de los martes a las 20:00 pasa al "
                             "miércoles a las 7 y cuarto de la tarde (sala 2).", MAY_2031)
    assert (moved.start, moved.moved, moved.previous_start[:10]) == ("2031-05-14T19:15:00+02:00", True,
                                                                    "2031-05-13")


@pytest.mark.parametrize("text,new,old", [
    ("Info Bruxelles-Propreté : en raison du lundi de Pentecôte (2 juin), la collecte des sacs blancs est "
     "décalée au mardi 3 juin.", "2031-06-03", "2031-06-02"),
    ("Monday May 26 refuse and recycling collection will be moved to Tuesday May 27.", "2031-05-27",
     "2031-05-26"),
])
def test_a_move_with_no_old_day_of_its_own_moves_from_an_unnamed_day_just_before(text, new, old):
    events = [e for e in extract_events(text, MAY_2031) if e.moved]
    assert [(e.start[:10], e.previous_start) for e in events] == [(new, old)]


def test_an_event_of_its_own_before_a_move_stays_an_event():
    events = extract_events("Training Monday 12 May and the match is moved to Wednesday 14 May.", MAY_2031)
    assert [(e.start, e.moved, e.previous_start) for e in events] == [("2031-05-12", False, None),
                                                                    ("2031-05-14", True, None)]


def test_the_day_of_the_way_home_after_and_ends_an_all_day_outing():
    events = found("Salimos de romería para El Rocío el jueves 29 por la mañana con la carreta de la "
                   "hermandad y volvemos el martes 3 de junio.", MAY_2031)
    assert [(e[0], e[1]) for e in events] == [("2031-05-29", "2031-06-03")]


# ------------------------------------------------------------------------- round 28 (batch 56)

JAN_2032 = datetime(2032, 1, 21, 10, 0, tzinfo=ZoneInfo("Europe/Madrid"))  # Wed 21 Jan 2032


@pytest.mark.parametrize("text,days,hours", [
    ("Ensayos extra el martes 27 y el jueves 29 de 20:30 a 23:00 en el local", ["27", "29"],
     ("20:30", "23:00")),
    ("Proben am Dienstag und am Donnerstag von 19 bis 21 Uhr", ["22", "27"], ("19:00", "21:00")),
    ("Répétitions le mardi 27 et le jeudi 29 de 19h à 21h", ["27", "29"], ("19:00", "21:00")),
    # an hour said once for all the days listed before it
    ("Planning sorties d'école: lundi 26 c'est moi, mardi 27 Sophie, jeudi 29 Nadia. Toujours "
     "16h30 devant l'école", ["26", "27", "29"], ("16:30", None)),
    ("Lifts next week: Mon Anna, Wed Tom, Fri me. Always 8.15 at the corner", ["26", "28", "30"],
     ("08:15", None)),
])
def test_days_listed_with_an_article_or_an_always_share_the_hours(text, days, hours):
    events = [e for e in extract_events(text, JAN_2032) if not e.cancelled]
    assert [e.start[8:10] for e in events] == days
    assert all((e.start[11:16], e.end and e.end[11:16]) == hours for e in events)


@pytest.mark.parametrize("text", [
    "Message de l'agence : le technicien passera pour l'entretien des chaudières le lundi 26 janvier "
    "entre 13h et 17h. Merci de dégager l'accès. Cordialement, Cabinet Lemoine Immobilier",
    "Chers parents,\nMerci de retourner le talon-réponse d'ici au vendredi 30 janvier.\n"
    "Avec nos meilleures salutations, la direction",
    "Hi all, the boiler service is on Monday 26th between 1 and 5pm.\nKind regards, Harbour Lettings",
    # the sender announces: the events it lists are not at the sender
    "ESCOLA MUNICIPAL PROF. JOÃO CAMILO INFORMA: a rematrícula deve ser confirmada até 28/01. "
    "Entrega do kit escolar no sábado, 31/01, das 8h às 12h.",
    "Comunicado da Escola Portuguesa de Moçambique: atenção aos avisos. A reunião de pais passa "
    "para terça-feira, 3 de fevereiro, às 17h30.",
])
def test_a_sign_off_or_an_announcing_sender_is_no_place(text):
    assert {e.location for e in extract_events(text, JAN_2032)} == {None}


@pytest.mark.parametrize("text,kind", [
    ("Merci de retourner le talon-réponse d'ici au vendredi 30 janvier.", "deadline"),
    ("La période d'inscription à la maternelle 4 ans et 5 ans pour 2032-2033 se termine le vendredi "
     "13 février.", "deadline"),
    ("A inscrição na época de recurso fecha dia 29 no Fénix, não se esqueçam!!", "deadline"),
    ("Los uniformes se reclaman en la tienda escolar hasta el viernes 30.", "deadline"),
    ("La piscine ferme le vendredi 30 janvier pour travaux.", "closure"),
])
def test_limits_said_by_an_ending_or_d_ici_au_are_deadlines(text, kind):
    assert [e.kind for e in extract_events(text, JAN_2032)] == [kind]


@pytest.mark.parametrize("text,location", [
    # a number inside a room's name, read as a time, comes back as written
    ("O exame passou para 5 de fevereiro, às 14h, sala B2.03 no Técnico.", "B2.03"),
    # an hour between the event and its place is none of the place
    ("Lab meeting is Thursday 3pm in Rm 412 this week.", "Rm 412"),
])
def test_a_place_never_holds_a_blanked_date_or_time(text, location):
    [event] = extract_events(text, JAN_2032)
    assert location in event.location and "¦" not in event.location


@pytest.mark.parametrize("text,days", [
    ("Die Kita bleibt am 2. und 3. Februar wegen Teamfortbildung geschlossen.", ["02-02", "02-03"]),
    ("Die Tiefgarage ist am Freitag, 30.01.2032 wegen Reinigung ganztägig gesperrt.", ["01-30"]),
    ("Jeudi 22 janvier, il n'y aura ni classe ni cantine pour les élèves de Mme Perrin.", ["01-22"]),
    ("Devido ao alerta de ciclone, as aulas estão suspensas hoje e amanhã (21 e 22 de janeiro).",
     ["01-21", "01-22"]),
    ("El jueves 29 las clases quedan suspendidas por la huelga.", ["01-29"]),
])
def test_closed_blocked_and_suspended_school_days_are_closures(text, days):
    events = extract_events(text, JAN_2032)
    assert [(e.start[5:10], e.kind, e.cancelled) for e in events] == [(d, "closure", False) for d in days]


def test_a_class_of_its_own_suspended_is_still_a_cancellation():
    [event] = extract_events("A aula de natação de quinta está suspensa.", JAN_2032)
    assert event.cancelled and event.kind == "event"


@pytest.mark.parametrize("text", [
    "Vous avez vu ? Le Nouvel An chinois tombe le 11 février, le même jour que le mercredi des Cendres",
    "Fun fact: Valentine's Day falls on the 14th, a Saturday this time",
    "« RDV samedi 24 à 20h chez Karim pour la raclette »\nBon ben c'était génial, merci Karim 🧀",
    "\"Quiz night Friday 8pm at the Crown\" - it was brilliant, thanks all",
])
def test_when_a_day_falls_and_a_quoted_plan_now_over_are_no_events(text):
    assert [e for e in extract_events(text, JAN_2032) if not e.cancelled] == []


@pytest.mark.parametrize("text", [
    "[Voice note 0:42] hello everyone, parents evening is on Thursday at the school",
    "🎤 Sprachnachricht 1:05 Hallo zusammen, Elternabend ist am Donnerstag in der Schule",
])
def test_a_voice_notes_length_is_no_hour(text):
    [event] = extract_events(text, JAN_2032)
    assert (event.start, event.all_day) == ("2032-01-22", True)


@pytest.mark.parametrize("text,start,previous", [
    # after a move verb, "from one day to another" is the old day and the new one, not a span
    ("Book club: we're pushing February's meeting back a week: from Thu Feb 5 to Thursday Feb 12, "
     "still 7pm, at Priya's", "2032-02-12T19:00:00+01:00", "2032-02-05"),
    ("We're moving the AGM from Tuesday 27 Jan to Thursday 29 Jan at 7pm", "2032-01-29T19:00:00+01:00",
     "2032-01-27"),
    # a day called off, then its new date
    ("Weitergeleitet: »Zahnarztpraxis Dr. Hoffmann: Ihr Termin am 22.01.2032 um 15:30 Uhr muss leider "
     "entfallen. Neuer Termin: Do, 05.02.2032, 08:00 Uhr.«", "2032-02-05T08:00:00+01:00", "2032-01-22"),
    ("Your appointment on Tue 27 Jan has been cancelled. New appointment: Tue 10 Feb at 9:40.",
     "2032-02-10T09:40:00+01:00", "2032-01-27"),
])
def test_a_move_said_as_from_to_or_as_a_new_date_after_a_cancellation(text, start, previous):
    [event] = extract_events(text, JAN_2032)
    assert (event.start, event.moved, (event.previous_start or "")[:10]) == (start, True, previous)


def test_a_span_after_a_move_verb_without_from_stays_a_span():
    [event] = extract_events("Camp verschoben, jetzt vom 5. bis 7. Juni im Zeltlager", JAN_2032)
    assert (event.start, event.end) == ("2032-06-05", "2032-06-07")


@pytest.mark.parametrize("text,expected", [
    ("Colônia de férias do clube termina na sexta 30/01! Festa de encerramento nesse dia às 16h, com "
     "apresentação das crianças no ginásio.", ("2032-01-30T16:00:00-03:00", "Festa de encerramento")),
    ("Sports day is on Friday 30th. The parents' race that day is at 2pm on the field.",
     ("2032-01-30T14:00:00-03:00", "The parents' race")),
])
def test_a_thing_of_its_own_on_that_day_is_an_event_on_the_day_said_before(text, expected):
    events = extract_events(text, datetime(2032, 1, 21, 10, 0, tzinfo=ZoneInfo("America/Sao_Paulo")))
    assert expected in [(e.start, e.title) for e in events]


@pytest.mark.parametrize("text,kind", [
    ("Grupo de mascarados: reunião para fechar os fatos na terça às 21h30 no café do Zé", "event"),
    ("A piscina municipal fecha a 5 de fevereiro para obras", "closure"),
    ("A biblioteca fecha na segunda", "closure"),
])
def test_fechar_with_an_object_closes_a_deal_not_a_place(text, kind):
    assert [e.kind for e in extract_events(text, JAN_2032)] == [kind]


@pytest.mark.parametrize("text", [
    "Doctolib : Votre rendez-vous du jeudi 22 janvier à 10h40 avec le Dr Marchand (dermatologue) a été "
    "déplacé au mardi 17 février à 15h20.",
    "Der Termin vom 22.1. (Kontrolle) wurde verschoben auf Di 17.2. um 15:20",
])
def test_the_day_of_what_is_moved_and_the_day_it_goes_to_are_one_move(text):
    [event] = extract_events(text, JAN_2032)
    moved = (event.start[:16], event.moved, event.previous_start[:10])
    assert moved == ("2032-02-17T15:20", True, "2032-01-22")
    assert event.title.lower() not in {"a été", "wurde"}


@pytest.mark.parametrize("text,previous", [
    # the new time on a 24-hour clock: the old one is read on it too
    ("Your appointment on Thu 22 Jan at 10:40 has been moved to Tue 17 Feb at 15:20.", "2032-01-22T10:40"),
    # the new time says its side of noon: the old one is on that side
    ("Training moved to 5.45am (not 6.30) on Saturday", "2032-01-24T06:30"),
])
def test_a_moves_old_hour_is_read_on_the_new_ones_clock(text, previous):
    [event] = extract_events(text, JAN_2032)
    assert event.previous_start[:16] == previous


@pytest.mark.parametrize("text,hour,expected", [
    ("Riya passed her driving test this morning at the RTO, first attempt!", 15, []),
    ("J'ai fini ma session ce matin 🎉 5 examens en 12 jours, plus jamais.", 13, []),
    # said early, the morning is still to come
    ("Assembly this morning in the hall, parents welcome", 7, ["2032-01-21"]),
])
def test_this_morning_without_an_hour_said_after_the_morning_is_past(text, hour, expected):
    ref = JAN_2032.replace(hour=hour)
    assert [e.start for e in extract_events(text, ref) if not e.cancelled] == expected


@pytest.mark.parametrize("text", [
    "Chicos les mando fotos desde Villa Gesell 🏖️ llegamos el sábado y nos quedamos hasta el 31, el agua "
    "está helada",
    "I'm rostered on at the hospital on Monday 26th, so I can't help with the stall",
])
def test_the_writers_own_trip_or_shift_is_no_event(text):
    assert [e for e in extract_events(text, JAN_2032) if not e.cancelled] == []


def test_volvemos_a_is_a_restart_not_the_writers_trip():
    [event] = extract_events("Volvemos a entrenar el lunes 26 a las 19h en el polideportivo", JAN_2032)
    assert event.start == "2032-01-26T19:00:00+01:00"


@pytest.mark.parametrize("text,start,end", [
    ("La semana blanca en Sierra Nevada: salida el domingo 8 de febrero a las 7:00 desde la puerta del "
     "instituto, vuelta el viernes 13 sobre las 19:00.", "2032-02-08T07:00", "2032-02-13T19:00"),
    ("Ski trip: depart Sat 7th Feb at 6am from the school gates, back Wed 11th around 8pm",
     "2032-02-07T06:00", "2032-02-11T20:00"),
])
def test_a_timed_way_back_on_a_later_day_ends_the_outing(text, start, end):
    [event] = extract_events(text, JAN_2032)
    assert (event.start[:16], (event.end or "")[:16]) == (start, end)


def test_the_return_match_is_an_event_of_its_own():
    text = ("Le match contre Akwa, c'est samedi 24 à 16h au stade de Bépanda, et le retour le samedi 31 à la "
            "même heure")
    assert [e.start[:16] for e in extract_events(text, JAN_2032)] == ["2032-01-24T16:00", "2032-01-31T16:00"]


def test_the_same_hours_again_keep_the_end_and_beat_an_hour_from_another_sentence():
    text = ("leute mathe vorabi ist jetzt offiziell am dienstag 3.2. von 8:00 bis 12:15 in der turnhalle!! "
            "deutsch dann freitag 6.2. gleiche uhrzeit. taschenrechner nicht vergessen und bitte nicht "
            "wieder alle um 7:59 reinrennen")
    assert [(e.start[:16], (e.end or "")[:16]) for e in extract_events(text, JAN_2032)] == [
        ("2032-02-03T08:00", "2032-02-03T12:15"), ("2032-02-06T08:00", "2032-02-06T12:15")]


# ------------------------------------------------------------------------- round 29 (batch 57)

SEP_2031 = datetime(2031, 9, 10, 18, 0, tzinfo=ZoneInfo("Europe/Madrid"))  # Wed 10 Sep 2031


def test_a_notice_pasted_on_lines_of_its_own_after_a_question_is_news():
    text = ('mamá esta es la de Pablo, la llevas tú o voy yo?\n\n"CLÍNICA DENTAL SONRÍE: Le recordamos su '
            'cita el martes 16/09/2031 a las 17:30 con la Dra. Ortega. Para anular llame al 91 555 23 44."')
    assert [e.start for e in extract_events(text, SEP_2031)] == ["2031-09-16T17:30:00+02:00"]


def test_a_short_line_quoted_and_asked_about_is_still_masked():
    text = "'Training Saturday 10am' - is that still on?"
    assert extract_events(text, SEP_2031) == []


@pytest.mark.parametrize("text,hours", [
    ("Ollie is turning 6! Party at Jump Zone, Saturday 20 Sept 10:30-12:30", ("10:30", "12:30")),
    ("Fiesta de cumpleaños el sábado 20 de 11 a 12:30 en el parque", ("11:00", "12:30")),
    ("Party Saturday 20th 7-10 at ours", ("19:00", "22:00")),
])
def test_a_short_party_range_ending_at_noon_is_in_the_morning(text, hours):
    [event] = extract_events(text, SEP_2031)
    assert (event.start[11:16], (event.end or "")[11:16]) == hours


@pytest.mark.parametrize("text,days", [
    ("Vendanges : on a besoin de bras les samedis 27 septembre et 4 octobre, de 8h à 16h.",
     [("2031-09-27T08:00", "2031-09-27T16:00"), ("2031-10-04T08:00", "2031-10-04T16:00")]),
    ("Helpers needed on 27 September and 4 October, 9am-1pm", [("2031-09-27T09:00", "2031-09-27T13:00"),
                                                              ("2031-10-04T09:00", "2031-10-04T13:00")]),
])
def test_two_dates_of_two_months_listed_keep_their_months_and_share_the_hours(text, days):
    events = extract_events(text, SEP_2031)
    assert [(e.start[:16], (e.end or "")[:16]) for e in events] == days


@pytest.mark.parametrize("text,start,previous", [
    ("Vóley: se suspende el entrenamiento del martes 16 porque el gimnasio está en obra. Lo recuperamos "
     "el jueves 18 a las 20:00 en el gimnasio del Liceo 10.", "2031-09-18T20:00", "2031-09-16"),
    ("No training Tuesday 16th, the hall is booked. We'll make it up on Thursday 18th at 6pm.",
     "2031-09-18T18:00", "2031-09-16"),
    ("Pas de séance mardi 16, on la rattrapera jeudi 18 à 18h.", "2031-09-18T18:00", "2031-09-16"),
])
def test_a_day_called_off_and_made_up_on_another_is_one_move(text, start, previous):
    [event] = extract_events(text, SEP_2031)
    assert (event.start[:16], event.moved, (event.previous_start or "")[:10]) == (start, True, previous)


def test_a_make_up_class_keeps_its_name():
    text = "Les cours de rattrapage auront lieu le mercredi 17 septembre de 15h à 17h"
    [event] = extract_events(text, SEP_2031)
    assert "rattrapage" in event.title


@pytest.mark.parametrize("text,location", [
    # a German lower-case infinitive closing the phrase is what for, not where
    ("Heimspiel Samstag 27.09., Halle Wendenstraße. Treffpunkt 13:15 Uhr zum Netz aufbauen, "
     "Spielbeginn 14:00.", "Halle Wendenstraße"),
    # a day named by a word ending in -tag is no place
    ("Und am Bettag (21.9.) machen wir wie immer den Zmittag bei Grosi, 12 Uhr.", "bei Grosi"),
    # a home said with its address in brackets: the address
    ("Inès fête ses 7 ans le mercredi 24 septembre de 14h à 17h à la maison (12 rue des Capucins, "
     "3e étage)", "12 rue des Capucins"),
    # a question line, or a signature line, after a pasted notice is no place
    ('fwd from the vet:\n"Luna is booked in for Wednesday, September 17 at 4:15 PM."\ncan one of you take '
     'her?? I have a work thing', None),
    ("Chers parents,\nLa réunion d'information aura lieu le samedi 20 septembre.\nLa Direction", None),
])
def test_purposes_days_questions_and_signatures_are_no_places(text, location):
    [event] = extract_events(text, SEP_2031)
    assert event.location == location


@pytest.mark.parametrize("text", [
    "Sind gut in Lignano angekommen, Wetter traumhaft ☀️ Bis Samstag dann, schaut bitte auf die Katze!",
    "Grève RATP aujourd'hui, j'ai mis 1h20 pour arriver au boulot 🤡",
    "ojo que este año el 18 cae jueves, así que el sándwich es largo",
])
def test_goodbyes_durations_and_weekdays_a_day_falls_on_are_no_events(text):
    assert [e for e in extract_events(text, SEP_2031) if not e.cancelled] == []


def test_a_limit_with_please_is_still_a_deadline():
    [event] = extract_events("Bitte die Anmeldung bis Samstag im Sekretariat abgeben", SEP_2031)
    assert event.kind == "deadline"


def test_a_bare_weekday_in_the_item_after_a_dated_one_is_the_first_such_day_after_it():
    text = ("Plan for Rosh Hashanah:\n• Erev RH dinner at Grandma Ruth's Wednesday the 17th – come by 6\n"
            "• Services Thursday morning 9:30 at Temple Sholom\n"
            "• Tashlich at the lake after lunch Thursday, 3ish")
    assert [e.start[:16] for e in extract_events(text, SEP_2031)] == [
        "2031-09-17T18:00", "2031-09-18T09:30", "2031-09-18T15:00"]


def test_a_bare_weekday_after_an_item_dated_only_by_words_is_the_coming_one():
    text = ("Swim club notices\n- Club champs a week on Sunday at Chandler, kids on pool deck by 7am\n"
            "- Nominations close Wed midnight, no late entries")
    deadlines = [e.start for e in extract_events(text, SEP_2031) if e.kind == "deadline"]
    assert deadlines == ["2031-09-17"]


@pytest.mark.parametrize("text,expected", [
    ("alguém passa lá? estou em Braga até sexta 🙏", []),
    ("I'm still in Leeds until Friday, please save me a seat", []),
    ('"CGD: O novo cartão será enviado para a morada registada. Ative-o até 10/10/2031 na app."',
     [("2031-10-10", "deadline")]),
])
def test_where_the_writer_is_until_a_day_is_no_deadline_and_activating_by_one_is(text, expected):
    assert [(e.start, e.kind) for e in extract_events(text, SEP_2031)] == expected


# ------------------------------------------------------------------------- round 30 (batch 58)

EASTER_2032 = datetime(2032, 3, 31, 18, 0, tzinfo=ZoneInfo("Europe/Berlin"))  # Wed 31 Mar 2032


@pytest.mark.parametrize("text", [
    # the Portuguese preterite by its plural ending, and "consegui"
    "Que semana... o elevador quebrou segunda, consertaram quarta às 18h e quebrou de novo hoje.",
    "Consegui declarar o imposto de renda hoje às 14h, depois de 3 horas brigando com o programa",
    # a distance run in a time, a delay: no hour
    "Long run done this morning, 28km in 2:41, legs are cooked.",
    "Chegámos ao Funchal com 2h de atraso da easyJet 🙄",
    # a poll's tally: its days are options, none chosen
    'Resultado de la encuesta "¿asado el 17 o el 24?":\n17 → 5 votos\n24 → 5 votos\nEmpate 😂',
    "Sondage : « Pique-nique : 25 avril ou 2 mai ? »\n→ 25 avril : 6 votes\n→ 2 mai : 6 votes",
    # a question after "Kurze Frage:", and where the writer is from a day to another
    "Kurze Frage: ist am Montag 5.4. Schwimmtraining oder noch Ferienpause?",
    "Danke für den Brunch! Ich bin übrigens vom 5. bis 16. April in Portugal, falls wer was braucht.",
])
def test_round_30_past_lengths_polls_questions_and_whereabouts_are_no_events(text):
    assert [e for e in extract_events(text, EASTER_2032) if not e.cancelled] == []


def test_a_preterite_that_sets_a_day_still_announces_it():
    [event] = extract_events("O jogo foi remarcado: marcaram para sábado 3 às 10h no pavilhão", EASTER_2032)
    assert event.start == "2032-04-03T10:00:00+02:00"


def test_a_polls_outcome_said_after_its_tally_is_the_event():
    text = ('📊 POLL RESULTS – "April book club date?"\n• Tue 13th – 2 votes\n• Wed 14th – 6 votes\n'
            "• Thu 15th – 4 votes\nSo Wednesday the 14th it is, 7pm at Lou's!")
    assert [e.start[:16] for e in extract_events(text, EASTER_2032)] == ["2032-04-14T19:00"]


SUMMER_2032 = datetime(2032, 6, 2, 18, 0, tzinfo=ZoneInfo("Europe/Madrid"))  # Wed 2 Jun 2032


@pytest.mark.parametrize("text,start", [
    ("La entrega de premios es el viernes 4 a las 18:00 en el salón del Colegio Santa Inés",
     "2032-06-04T18:00"),
    ("Assembleia de moradores sábado 5 às 10h no salão da Igreja de São Tomé", "2032-06-05T10:00"),
    ("La kermesse aura lieu samedi 5 à 14h à l'école Saint-André", "2032-06-05T14:00"),
])
def test_a_name_ending_like_a_preterite_is_no_past(text, start):
    [event] = extract_events(text, SUMMER_2032)
    assert event.start[:16] == start


@pytest.mark.parametrize("text,start", [
    ("Reservei mesa no Tasca do Chico para sexta às 21h", "2032-06-04T21:00"),
    ("He reservado la pista de pádel el sábado a las 11", "2032-06-05T11:00"),
    ("J'ai réservé le resto pour samedi 20h, La Table d'Hugo", "2032-06-05T20:00"),
])
def test_a_table_booked_by_the_writer_is_for_a_day_to_come(text, start):
    [event] = extract_events(text, SUMMER_2032)
    assert event.start[:16] == start


@pytest.mark.parametrize("text,start", [
    ("¿Comemos el domingo en el merendero del río? Quedamos sobre la una", "2032-06-06T13:00"),
    ("Almoço de família domingo, lá pela uma, em casa da avó", "2032-06-06T13:00"),
    ("Churrasco no sábado por volta da uma no sítio do Zé", "2032-06-05T13:00"),
])
def test_one_oclock_in_words_takes_its_singular_article(text, start):
    [event] = extract_events(text, SUMMER_2032)
    assert event.start[:16] == start


@pytest.mark.parametrize("text", [
    "Beach clean Saturday 9-11am at Porthmeor. If the weather turns we'll do Sunday instead.",
    "Picknick am Samstag um 12 am Weiher. Bei Regen dann Sonntag, gleiche Zeit.",
    "Pique-nique samedi midi au parc. S'il fait un temps de chien, dimanche même heure.",
    "Trilha no sábado às 8h na Serra. Se chover, fica para domingo.",
])
def test_the_day_a_plan_falls_back_on_in_bad_weather_is_no_second_event(text):
    assert len(extract_events(text, SUMMER_2032)) == 1


@pytest.mark.parametrize("text,start,end", [
    ("Gas will be switched off on Friday 4th from 8am until approx. 2pm for the meter swap",
     "2032-06-04T08:00", "2032-06-04T14:00"),
    ("Corte de agua el viernes 4 de 9 a aprox. 13h por obras", "2032-06-04T09:00", "2032-06-04T13:00"),
    ("Coupure d'électricité vendredi 4 de 8h à env. 11h30", "2032-06-04T08:00", "2032-06-04T11:30"),
    ("Street party Saturday 5th from 2pm to around 8pm on Elm Road", "2032-06-05T14:00", "2032-06-05T20:00"),
])
def test_a_range_ending_roughly_keeps_its_end(text, start, end):
    [event] = extract_events(text, SUMMER_2032)
    assert (event.start[:16], event.end[:16], event.moved) == (start, end, False)


@pytest.mark.parametrize("text,start,previous", [
    ("Dentist got moved, was Tuesday 9:30, now Thursday 10th at 2:15", "2032-06-10T14:15",
     "2032-06-08T09:30"),
    ("La reunión cambió: era el lunes 7 a las 10, ahora el martes 8 a las 12", "2032-06-08T12:00",
     "2032-06-07T10:00"),
])
def test_was_and_now_with_the_old_hour_between_are_one_move(text, start, previous):
    [event] = extract_events(text, SUMMER_2032)
    assert (event.start[:16], event.moved, event.previous_start[:16]) == (start, True, previous)


@pytest.mark.parametrize("text,start,previous", [
    ("La fête de l'école n'aura pas lieu samedi 12 mais dimanche 13 juin à 11h", "2032-06-13T11:00",
     "2032-06-12"),
    ("The prize giving will not take place on Thursday 10th but on Friday 11th at 6pm",
     "2032-06-11T18:00", "2032-06-10"),
])
def test_taking_place_denied_on_one_day_and_set_on_another_is_a_move(text, start, previous):
    [event] = extract_events(text, SUMMER_2032)
    assert (event.start[:16], event.moved, event.previous_start[:10]) == (start, True, previous)


def test_a_week_said_alone_frames_the_weekdays_listed_in_the_next_sentence():
    text = ("Rota for next week is out. I'm on Tue 10-6, Thu 2-10 and Sat 8am-2pm. "
            "Anyone want to swap Saturday?")
    assert [e.start[:16] for e in extract_events(text, SUMMER_2032)] == [
        "2032-06-08T10:00", "2032-06-10T14:00", "2032-06-12T08:00"]


def test_a_week_beside_a_dated_day_frames_no_later_sentence():
    text = "Next week Monday 7th is a holiday. Club Tuesday and Thursday at 6 as usual."
    days = [e.start[:10] for e in extract_events(text, SUMMER_2032) if not e.all_day]
    assert days == ["2032-06-03", "2032-06-08"]  # the coming Thursday and Tuesday


def test_a_day_added_with_too_and_a_reason_repeats_the_closure_before():
    text = "O ginásio estará fechado na quinta-feira, dia 3, e também na sexta-feira, dia 4, por obras."
    assert [(e.start, e.kind) for e in extract_events(text, SUMMER_2032)] == [
        ("2032-06-03", "closure"), ("2032-06-04", "closure")]


@pytest.mark.parametrize("text,closed", [
    ("Le centre sera fermé vendredi 4 juin. Les activités reprennent lundi.", "2032-06-04"),
    ("The pool is closed on Saturday 5th for cleaning, lessons resume on Monday.", "2032-06-05"),
])
def test_things_going_on_again_after_a_closure_are_no_event(text, closed):
    assert [(e.start, e.kind) for e in extract_events(text, SUMMER_2032)] == [(closed, "closure")]


def test_going_on_again_with_something_named_is_an_event():
    text = "Del 7 al 11 no hay clases, y el lunes 14 vuelven con examen de inglés"
    starts = [(e.start[:10], e.kind) for e in extract_events(text, SUMMER_2032)]
    assert ("2032-06-14", "event") in starts


@pytest.mark.parametrize("text,kind,cancelled", [
    ("Am Freitag, 4. Juni, fällt der Unterricht wegen einer Lehrerkonferenz aus.", "closure", False),
    ("Friday 4th June is a student free day.", "closure", False),
    ("Swimming lessons are off on Friday 4th, the pool is being cleaned", "event", True),
    ("Am Freitag fällt das Schwimmtraining aus.", "event", True),
])
def test_school_itself_called_off_is_a_closure_and_one_lesson_a_cancellation(text, kind, cancelled):
    [event] = extract_events(text, SUMMER_2032)
    assert (event.kind, event.cancelled) == (kind, cancelled)


AUTUMN_2032 = datetime(2032, 11, 10, 18, 0, tzinfo=ZoneInfo("Europe/Berlin"))  # Wed 10 Nov 2032


@pytest.mark.parametrize("text,start", [
    ("Carpool to the gala Saturday: we leave at 5.15 from the church car park, the show starts at 6.30",
     "2032-11-13T18:30"),
    ("Para el torneo del sábado salimos a las 7 desde el club, el primer partido es a las 9",
     "2032-11-13T09:00"),
    ("Sortie ski samedi : départ 6h30 devant la mairie, début des cours à 9h30", "2032-11-13T09:30"),
    ("Samstag Turnier: Abfahrt 8 Uhr am Vereinsheim, Spielbeginn 10 Uhr in Neuss", "2032-11-13T10:00"),
])
def test_a_departure_beside_the_events_own_start_is_no_start(text, start):
    [event] = extract_events(text, AUTUMN_2032)
    assert event.start[:16] == start


@pytest.mark.parametrize("text", [
    "Fwd: City council announces road closures on Saturday 13th from 8am for the marathon",
    "Weitergeleitet: Der DWD warnt vor Sturmböen ab Freitag 6 Uhr bis Samstag Mittag.\nNa super",
    "Transféré : La SNCF annonce une grève le jeudi 18 novembre.\n— encore !",
    "Encaminhada: Defesa Civil alerta para ventos fortes na sexta à tarde. Evite áreas arborizadas.",
])
def test_forwarded_news_for_everybody_is_no_event(text):
    assert extract_events(text, AUTUMN_2032) == []


@pytest.mark.parametrize("text", [
    "Fwd: Your appointment with Dr Shah is on Friday 12th at 9:40. Reply C to cancel.",
    "Fwd: The school announces that we have a parents' evening on Thursday 18th at 6pm",
])
def test_a_forwarded_notice_addressed_to_the_reader_keeps_its_event(text):
    assert len(extract_events(text, AUTUMN_2032)) == 1


@pytest.mark.parametrize("text", [
    "Jo passt, dann sehen wir uns Dienstag beim Training",
    "Ok great, see you Thursday at practice!",
])
def test_a_goodbye_after_a_few_words_of_assent_is_no_event(text):
    assert extract_events(text, AUTUMN_2032) == []


@pytest.mark.parametrize("text,days", [
    ("Am Donnerstag und Freitag, 25./26. November, bleibt die Kita geschlossen",
     ["2032-11-25", "2032-11-26"]),
    ("Lundi et mardi 15/16 novembre, pas de cantine", ["2032-11-15", "2032-11-16"]),
])
def test_weekdays_said_before_day_numbers_listed_with_a_slash_are_those_days(text, days):
    assert [e.start for e in extract_events(text, AUTUMN_2032)] == days


def test_a_length_of_24_hours_is_no_midnight():
    [event] = extract_events("Guardia de 24 h el jueves 18, entro a las 8:00", AUTUMN_2032)
    assert event.start[:16] == "2032-11-18T08:00"


@pytest.mark.parametrize("text,start,end", [
    ("Piquet lundi soir (18h–7h)", "2032-11-15T18:00", "2032-11-16T07:00"),
    ("Nachtdienst am Freitag 20–6 Uhr", "2032-11-12T20:00", "2032-11-13T06:00"),
])
def test_a_24_hour_range_past_midnight_ends_the_next_morning(text, start, end):
    [event] = extract_events(text, AUTUMN_2032)
    assert (event.start[:16], event.end[:16]) == (start, end)


def test_a_portuguese_ordinal_before_its_noun_is_no_weekday():
    text = "Assembleia terça-feira, 23/11, às 19h30 em primeira chamada e 20h em segunda chamada"
    assert [e.start[:10] for e in extract_events(text, AUTUMN_2032)] == ["2032-11-23"]


def test_a_rota_of_lower_case_abbreviations_each_heading_a_dash_line():
    text = "Escala da próxima semana:\nseg – manhã (7h–15h)\nqua – folga\nsex – noite, 23h–7h"
    assert [(e.start[:16], (e.end or "")[:16]) for e in extract_events(text, AUTUMN_2032)] == [
        ("2032-11-15T07:00", "2032-11-15T15:00"), ("2032-11-19T23:00", "2032-11-20T07:00")]


def test_an_hour_then_till_another_day_is_one_stretch_across_a_list_dash():
    text = "Next week:\nTue – lates (2-10)\nThu – on call from 7pm till Fri 7am"
    assert [(e.start[:16], (e.end or "")[:16]) for e in extract_events(text, AUTUMN_2032)] == [
        ("2032-11-16T14:00", "2032-11-16T22:00"), ("2032-11-18T19:00", "2032-11-19T07:00")]


def test_a_roster_written_as_one_line_of_items_heads_each_with_its_day():
    text = "Dienstplan nächste Woche: Mo Spätdienst 14–22, Di frei, Mi Frühdienst 6–14, Fr Nachtdienst 22–6"
    assert [(e.start[:16], (e.end or "")[:16]) for e in extract_events(text, AUTUMN_2032)] == [
        ("2032-11-15T14:00", "2032-11-15T22:00"), ("2032-11-17T06:00", "2032-11-17T14:00"),
        ("2032-11-19T22:00", "2032-11-20T06:00")]


def test_short_weekday_names_in_prose_stay_words():
    text = "Fr Müller sagt, so geht das nicht. Mo ist krank, Di auch."
    assert extract_events(text, AUTUMN_2032) == []


@pytest.mark.parametrize("text", [
    "Fireworks yesterday were amazing, the park was full by 7pm. Back at work today 😴",
    "Match yesterday was mad, the ground was packed by 2pm. Training Thursday as usual",
])
def test_an_hour_in_a_sentence_about_the_past_goes_to_no_other_day(text):
    assert all(e.all_day for e in extract_events(text, AUTUMN_2032))


def test_a_week_with_its_days_dated_inside_is_one_closure():
    text = "Reminder, school is closed all next week for half term (Mon 15th – Fri 19th)"
    assert [(e.start, e.end, e.kind) for e in extract_events(text, AUTUMN_2032)] == [
        ("2032-11-15", "2032-11-19", "closure")]


def test_swiss_thanks_for_a_day_is_past():
    assert extract_events("Merci vielmal fürs Zmittag am Sunntig", AUTUMN_2032) == []


def test_coming_back_at_the_same_time_after_a_timed_session_called_off_keeps_its_hour():
    text = ("Thursday's 6pm rehearsal is cancelled, the hall is flooded. "
            "We'll be back next Thursday 25th, same time same place.")
    events = extract_events(text, AUTUMN_2032)
    assert [(e.start[:16], e.cancelled) for e in events] == [
        ("2032-11-11", True), ("2032-11-25T18:00", False)]
    assert "rehearsal" in events[1].title.lower()


def test_a_weekday_after_a_date_that_ended_its_sentence_is_the_coming_one():
    text = ("Der Martinsumzug ist am Freitag, 12. November. "
            "Am Mittwoch basteln wir Laternen von 15 bis 17 Uhr.")
    monday = datetime(2032, 11, 8, 18, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    starts = [e.start[:16] for e in extract_events(text, monday)]
    assert "2032-11-10T15:00" in starts


def test_an_hour_said_of_an_event_dated_earlier_goes_to_its_day():
    text = ("The school fair is on Saturday 20th. On Wednesday we bake from 4 to 6pm in the hall. "
            "The fair opens at 11am on the field.")
    starts = [e.start[:16] for e in extract_events(text, AUTUMN_2032)]
    assert "2032-11-20T11:00" in starts and "2032-11-17T11:00" not in starts


@pytest.mark.parametrize("text,start", [
    ("Laternenumzug am Donnerstag: Treffpunkt 17:15 im Kita-Garten, Abmarsch um 17:30", "2032-11-11T17:30"),
])
def test_the_march_off_is_a_procession_s_own_start(text, start):
    [event] = extract_events(text, AUTUMN_2032)
    assert event.start[:16] == start


WINTER_2033 = datetime(2033, 2, 14, 18, 0, tzinfo=ZoneInfo("America/Sao_Paulo"))  # Mon 14 Feb 2033


@pytest.mark.parametrize("text,day", [
    ("Bloco saindo no sábado de carnaval às 10h da praça", "2033-02-26"),
    ("El domingo de carnaval comemos en casa de la abuela a las 14h", "2033-02-27"),
    ("Umzug am Güdismontag um 14 Uhr in Luzern", "2033-02-28"),
    ("Lundi gras : défilé à 15h sur la grand-place", "2033-02-28"),
])
def test_the_days_of_carnival_named_by_their_weekday(text, day):
    [event] = extract_events(text, WINTER_2033)
    assert event.start[:10] == day


@pytest.mark.parametrize("text,start", [
    ("La final es el sábado 5 de marzo y el viernes de antes (4) hay cena de equipo a las 21h",
     "2033-03-04T21:00"),
    ("Concert le dimanche 6 mars, répétition générale le samedi d'avant à 10h", "2033-03-05T10:00"),
])
def test_the_weekday_before_another_day_in_other_languages(text, start):
    assert start in [e.start[:16] for e in extract_events(text, WINTER_2033)]


@pytest.mark.parametrize("text,start", [
    ("Five-a-side Wednesday, kick off half eight but we're meeting at the gate at eight",
     "2033-02-16T08:30"),
    ("Carpool for Saturday's final, leaving ours at 8.10 for the 9am game", "2033-02-19T09:00"),
])
def test_meeting_and_leaving_beside_a_games_own_hour_are_call_ups(text, start):
    [event] = extract_events(text, WINTER_2033)
    assert event.start[:16] == start


def test_a_days_possessive_leaves_no_s_in_the_title():
    [event] = extract_events("Carpool for Saturday's indoor netball final, leaving at 8", WINTER_2033)
    assert event.title.startswith("Indoor netball final")


@pytest.mark.parametrize("text", [
    "think the kids might get a snow day tomorrow? no word from the district yet",
    "¿a lo mejor no hay clases el lunes? nadie sabe nada",
])
def test_a_closure_guessed_at_in_a_question_is_no_closure(text):
    assert extract_events(text, WINTER_2033) == []


def test_a_closure_beside_a_question_about_something_else_stays():
    text = "Ojo, el lunes 21 no hay cole ¿hacemos algo con los peques en el parque?"
    assert [(e.start, e.kind) for e in extract_events(text, WINTER_2033)] == [("2033-02-21", "closure")]


def test_forwarded_news_of_crowds_expected_is_no_event():
    text = ("Reenviado: El Carnaval de Cádiz se celebrará del 24 de febrero al 6 de marzo. "
            "Se esperan más de un millón de visitantes. — Qué envidia")
    assert extract_events(text, WINTER_2033) == []


@pytest.mark.parametrize("text,word", [
    ("Weitergeleitet vom Elternbeirat: Am Freitag, 25. Februar, ist wegen Fortbildung unterrichtsfrei.",
     "unterrichtsfrei"),
    ("Sehr geehrte Mieterinnen und Mieter, am Donnerstag, 17.2., wird von 8 bis 12 Uhr der Aufzug gewartet.",
     "aufzug"),
    ("Dear Residents, the lift will be serviced on Thursday 17th from 9am.", "lift"),
])
def test_a_forward_header_or_a_salutation_is_no_title(text, word):
    [event] = extract_events(text, WINTER_2033)
    assert word in event.title.lower()


def test_no_school_said_again_with_tampoco_is_a_closure():
    text = "El lunes 21 no hay clases. El viernes 25 hay jornada de formación y tampoco habrá clases."
    assert [(e.start, e.kind) for e in extract_events(text, WINTER_2033)] == [
        ("2033-02-21", "closure"), ("2033-02-25", "closure")]


def test_a_start_said_alone_after_a_list_of_days_is_each_days():
    text = "Épreuves : lundi 14/6 histoire, mardi 15/6 sciences, jeudi 17/6 anglais. Début à 9h précises."
    assert [e.start[:16] for e in extract_events(text, SUMMER_2032)] == [
        "2032-06-14T09:00", "2032-06-15T09:00", "2032-06-17T09:00"]


def test_the_saturday_before_at_a_place_and_then_the_sunday_after_it():
    text = ("Dad's 60th is the 10th of July but we're doing the dinner the Saturday before at the "
            "Swan about eight, and then Sunday a barbecue at ours")
    events = extract_events(text, SUMMER_2032)
    starts = [e.start[:16] for e in events]
    assert "2032-07-03T20:00" in starts and "2032-07-04" in starts
    assert [e.location for e in events if e.start.startswith("2032-07-03")] == ["Swan"]


SPRING_2033 = datetime(2033, 5, 2, 18, 0, tzinfo=ZoneInfo("Europe/Madrid"))  # Mon 2 May 2033


@pytest.mark.parametrize("text,start", [
    ("El taller del sábado 7 se cancela por la lluvia. Lo reponemos el sábado 14 a la misma hora, 10 a.m.",
     "2033-05-14T10:00"),
    ("Die Chorprobe am Mittwoch fällt aus. Wir holen sie am Donnerstag nach, 19 bis 21 Uhr.",
     "2033-05-05T19:00"),
    ("Saturday's litter pick is off, too windy. We'll have another go on Sunday the 8th instead, 10am.",
     "2033-05-08T10:00"),
])
def test_a_session_called_off_and_made_up_another_day_is_one_move(text, start):
    [event] = extract_events(text, SPRING_2033)
    assert (event.start[:16], event.moved, event.cancelled) == (start, True, False)


@pytest.mark.parametrize("text,start,previous,location", [
    ("> Ana: Picnic Saturday 1pm at Victoria Park\n\nRain forecast, we've moved it to Sunday, same time. "
     "Same place.", "2033-05-08T13:00", "2033-05-07T13:00", "Victoria Park"),
    ("» Jonas: Grillen am Samstag ab 5 im Hof\n\nÄnderung: wir verschieben auf Sonntag, gleiche Uhrzeit.",
     "2033-05-08T17:00", "2033-05-07T17:00", "Hof"),
])
def test_a_move_replying_to_a_quoted_plan_moves_that_plan(text, start, previous, location):
    [event] = extract_events(text, SPRING_2033)
    assert (event.start[:16], event.moved, event.previous_start[:16], event.location) == (
        start, True, previous, location)


@pytest.mark.parametrize("text,day", [
    ("The stitches come out in ten days, booked for 9:15 that morning", "2033-05-12"),
    ("La funda estará lista en doce días, tengo cita ese día a las 17:30", "2033-05-14"),
    ("In vierzehn Tagen ist Elternabend um 19 Uhr", "2033-05-16"),
])
def test_a_count_of_days_in_words_up_to_twenty_sets_the_day(text, day):
    assert [e.start[:10] for e in extract_events(text, SPRING_2033)] == [day]


@pytest.mark.parametrize("text,days", [
    ("Testes de junho – 8.º A\n• terça 7: Português\n• quinta 9: Física, às 10h\n• segunda 13: Geografia",
     ["2033-06-07", "2033-06-09", "2033-06-13"]),
    ("📚 CALENDARIO DE EXÁMENES 3º ESO\nLunes 6 – Historia\nMartes 7 – Física\nJueves 9 – Francés",
     ["2033-06-06", "2033-06-07", "2033-06-09"]),
])
def test_the_lines_of_a_list_under_a_heading_naming_the_event_are_its_events(text, days):
    assert [e.start[:10] for e in extract_events(text, SPRING_2033)] == days


@pytest.mark.parametrize("text", [
    "Mis turnos de la semana que viene:\nLunes: 7 a 15\nMiércoles: descanso\nViernes: 15 a 23",
    "Rota next week:\nMon – 7-3\nWed – off\nFri – 2-10",
    "Mon horaire la semaine prochaine : lundi 8h-16h, mercredi congé, vendredi 14h-22h",
])
def test_a_rota_day_off_is_no_event(text):
    days = [e.start[:10] for e in extract_events(text, SPRING_2033)]
    assert days == ["2033-05-09", "2033-05-13"]


def test_a_reply_keeping_the_same_hour_and_place_moves_the_plan_quoted_above_it():
    text = ("« Atelier peinture mercredi 15h à la médiathèque »\n"
            "Finalement on le fait jeudi, même heure, parce que la salle est prise. Même endroit.")
    [event] = extract_events(text, SPRING_2033)
    assert (event.start[:16], event.moved, event.previous_start[:16], event.location) == (
        "2033-05-05T15:00", True, "2033-05-04T15:00", "médiathèque")


@pytest.mark.parametrize("text,place", [
    ("Mon stage commence samedi à 9h. C'est au Centre nautique de Pornic, prévoir un maillot.",
     "Centre nautique de Pornic"),
    ("A formatura é sábado às 19h30. Vai ser no Espaço Villa-Lobos, levem os convites.",
     "Espaço Villa-Lobos"),
    ("El domingo comemos todos a las dos. He reservado en Casa Lucio, que le gusta a la abuela.",
     "Casa Lucio"),
])
def test_a_place_said_in_the_sentence_after_the_event_is_its_place(text, place):
    [event] = extract_events(text, SPRING_2033)
    assert event.location == place


@pytest.mark.parametrize("text,title", [
    ("Impfzentrum: Ihr Termin zur Grippeimpfung ist am Mi 11.05. um 15:40 Uhr.", "Grippeimpfung"),
    ("Praxis Dr. Lang: Erinnerung an Ihren Termin zur Zahnreinigung am Montag, 9.5., um 8:20 Uhr.",
     "Zahnreinigung"),
])
def test_an_appointment_for_something_is_titled_by_it_and_that_is_no_place(text, title):
    [event] = extract_events(text, SPRING_2033)
    assert event.title == title and event.location != title


@pytest.mark.parametrize("text", [
    "Happy Mother's Day to all the mums in the group, enjoy your Sunday 💐",
    "Feliz día del padre a todos los papás, que lo disfruten hoy domingo",
    "Feliz dia das mães pra todas as mamães do grupo neste domingo ❤️",
    "Have a lovely Saturday everyone, the sun is out at last",
])
def test_a_day_wished_well_in_a_greeting_is_no_event(text):
    assert extract_events(text, SPRING_2033) == []


@pytest.mark.parametrize("text,title", [
    ("Happy birthday Tom! Party on Saturday at ours, bring a bottle", "Party"),
    ("Happy hour Friday at the Crown", "Happy hour"),
])
def test_a_greeting_beside_a_plan_leaves_the_plan(text, title):
    [event] = extract_events(text, SPRING_2033)
    assert event.title == title


@pytest.mark.parametrize("text", [
    "Covered Jas's on-call last weekend, got paged at 3am Saturday AND 4:15 Sunday. Never again",
    "El finde pasado estuve de guardia, me llamaron el sábado a las 3 y el domingo a las 5",
    "Letztes Wochenende hatte ich Bereitschaft, Samstag um 3 Uhr und Sonntag um 4 Uhr angerufen",
])
def test_the_saturday_and_sunday_of_last_weekend_are_behind_us(text):
    assert extract_events(text, SPRING_2033) == []


def test_a_saturday_after_last_weekend_and_a_turn_is_the_coming_one():
    text = "Letztes Wochenende war super. Samstag ist wieder Training um 10"
    assert [e.start[:16] for e in extract_events(text, SPRING_2033)] == ["2033-05-07T10:00"]


@pytest.mark.parametrize("text,day", [
    ("As inscrições fecham nessa sexta!", "2033-05-06"),
    ("Essa sexta tem churrasco lá em casa às 20h", "2033-05-06"),
])
def test_essa_and_nessa_say_the_coming_weekday(text, day):
    assert [e.start[:10] for e in extract_events(text, SPRING_2033)] == [day]


@pytest.mark.parametrize("text,days", [
    # said on Mon 2 May: the Friday 13th is ten days away, its Saturday is the 14th
    ("We're heading to Ennis Friday 13th, bus leaves at 8.15am. Céilí in the marquee Saturday "
     "night from 9", ["2033-05-13", "2033-05-14"]),
    ("Rehearsal dinner is Thursday 12th May at 7pm. Ceremony Friday 13th May at 4:30pm. Saturday "
     "farewell brunch at 10 at the hotel.", ["2033-05-12", "2033-05-13", "2033-05-14"]),
])
def test_a_weekday_beside_a_dated_day_a_week_away_is_its_eve_or_morrow(text, days):
    assert sorted(e.start[:10] for e in extract_events(text, SPRING_2033)) == days


def test_tomorrow_said_with_its_weekday_stays_tomorrow_beside_a_later_date():
    text = "Cuota hasta el viernes 13. Y mañana martes no hay entrenamiento."
    assert sorted(e.start[:10] for e in extract_events(text, SPRING_2033)) == ["2033-05-03", "2033-05-13"]


def test_a_limit_said_as_at_the_latest_is_the_coming_weekday():
    text = ("La reunión con la tutora es el mié 11 a las 17:30. Traed la autorización firmada "
            "como muy tarde el jueves!!")
    assert sorted(e.start[:10] for e in extract_events(text, SPRING_2033)) == ["2033-05-05", "2033-05-11"]


@pytest.mark.parametrize("text,start,previous,title,location", [
    ("Pessoal, a caminhada de amanhã às 7h na Serra da Arrábida não se faz por causa do calor. "
     "Passa para o sábado seguinte, dia 7, à mesma hora.",
     "2033-05-07T07:00", "2033-05-03", "caminhada", "Serra da Arrábida"),
    ("Info Schwimmverein: Der Schwimmkurs am Donnerstag fällt aus, Nachholtermin ist Donnerstag "
     "12.5., gleiche Zeit (16 Uhr).", "2033-05-12T16:00", "2033-05-05", "Schwimmkurs", None),
])
def test_a_make_up_day_is_a_move_of_what_was_called_off_with_its_title_and_place(
        text, start, previous, title, location):
    [event] = extract_events(text, SPRING_2033)
    assert (event.start[:16], event.moved, event.previous_start[:10]) == (start, True, previous)
    assert title in event.title.lower() or title in event.title
    assert event.location == location


@pytest.mark.parametrize("text,place", [
    ("Le camp de voile aux Pâquis aura lieu du lundi 11 au vendredi 15 juillet.", "Pâquis"),
    ("Keys for the new place in Leeds get handed over Fri at 2pm.", "Leeds"),
])
def test_a_place_phrase_stops_at_a_verb_or_a_negation(text, place):
    [event] = extract_events(text, SPRING_2033)
    assert event.location == place


@pytest.mark.parametrize("text,start,end", [
    ("Das Pfadfinderlager: Abfahrt am Sonntag 8.5. um 9:00 vom Heim, Rückkehr am Samstag 14.5. "
     "gegen 17 Uhr.", "2033-05-08T09:00", "2033-05-14T17:00"),
    ("Year 6 residential: the coach leaves school Wed 4th May at 8.15am sharp and gets back "
     "Friday 6th around 3.30pm.", "2033-05-04T08:15", "2033-05-06T15:30"),
    ("Ya quedó el plan del viaje a Bacalar: salimos el jueves 12 de mayo a las 6 am y "
     "regresamos el domingo 15 como a las 7 de la noche.", "2033-05-12T06:00", "2033-05-15T19:00"),
])
def test_a_trip_and_its_way_back_are_one_event_with_an_end(text, start, end):
    [event] = extract_events(text, SPRING_2033)
    assert (event.start[:16], event.end[:16]) == (start, end)


def test_a_way_back_in_a_sentence_of_its_own_stays_an_event():
    text = ("Départ en colo : RDV gare de Lyon le dimanche 8 mai à 8h, hall 1. Retour le samedi "
            "21 mai vers 18h au même endroit.")
    assert len(extract_events(text, SPRING_2033)) == 2


@pytest.mark.parametrize("text,second,title,place", [
    ("Ceremony Saturday at 4pm in the church, then the reception at the Grand Hotel from 7pm.",
     "2033-05-07T19:00", "The reception", "Grand Hotel"),
    ("Mariage samedi à 15h à la mairie, puis vin d'honneur au Cercle des Nageurs à 18h30.",
     "2033-05-07T18:30", "Vin d'honneur", "Cercle des Nageurs"),
    ("Misa el sábado a las 5 de la tarde en la parroquia, y luego la recepción en el Salón Los "
     "Arcos a partir de las 8.", "2033-05-07T20:00", "La recepción", "Salón Los Arcos"),
    ("Trauung am Samstag um 14 Uhr im Rathaus, danach Sektempfang im Schlossgarten ab 16 Uhr.",
     "2033-05-07T16:00", "Sektempfang", "Schlossgarten"),
])
def test_what_comes_next_that_day_at_its_own_hour_is_an_event_of_its_own(text, second, title, place):
    first, then = sorted(extract_events(text, SPRING_2033), key=lambda e: e.start)
    assert (then.start[:16], then.title, then.location) == (second, title, place)


def test_what_comes_next_in_another_sentence_is_not_the_next_hours_event():
    text = ("Remise des diplômes à l'ULB le vendredi 13 mai à 17h, puis drink au Cercle. Mamie, on "
            "vient te chercher à 16h !")
    assert "Drink" not in [e.title for e in extract_events(text, SPRING_2033)]


@pytest.mark.parametrize("text,title", [
    ("Este martes no hay entreno. El jueves normal, 6:30 pm en el coliseo.", "entreno"),
    ("A aula de pilates de hoje está cancelada. A de quarta mantém-se, às 7 e meia, no estúdio.",
     "aula de pilates"),
    ("La répétition du jeudi 5 est annulée, on se retrouve donc le 12, même heure même endroit.",
     "répétition"),
    ("Thursday's rehearsal is off. We'll do it Monday 9th instead, same time (7.30), at St Aidan's.",
     "rehearsal"),
    ("Hey team no training this Tues. Back on Thurs usual time 5.30 at Coogee Oval.", "training"),
])
def test_what_comes_back_after_a_calling_off_is_what_was_called_off(text, title):
    [back] = [e for e in extract_events(text, SPRING_2033) if not e.cancelled]
    assert back.title.lower().endswith(title)


@pytest.mark.parametrize("text,days", [
    ("Pessoal da rep 🧹 rodízio da faxina dessa semana: ter (3) banheiro – Gabi, qui (5) cozinha "
     "– Pedro, sáb (7) sala – eu. Sem desculpinha hein", ["2033-05-03", "2033-05-05", "2033-05-07"]),
    ("Putzplan für die nächsten zwei Wochen 🧽: Bad – Jonas (Sa 7.5.), Küche – Lea (So 8.5.). Und "
     "Achtung: das Wasser wird am Mittwoch 11.5. von 8 bis 12 Uhr abgestellt.",
     ["2033-05-07", "2033-05-08", "2033-05-11"]),
])
def test_the_slots_of_a_rota_named_in_its_heading_are_its_events(text, days):
    events = extract_events(text, SPRING_2033)
    assert sorted(e.start[:10] for e in events) == days
    rota = [e for e in events if e.all_day]
    assert all(e.title.startswith(("Da rep rodízio", "Putzplan")) for e in rota)
    assert not any(e.title.startswith("Putzplan") for e in events if not e.all_day)


@pytest.mark.parametrize("text", [
    "Escala de babysitting, semana de 9 a 13\nseg 9 – avó Lurdes, 8h-18h\nqui 12 – ninguém ainda!! 😩",
    "Turnos para cuidar a los nenes\nlunes 9 – yo, de 7 a 1\nmiércoles 11 – nadie todavía 😬\n"
    "¿Alguien puede el miércoles?",
])
def test_a_rota_slot_nobody_has_is_no_event(text):
    assert [e.start[:10] for e in extract_events(text, SPRING_2033)] == ["2033-05-09"]


def test_days_joined_by_a_slash_share_the_hours_after_them():
    text = "Rota w/c 9th 🥐\nMon – Jade 5am-1pm\nFri/Sat – Jade & Kasia 5am-2pm"
    assert [e.start[:16] for e in extract_events(text, SPRING_2033)] == [
        "2033-05-09T05:00", "2033-05-13T05:00", "2033-05-14T05:00"]


@pytest.mark.parametrize("text,start,end", [
    ("Thames Water are digging up Elm Grove from Mon 9th May to Fri 13th, road closed to traffic "
     "8am–6pm.", "2033-05-09", "2033-05-13"),
    ("La colonia de invierno del club es del lunes 9/5 al viernes 13/5 en la sede de Núñez, de 9 a 13.",
     "2033-05-09", "2033-05-13"),
])
def test_a_span_of_days_with_hours_after_it_is_one_span_with_daily_hours(text, start, end):
    [event] = extract_events(text, SPRING_2033)
    assert (event.start, event.end, event.all_day) == (start, end, True)


@pytest.mark.parametrize("text", [
    "Jajaja miren este meme 😂😂 ya no aguanto esta semana de parciales, menos mal ya casi es viernes",
    "Que calor hoje, credo 🥵 o miúdo adormeceu às 9 e meia no sofá e nem deu pelo jantar.",
])
def test_a_day_longed_for_or_an_hour_that_was_is_no_event(text):
    assert extract_events(text, SPRING_2033) == []


@pytest.mark.parametrize("text,title", [
    ("Wir machen am Samstag ab 10 Uhr die große Laub-Aktion im Hinterhof.", "Die große Laub-Aktion"),
    ("On fait samedi à 10h le grand ménage de la cour.", "Le grand ménage de la cour"),
])
def test_what_is_done_names_the_event_not_who_does_it(text, title):
    [event] = extract_events(text, SPRING_2033)
    assert event.title == title


@pytest.mark.parametrize("text,start,previous", [
    ("Choir folks – sadly tomorrow's rehearsal at 7.30 is off, Jenny's got covid. We'll do it "
     "Tues 10th instead, same time.", "2033-05-10T19:30", "2033-05-03"),
    ("Le spectacle de Noël prévu vendredi 6 est annulé à cause de la gastro. Il aura lieu le "
     "vendredi 13 mai à 14h à la salle des fêtes.", "2033-05-13T14:00", "2033-05-06"),
    ("Chicos, el partido del domingo se suspende por la lluvia. La liga lo reprogramó para el "
     "sábado 14/5 a las 15 hs.", "2033-05-14T15:00", "2033-05-08"),
])
def test_a_day_given_in_place_of_one_called_off_is_its_move(text, start, previous):
    [event] = extract_events(text, SPRING_2033)
    assert (event.start[:16], event.moved, event.previous_start[:10]) == (start, True, previous)


@pytest.mark.parametrize("text", [
    "No youth fellowship this Friday, Misinale prep at the church. Back on the 13th same time 6pm",
    "No training Tuesday, the pitch is closed. Match Saturday at 10 at the club.",
])
def test_the_next_session_or_another_thing_after_a_calling_off_is_no_move(text):
    assert not any(e.moved for e in extract_events(text, SPRING_2033))


def test_the_weekday_after_next():
    [event] = extract_events("Christmas blitz is the Saturday after next, kick off 11 sharp", SPRING_2033)
    assert event.start[:16] == "2033-05-14T11:00"


# ------------------------------------------------------------------------- round 38 (batch 66)

@pytest.mark.parametrize("text,start,place", [
    ("> Ines: Kuchenbasar-Treffen Mittwoch 18 Uhr?\n> Paul: Mittwoch geht bei mir nicht, Elternabend. "
     "Donnerstag gleiche Zeit?\nOk, dann Donnerstag im Café Lotte 👍", "2033-05-05T18:00", "Café Lotte"),
    ("> Bea: ¿cena de equipo el viernes a las 21?\n> Tomás: el viernes no puedo, ¿sábado?\n"
     "> Bea: vale, sábado a las 21:30 en La Tasquita\ngenial, sábado entonces", "2033-05-07T21:30",
     "Tasquita"),
    ("> Joana: trilha no domingo às 8h?\n> Rui: fechado!\n> Joana: mudança: vai ser sábado, mesma hora\n"
     "beleza, sábado então", "2033-05-07T08:00", None),
])
def test_a_plan_settled_across_quoted_turns_is_where_the_last_turn_leaves_it(text, start, place):
    [event] = extract_events(text, SPRING_2033)
    assert event.start[:16] == start and event.moved
    assert place is None or place in (event.location or "")


def test_a_quoted_conversation_with_no_change_keeps_its_plan():
    text = "> Ana: Probe Freitag 19 Uhr?\n> Ben: Ja, Freitag passt\nSuper, bis Freitag"
    [event] = extract_events(text, SPRING_2033)
    assert (event.start[:16], event.moved, event.title) == ("2033-05-06T19:00", False, "Probe")


@pytest.mark.parametrize("text,day", [
    ("Wegen Glatteis bleiben heute, Montag, alle Schulen im Kreis geschlossen.", "2033-05-02"),
    ("Power cut today, Monday, so the nursery is closed.", "2033-05-02"),
    ("mañana, martes, no hay clases por la huelga", "2033-05-03"),
])
def test_a_weekday_beside_today_or_tomorrow_names_that_day(text, day):
    assert [e.start for e in extract_events(text, SPRING_2033)] == [day]


def test_a_noon_word_joined_to_a_name_is_no_noon():
    [event] = extract_events("Vendredi 6 on prend le train de Bruxelles-Midi à 8h40 pour Gand", SPRING_2033)
    assert event.start[:16] == "2033-05-06T08:40"


@pytest.mark.parametrize("text,start,end", [
    ("Scout hike Saturday, minibus leaves 7:45am from the hut. Back at the hut around 4pm.",
     "2033-05-07T07:45", "2033-05-07T16:00"),
    ("Sortie à Lille samedi, départ 9h10 de la gare, retour par le train de 19h.",
     "2033-05-07T09:10", "2033-05-07T19:00"),
])
def test_the_hour_of_the_way_back_ends_the_outing_even_in_the_next_sentence(text, start, end):
    [event] = extract_events(text, SPRING_2033)
    assert (event.start[:16], (event.end or "")[:16]) == (start, end)


@pytest.mark.parametrize("text", [
    "Goûter chez Léa samedi à 16h, chacun apporte quelque chose (du salé svp, pas de bonbons)",
    "Picnic in the park Saturday at 1 – bring a blanket (no glass please)",
])
def test_a_no_inside_brackets_without_the_day_calls_nothing_off(text):
    [event] = extract_events(text, SPRING_2033)
    assert not event.cancelled and not event.all_day


@pytest.mark.parametrize("text,hour,place", [
    ("Turnos para llevar a los chicos a natación la semana que viene\nlun 9 – Caro\nmié 11 – yo\n"
     "Entran 17:45 en el polideportivo, puntuales", "17:45", "polideportivo"),
    ("Lift rota for cubs next week\nMon 9th – Sam\nThu 12th – Priya\nPick up 6.15pm at the church hall",
     "18:15", "church hall"),
])
def test_a_rota_line_with_an_hour_and_no_day_is_every_slots_hour(text, hour, place):
    events = extract_events(text, SPRING_2033)
    assert len(events) == 2
    assert all(e.start[11:16] == hour and place in (e.location or "") for e in events)


def test_no_one_drives_on_a_day_the_rota_says_is_closed():
    text = ("Escala da carona semana que vem\nseg 9 – Dani\nter 10 – eu\nqua 11 – sem aula (greve)\n"
            "saída 7h da portaria")
    events = extract_events(text, SPRING_2033)
    assert [(e.start[:16], e.kind) for e in events] == [
        ("2033-05-09T07:00", "event"), ("2033-05-10T07:00", "event"), ("2033-05-11", "closure")]


@pytest.mark.parametrize("line", [
    "Bitte Tauschwünsche selbst untereinander regeln",
    "Merci de prévenir en cas d'absence",
    "Ausgeschieden: Tim (krank), Ole (Urlaub)",
])
def test_a_note_under_a_list_is_no_place(line):
    text = f"Kuchendienst Sportfest\nSa 7.5. – Mia\nSa 14.5. – Tom\n{line}"
    assert all(e.location is None for e in extract_events(text, SPRING_2033))


def test_the_call_up_beside_the_match_is_not_its_start():
    text = "CONVOCATORIA INFANTIL A\nSábado vs Rayo, campo municipal\nPartido 12:00 – citados 11:15"
    assert [e.start[:16] for e in extract_events(text, SPRING_2033)] == ["2033-05-07T12:00"]


@pytest.mark.parametrize("text,start,end", [
    ("Mercadillo solidario el sábado 7, de 10 hasta mediodía, en el patio", "2033-05-07T10:00",
     "2033-05-07T12:00"),
    ("Car boot sale Saturday 8 til noon on the school field", "2033-05-07T08:00", "2033-05-07T12:00"),
    ("Flohmarkt am Samstag von 9 bis zum Mittag im Hof", "2033-05-07T09:00", "2033-05-07T12:00"),
])
def test_a_range_up_to_noon_in_any_words(text, start, end):
    [event] = extract_events(text, SPRING_2033)
    assert (event.start[:16], (event.end or "")[:16]) == (start, end)


def test_a_weekday_with_an_afternoon_number_before_noon_is_that_day():
    text = "le repas des anciens c'est le mercredi 18 à midi à la salle des fêtes"
    [event] = extract_events(text, SPRING_2033)
    assert event.start[:16] == "2033-05-18T12:00"


@pytest.mark.parametrize("text", [
    "Las inscripciones para el campus hasta el viernes 6, que luego no hay plazas",
    "Reply slips back by Friday 6th, otherwise no place on the trip",
])
def test_what_follows_a_day_that_is_due_calls_nothing_off(text):
    [event] = extract_events(text, SPRING_2033)
    assert (event.kind, event.cancelled, event.start) == ("deadline", False, "2033-05-06")


def test_no_lessons_from_one_weekday_to_another_is_a_closure_span():
    [event] = extract_events("Aviso: não haverá aula de sexta 6 até quarta 11, retorno quinta", SPRING_2033)
    assert (event.kind, event.start, event.end) == ("closure", "2033-05-06", "2033-05-11")


def test_day_numbers_listed_with_and_before_a_date_share_its_month_and_hours():
    events = extract_events("Ensaios do bloco sábados 7, 14 e 21/05, sempre das 16h às 19h", SPRING_2033)
    assert [e.start[:16] for e in events] == ["2033-05-07T16:00", "2033-05-14T16:00", "2033-05-21T16:00"]


# ------------------------------------------------------------------------- round 39 (batch 67)

@pytest.mark.parametrize("text,hour", [
    ("Turnos para llevar a los peques a judo (salimos 17:30 desde la puerta del cole):\n- lunes 9 → Marta\n"
     "- miércoles 11 → yo\n- lunes 16 → Jordi", "17:30"),
    ("Planning covoit' pour la piscine (départ 13h45 devant la boulangerie) :\n- mer. 11/05 : moi\n"
     "- mer. 18/05 : Sandrine\n- mer. 25/05 : Karim", "13:45"),
])
def test_a_rota_heading_with_an_hour_gives_every_slot_its_hour(text, hour):
    events = extract_events(text, SPRING_2033)
    assert len(events) == 3 and all(e.start[11:16] == hour for e in events)


@pytest.mark.parametrize("line,day", [
    ("- mer. 11/05 : Sandrine", "2033-05-11"),
    ("6.5. Brunner", "2033-05-06"),
    ("• 18/05 – Karim", "2033-05-18"),
])
def test_a_bare_numeric_date_heading_a_list_line_is_a_date(line, day):
    events = extract_events(f"Putzplan Treppenhaus:\n{line}\n", SPRING_2033)
    assert [e.start[:10] for e in events] == [day]


@pytest.mark.parametrize("text,start,end", [
    ("Von Pfingstmontag 16.5. bis einschließlich Freitag 20.5. bleibt die Kita zu.", "2033-05-16",
     "2033-05-20"),
    ("Die Schule bleibt von Donnerstag 26. bis und mit Freitag 27. Mai geschlossen.", "2033-05-26",
     "2033-05-27"),
])
def test_a_span_to_its_last_day_said_included(text, start, end):
    [event] = extract_events(text, SPRING_2033)
    assert (event.kind, event.start, event.end) == ("closure", start, end)


def test_a_reply_with_hours_for_the_day_it_quotes_is_read_with_that_day():
    text = ("> Lea : fête de l'école samedi 14 mai le matin\nnon c'est l'après-midi la fête ! 14h-18h dans "
            "la cour. Le matin à 10h c'est le spectacle au gymnase")
    assert sorted(e.start[:16] for e in extract_events(text, SPRING_2033)) == [
        "2033-05-14T10:00", "2033-05-14T14:00"]


@pytest.mark.parametrize("text,start", [
    ("Elternabend am Dienstag um 19 Uhr\nKorrektur: 19:30!! Raum 112 wie immer", "2033-05-03T19:30"),
    ("Book club Thursday 7pm at mine. Correction: 7.30, sorry!", "2033-05-05T19:30"),
])
def test_an_hour_given_as_a_correction_is_the_new_hour(text, start):
    [event] = extract_events(text, SPRING_2033)
    assert (event.start[:16], event.moved) == (start, True)


def test_a_team_playing_away_is_not_away_from_home():
    text = "U12s Sunday we're away at Millbrook Rovers, KO 10.30, be there 9.45"
    [event] = extract_events(text, SPRING_2033)
    assert event.start[:16] == "2033-05-08T10:30"


def test_what_is_only_arriving_beside_the_match_is_its_call_up():
    text = "CONVOCATORIA SUB-11\nDomingo 8 de mayo\nPartido 10:00 a.m. — llegar 9:15 uniformados"
    assert [e.start[:16] for e in extract_events(text, SPRING_2033)] == ["2033-05-08T10:00"]


@pytest.mark.parametrize("text,start", [
    ("> Coach leaves the sports centre Fri 6th at 9pm SHARP\ncoach firm rang, pickup is 8.15 now not 9",
     "2033-05-06T20:15"),
    ("> Spring clean-up is Saturday 7th, 9am\nupdate from Bev: it's 10 not 9, the hall is booked till then",
     "2033-05-07T10:00"),
])
def test_a_reply_giving_an_hour_against_the_quoted_one_moves_it(text, start):
    [event] = extract_events(text, SPRING_2033)
    assert (event.start[:16], event.moved) == (start, True)


def test_a_day_denied_in_brackets_is_no_day():
    text = "la fête des voisins c'est le 14 mai cette année (pas le 7 mai, à cause du pont) 🌷 Apéro à 19h"
    [event] = extract_events(text, SPRING_2033)
    assert event.start[:16] == "2033-05-14T19:00"


def test_a_bare_date_with_its_weekday_after_it_is_a_date():
    [event] = extract_events("Último prazo para pagar a 2ª parcela: 13/5 (sexta)", SPRING_2033)
    assert (event.start, event.kind) == ("2033-05-13", "deadline")


def test_a_short_weekday_before_a_date_is_no_title():
    text = "Cronograma de provas 📚\nseg 9/5 – matemática 7h30–9h30\nter 10/5 – português 7h30–9h30"
    assert [e.title for e in extract_events(text, SPRING_2033)] == ["Matemática", "Português"]


@pytest.mark.parametrize("text,start,end", [
    ("Excursão do 9º ano 🚌\nSaída: sexta 13/5 às 6h da porta da escola\n"
     "Retorno: domingo 15/5 por volta das 19h",
     "2033-05-13T06:00", "2033-05-15T19:00"),
    ("pour la cabane à sucre, on part dimanche matin vers 9 h, pis on revient en fin d'après-midi, "
     "genre 17 h",
     "2033-05-08T09:00", "2033-05-08T17:00"),
])
def test_the_way_back_on_its_own_line_or_in_other_words_ends_the_trip(text, start, end):
    [event] = extract_events(text, SPRING_2033)
    assert (event.start[:16], (event.end or "")[:16]) == (start, end)


@pytest.mark.parametrize("text", [
    "El centro permanecerá cerrado del lunes 9 al viernes 13 de mayo. Las clases se reanudan el lunes 16.",
    "Die Kita bleibt vom 9. bis 13. Mai geschlossen, Wiederbeginn am Montag 16.5.",
])
def test_the_day_things_start_again_after_a_closed_span_is_no_event(text):
    [event] = extract_events(text, SPRING_2033)
    assert (event.kind, event.start, event.end) == ("closure", "2033-05-09", "2033-05-13")


def test_a_calling_off_split_by_a_bracket_still_calls_off():
    text = "Leider fällt das Schwimmtraining morgen (17:15, Hallenbad Nord) aus"
    [event] = extract_events(text, SPRING_2033)
    assert (event.cancelled, event.start[:10]) == (True, "2033-05-03")


# ------------------------------------------------------------------------- round 40 (batch 68)

@pytest.mark.parametrize("text,start,title", [
    ("> Jana: Grillen am See am Sonntag?\n> Mehmet: bin dabei, ab wann?\n"
     "> Jana: so ab 15 Uhr an der Badestelle\n"
     "Perfekt 🔥", "2033-05-08T15:00", "Grillen"),
    ("> Jonty: pub quiz at the Feathers one night next week?\n> Ruth: Thurs works for me, Weds is book club\n"
     "> Jonty: Thurs 8ish then\nok Thursday 8 it is 🍻", "2033-05-12T20:00", "Pub quiz"),
    ("> Nerea: cena de San Juan el viernes a las 9 en el chiringuito\n> Íñigo: ¿lo pasamos a las 10?\n"
     "> Nerea: vale, a las 10 entonces\nok apuntado, viernes a las 10", "2033-05-06T22:00",
     "Cena de San Juan"),
])
def test_a_thread_takes_hours_said_alone_and_an_evening_plans_hours_and_its_asked_title(text, start, title):
    [event] = extract_events(text, SPRING_2033)
    assert event.start[:16] == start and title in event.title


def test_a_move_word_before_an_hour_moves_the_quoted_plan_to_it():
    text = "> Sabine : la sortie vélo c'est toujours dimanche 10h ?\nOn avance à 8h30, il va faire chaud"
    [event] = extract_events(text, SPRING_2033)
    assert (event.start[:16], event.moved) == ("2033-05-08T08:30", True)


def test_a_farm_called_quinta_is_no_thursday():
    text = "Vindima na quinta dos meus sogros 🍇 sábado 14 a partir das 7h30, almoço no lagar"
    assert [e.start[:16] for e in extract_events(text, SPRING_2033)] == ["2033-05-14T07:30"]


@pytest.mark.parametrize("text", [
    "Ned vergessen, Oma Gerti hat am Freitag Geburtstag 🎂 ruft's sie bitte an",
    "mañana está de cumple la tía Gladys 🎂 no se olviden de saludarla",
    "Don't forget it's Grandpa's birthday on Friday, give him a ring",
])
def test_a_birthday_to_remember_is_no_event(text):
    assert extract_events(text, SPRING_2033) == []


@pytest.mark.parametrize("text", [
    "Mila feiert ihren Geburtstag am Samstag im Kletterwald, Einladung folgt",
    "Birthday party for Leo on Saturday, bring a swimsuit",
])
def test_a_birthday_with_a_gathering_is_an_event(text):
    assert [e.start[:10] for e in extract_events(text, SPRING_2033)] == ["2033-05-07"]


def test_a_mexican_rol_is_a_rota_with_its_hour():
    text = ("Rol de aventones al taller esta semana 🚗\nlunes 9 – Paty\nmiércoles 11 – yo\n"
            "salimos del cole 2:15 en punto")
    assert [e.start[:16] for e in extract_events(text, SPRING_2033)] == [
        "2033-05-09T14:15", "2033-05-11T14:15"]


@pytest.mark.parametrize("text,start,end", [
    ("Pour la location à Quiberon : arrivée samedi 7 mai à partir de 16h, départ le samedi 14 avant 10h.",
     "2033-05-07T16:00", "2033-05-14T10:00"),
    ("Cabin booked! check-in Friday 6th from 3pm, check-out Sunday 8th by 11am", "2033-05-06T15:00",
     "2033-05-08T11:00"),
])
def test_a_stay_runs_from_its_arrival_to_its_departure(text, start, end):
    [event] = extract_events(text, SPRING_2033)
    assert (event.start[:16], (event.end or "")[:16]) == (start, end)


def test_a_correction_word_a_little_before_the_hour_moves_the_quoted_plan():
    text = ("> Tiago: jantar dos pais sexta às 20h no Tasco\n"
            "Corrijo: é às 20h30, a mesa só fica livre a essa hora")
    [event] = extract_events(text, SPRING_2033)
    assert (event.start[:16], event.moved) == ("2033-05-06T20:30", True)


# ------------------------------------------------------------------------- round 41 (batch 69)

def test_a_duration_in_french_words_is_no_hour():
    text = ("Le concert de la chorale est décalé d'une heure : samedi 7 à 20h au lieu de 19h, "
            "église Saint-Remacle")
    [event] = extract_events(text, SPRING_2033)
    assert event.start[:16] == "2033-05-07T20:00"


def test_no_with_an_hour_before_the_activity_calls_it_off():
    [event] = extract_events("No 4:30 practice today – the field at Ridgeline Park is locked", SPRING_2033)
    assert (event.cancelled, event.start[:10]) == (True, "2033-05-02")


def test_a_make_up_said_in_the_present_is_a_move():
    text = "Samedi 7 pas d'entraînement ⚽ On rattrape le mercredi 11 de 14h à 15h30 au hall omnisports"
    [event] = extract_events(text, SPRING_2033)
    assert (event.start[:16], event.moved) == ("2033-05-11T14:00", True)


def test_the_first_sunday_of_advent_said_the_austrian_way():
    text = "Am 1. Adventsonntag ist die Adventkranzweihe in der Pfarre um 9:30"
    [event] = extract_events(text, SPRING_2033)
    assert event.start[:16] == "2033-11-27T09:30"


@pytest.mark.parametrize("text,start", [
    ("Elternabend am Dienstag um acht, äh nee, halb acht, in der Aula", "2033-05-03T19:30"),
    ("Quiz night Friday at 8, no wait, 8.30, at the Crown", "2033-05-06T20:30"),
])
def test_an_hour_taken_back_aloud_gives_way_to_the_next(text, start):
    [event] = extract_events(text, SPRING_2033)
    assert event.start[:16] == start


@pytest.mark.parametrize("text,title", [
    ("Samedi 7 c'est la fête du village, pas d'entraînement", "Entraînement"),
    ("Am Freitag ist Brückentag, kein Training", "Training"),
])
def test_a_calling_off_is_titled_by_what_is_off_not_the_reason(text, title):
    [event] = extract_events(text, SPRING_2033)
    assert (event.cancelled, event.title) == (True, title)


@pytest.mark.parametrize("text,starts", [
    ("Stand der 4a am Weihnachtsmarkt, Schichten am So 8.5.:\n10–12 Uhr: Anke, Jörg\n12–14 Uhr: Merve\n"
     "14–16 Uhr: ???\nBitte eintragen!!", ["2033-05-08T10:00", "2033-05-08T12:00"]),
    ("Turnos para el puesto del mercadillo (sábado 7):\n10-12h: Marta y Pedro\n12-14h: Ana y yo",
     ["2033-05-07T10:00", "2033-05-07T12:00"]),
])
def test_hour_slots_under_a_rota_heading_with_a_day_are_that_days_slots(text, starts):
    assert sorted(e.start[:16] for e in extract_events(text, SPRING_2033)) == starts
