"""Write the synthetic WhatsApp exports in data/sample/ (deterministic, pure Python).

Four chats in the formats real phones produce, each a few months of parent / club / family
chatter with events in many shapes, near-misses that are not events, distinct topics a search
test can look for, and the awkward lines parsers trip over (system messages, media
placeholders, deleted and edited messages, polls, locations, contacts, multi-line messages with
a pasted timestamp inside):

- `WhatsApp Chat with School Parents.txt`: Android, en-GB, dd/mm/yyyy, 24 h.
- `WhatsApp Chat - Riverside FC U10.zip`: iOS, en-US, `_chat.txt` with [m/d/yy, h:mm:ss AM],
  U+202F before AM/PM, U+200E marks, CRLF line ends, and two small PNG photos.
- `WhatsApp Chat with Familia García.txt`: Android, Spanish, dd/mm/yy, `p. m.` with U+202F/U+00A0.
- `WhatsApp-Chat mit Elternrat 3b.txt`: Android, German, dotted D.M.YY, 24 h, UTF-8 BOM.

Run `python scripts/make_sample.py` (or with `--out DIR`); the same input gives byte-identical
files, so the committed samples can be checked against a fresh run.
"""

from __future__ import annotations

import argparse
import random
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

SEED = 20240901
ROOT = Path(__file__).resolve().parent.parent
LRM = "\u200e"
NNBSP = "\u202f"
NBSP = "\u00a0"
ZIP_DATE = (2024, 12, 20, 12, 0, 0)  # fixed zip member times keep the zip byte-identical


@dataclass(frozen=True)
class Line:
    """One message to write: author None means a system message without an actor."""

    at: datetime
    author: str | None
    text: str


Scene = tuple[date, time, list[tuple[str | None, str]]]


# ---------------------------------------------------------------------------- formats


def h12(at: datetime) -> tuple[int, bool]:
    hour = at.hour % 12 or 12
    return hour, at.hour >= 12


def android_en_gb(at: datetime) -> str:
    return f"{at:%d/%m/%Y}, {at:%H:%M} - "


def ios_en_us(at: datetime) -> str:
    hour, pm = h12(at)
    return f"[{at.month}/{at.day}/{at:%y}, {hour}:{at:%M:%S}{NNBSP}{'PM' if pm else 'AM'}] "


def android_es(at: datetime) -> str:
    hour, pm = h12(at)
    marker = f"p.{NBSP}m." if pm else f"a.{NBSP}m."
    return f"{at:%d/%m/%y}, {hour}:{at:%M}{NNBSP}{marker} - "


def android_de(at: datetime) -> str:
    return f"{at.day}.{at.month}.{at:%y}, {at:%H:%M} - "


def render_android(lines: list[Line], header: Callable[[datetime], str]) -> str:
    out = []
    for line in lines:
        who = f"{line.author}: " if line.author else ""
        out.append(f"{header(line.at)}{who}{line.text}")
    return "\n".join(out) + "\n"


IOS_MARKED = ("<attached:", " omitted", "This message was deleted", " left", "Location:",
              "Missed voice call")


def render_ios(lines: list[Line], chat_name: str) -> str:
    """iOS puts the chat name (or the actor) in the author slot of system lines, and U+200E
    before the bracket and the body of system lines, attachments and placeholders."""
    out = []
    for line in lines:
        marked = line.author is None or any(m in line.text for m in IOS_MARKED)
        author = line.author or chat_name
        body = LRM + line.text if marked else line.text
        out.append(f"{LRM if marked else ''}{ios_en_us(line.at)}{author}: {body}")
    return "\r\n".join(out) + "\r\n"


# ---------------------------------------------------------------------------- timeline


def build_timeline(scenes: list[Scene], fillers: list[tuple[str, str]], start: date, end: date,
                   filler_count: int, rng: random.Random) -> list[Line]:
    """Scripted scenes at fixed times plus filler chatter on random days, sorted by time.

    Scene messages follow each other by 1-14 minutes, so a scene reads like a conversation;
    fillers land on random days between 07:00 and 22:00.
    """
    lines: list[Line] = []
    for day, at, messages in scenes:
        moment = datetime.combine(day, at)
        for author, text in messages:
            lines.append(Line(moment, author, text))
            moment += timedelta(minutes=rng.randint(1, 14), seconds=rng.randint(0, 59))
    span = (end - start).days
    for index in range(filler_count):
        author, text = fillers[index % len(fillers)]
        day = start + timedelta(days=rng.randint(0, span))
        moment = datetime.combine(day, time(rng.randint(7, 21), rng.randint(0, 59),
                                            rng.randint(0, 59)))
        lines.append(Line(moment, author, text))
    # system lines open the chat; a stable sort keeps scene order within one minute
    lines.sort(key=lambda line: line.at)
    return lines


# ---------------------------------------------------------------------------- School Parents


def school_parents(rng: random.Random) -> list[Line]:
    a, b, c, d, e = "Sarah Thompson", "Priya Patel", "James O'Connor", "Mrs Hughes (Year 4)", "Tom Baker"
    f = "+44 7700 900123"
    scenes: list[Scene] = [
        (date(2024, 9, 2), time(7, 58), [
            (None, "Messages and calls are end-to-end encrypted. No one outside of this chat, "
                   "not even WhatsApp, can read or listen to them. Tap to learn more."),
            (None, "Sarah Thompson created group \"Year 4 Parents\""),
            (None, "Sarah Thompson added Priya Patel, James O'Connor, Tom Baker"),
            (None, "Sarah Thompson changed the subject from \"Year 4 Parents\" to \"School Parents\""),
            (a, "Welcome back everyone! Hope you all had a lovely summer 😊"),
            (b, "Morning! Thanks for setting this up Sarah"),
        ]),
        (date(2024, 9, 3), time(20, 14), [
            (None, "Sarah Thompson added Mrs Hughes (Year 4)"),
            (d, "Good evening parents. Parents' evening is on Thursday 19 September from "
                "4pm to 7pm in the school hall. Please book a 10 minute slot at the office."),
            (c, "Thanks Mrs Hughes, booked 5:20"),
            (e, "Is there parking at the school or should we walk?"),
            (d, "Please use the church car park on Mill Lane, the school one is for staff."),
        ]),
        (date(2024, 9, 6), time(15, 31), [
            (b, "Has anyone seen a navy blue jacket with a fox badge? Aarav came home without it "
                "again 🙈 lost jacket number 2 this term"),
            (a, "I'll check the lost property box tomorrow morning"),
            (f, "Hi, this is Ben's dad. Ben has a navy jacket that isn't his, I think it's Aarav's! "
                "Name label says A. Patel"),
            (b, "Yes!! That's the one. Thank you so much, can he bring it in Monday?"),
            (f, "Will do 👍"),
        ]),
        (date(2024, 9, 10), time(19, 2), [
            (d, "Reminder: homework this week is the spelling list (page 12) and the times "
                "tables sheet, both due Friday. Reading records should be signed every night."),
            (c, "Is the maths homework the 7 times table or the 8?"),
            (d, "Both 7 and 8 please, the sheet has both columns."),
            (e, "Jack says the homework sheet was never handed out 🤔"),
            (d, "I've uploaded it to the class page, you can print it from there."),
        ]),
        (date(2024, 9, 12), time(9, 40), [
            (a, "BAKE SALE! Friday 27th September after school, 3:15 in the playground. We need "
                "cakes, cookies and a few helpers for the stall. Everything £1 or less."),
            (b, "I can make my lemon drizzle again"),
            (e, "Put me down for 2 dozen flapjacks"),
            (c, "Happy to help on the stall from 3 till 4"),
            (a, "Amazing, thank you! Please label anything with nuts 🥜"),
            (None, "Priya Patel changed the group icon"),
        ]),
        (date(2024, 9, 16), time(21, 5), [
            (b, "Lemon drizzle recipe as promised for those who asked:\n225g butter\n225g caster "
                "sugar\n4 eggs\n225g self-raising flour\nzest of 1 lemon\nDrizzle: juice of 1½ "
                "lemons + 85g sugar. 45-50 mins at 180C."),
            (a, "You're a star, thank you!"),
            (e, "This message was deleted"),
            (c, "Saving this 😋"),
        ]),
        (date(2024, 9, 19), time(18, 44), [
            (c, "Just back from parents evening, really helpful chat with Mrs Hughes"),
            (b, "Same, we were there from 5:40 to 5:50, she's lovely"),
        ]),
        (date(2024, 9, 24), time(8, 12), [
            (d, "The Year 4 trip to the Natural History Museum is on Wednesday 9th October. "
                "Coach leaves at 8:45am sharp, back about 3:30pm. Cost is £12.50, payable on "
                "ParentPay by 1 Oct. Packed lunch please, no glass bottles."),
            (d, "Trip consent form.pdf • 1 page <attached: Trip consent form.pdf>"),
            (a, "Are they still looking for parent helpers for the museum trip?"),
            (d, "Yes, two more please. DBS needed."),
            (e, "I can do it, I have a DBS from Scouts"),
        ]),
        (date(2024, 9, 27), time(16, 20), [
            (a, "Bake sale raised £214.60!! Thank you everyone 🎉"),
            (b, "Wow well done all"),
            (e, "IMG-20240927-WA0011.jpg (file attached)"),
            (e, "The stall at the end 😂 nothing left but crumbs"),
        ]),
        (date(2024, 10, 1), time(7, 35), [
            (c, "Carpool question: anyone going from Oakfield Road on Tuesdays and Thursdays? I "
                "start work at 8 so I could drive three kids in the morning if someone does "
                "pick-up at 3:15"),
            (b, "We're on Oakfield! I can do pick-ups on Tuesdays"),
            (a, "POLL:\nCarpool days that work for you?\nOPTION: Monday (1 vote)\nOPTION: Tuesday "
                "(3 votes)\nOPTION: Thursday (2 votes)\nOPTION: Friday (0 votes)"),
            (c, "Great, Tuesday carpool it is. Booster seats are in my boot."),
        ]),
        (date(2024, 10, 4), time(17, 58), [
            (e, "Missed voice call"),
            (e, "Sorry wrong chat!"),
            (b, "location: https://maps.google.com/?q=51.50729,-0.12765"),
            (b, "That's the café we said for the coffee morning, Saturday 10ish?"),
            (a, "Perfect, see you there"),
        ]),
        (date(2024, 10, 8), time(20, 30), [
            (a, "Quick one: I copied this from the school newsletter\n[08/10/2024, 09:15:02] "
                "Office: Flu vaccinations for all year groups on Monday 14 October\nSo remember "
                "to send the consent forms back"),
            (b, "Thanks Sarah, done online"),
        ]),
        (date(2024, 10, 9), time(15, 45), [
            (e, "Museum trip update: all back safe, the dinosaurs were a hit 🦕"),
            (c, "Thanks Tom! Ruby loved it"),
        ]),
        (date(2024, 10, 15), time(12, 10), [
            (b, "Does anyone know a good dentist near the school? Aarav has a wobbly tooth that "
                "hurts"),
            (a, "We go to Smile Dental on Church Street, ask for Dr Okafor"),
            (b, "Booked! Dentist appointment on Tuesday 22nd at 4.30pm, so he'll miss the "
                "carpool that day <This message was edited>"),
            (c, "No problem, noted"),
        ]),
        (date(2024, 10, 21), time(19, 15), [
            (d, "Half term reminder: school closes Friday 25 October at 1:30pm and reopens on "
                "Monday 4 November."),
            (e, "Anyone up for a half term playdate at Victoria Park? Weds 30th around 11?"),
            (a, "We're away that week sadly, have fun!"),
            (b, "We'll come! 🛝"),
        ]),
        (date(2024, 11, 5), time(8, 3), [
            (None, "James O'Connor's security code changed. Tap to learn more."),
            (c, "Morning all, Ruby's 9th birthday party is Saturday 16 November, 2-4pm at "
                "Jumpin' Jacks trampoline park on Harbour Street. Invites in book bags today, "
                "RSVP to me on 07700 900456 by the 10th"),
            (b, "Aarav would love to come! 🎈"),
            (e, "Jack too, thanks James"),
            (a, "We'll be there. Grip socks needed?"),
            (c, "Yes grip socks, they sell them there for £2"),
        ]),
        (date(2024, 11, 12), time(21, 40), [
            (a, "Does anyone have the Christmas jumper day date? I thought it was the 13th"),
            (d, "Christmas jumper day is Friday 13 December, £1 donation to Save the Children. "
                "The nativity is Wednesday 18 December at 2pm in the hall, two tickets per family."),
            (e, "Thanks! Wait, is the nativity the same day as the carol concert?"),
            (d, "No, the carol concert has been cancelled this year, sorry. Nativity only."),
        ]),
        (date(2024, 11, 16), time(16, 30), [
            (b, "Thank you James, Aarav had a brilliant time at the party"),
            (c, "Thanks for coming! Someone left a grey hoodie, age 9-10"),
            (e, "You deleted this message"),
            (e, "That's Jack's, I'll grab it Monday"),
        ]),
        (date(2024, 11, 25), time(18, 2), [
            (a, "Phone number for the school office has changed, it's now 020 7946 0321"),
            (b, "Sarah Thompson.vcf (file attached)"),
            (b, "Oops wrong contact 🙈"),
            (a, "Haha no worries"),
            (None, "Tom Baker left"),
        ]),
    ]
    fillers = [
        (a, "Morning all!"), (b, "Thanks!"), (c, "👍"), (a, "Has anyone got spare PE socks?"),
        (b, "Happy Friday everyone 🎉"), (c, "Running 5 mins late for pick-up, can someone "
                                                "wait with Ruby?"),
        (a, "<Media omitted>"), (e, "Haha"), (b, "Good luck with the spelling test tomorrow kids"),
        (c, "Thank you 😊"), (d, "Reminder: PE is on Tuesdays and Thursdays this term."),
        (e, "Anyone know if it's non-uniform day on Friday?"), (a, "No, that's next week"),
        (b, "What time does after-school club finish?"), (c, "5:30 I think"),
        (a, "Great news about the new climbing frame"), (e, "Ok"),
        (b, "Can someone send a photo of the reading list?"), (a, "<Media omitted>"),
        (c, "Thanks, much appreciated"), (e, "Lol"), (b, "Ha! Classic"),
    ]
    return build_timeline(scenes, fillers, date(2024, 9, 2), date(2024, 11, 30), 92, rng)


# ---------------------------------------------------------------------------- Riverside FC U10


RIVERSIDE_PHOTOS = {
    "00000031-PHOTO-2024-09-14-11-47-03.png": (34, 139, 34),
    "00000078-PHOTO-2024-10-19-12-05-41.png": (200, 30, 45),
}


def riverside(rng: random.Random) -> list[Line]:
    coach, m1, m2, m3, m4 = "Coach Mike", "Dana Alvarez", "Kevin Brooks", "Lisa Chen", "Marcus Reed"
    photo1, photo2 = sorted(RIVERSIDE_PHOTOS)
    scenes: list[Scene] = [
        (date(2024, 8, 26), time(18, 0), [
            (None, "Messages and calls are end-to-end encrypted. No one outside of this chat, not "
                   "even WhatsApp, can read or listen to them."),
            (None, "Coach Mike created group “Riverside FC U10”"),
            (None, "Coach Mike added Dana Alvarez"),
            (None, "Coach Mike added Kevin Brooks"),
            (coach, "Welcome to the fall season parents! First practice is Tuesday 9/3 at 5:30 PM "
                    "at Riverside Park field 2. Bring water and shin guards."),
            (m1, "Thanks coach! Is it every Tuesday and Thursday?"),
            (coach, "Yes, Tues and Thurs 5:30-7 through November."),
        ]),
        (date(2024, 9, 4), time(20, 12), [
            (coach, "Kit colours this year: green shirts, white shorts, green socks. Away kit is "
                    "all white. Order by Friday at riversidefc.example/shop"),
            (m2, "Do the socks come in youth small? Last year they were huge on Eli"),
            (coach, "Youth S-M-L, go one size down"),
            (m3, "What colour are the goalie shirts?"),
            (coach, "Goalie kit is orange (yellow if we play an orange team)"),
        ]),
        (date(2024, 9, 10), time(21, 3), [
            (coach, "First game: Saturday Sept 14, 10am vs Lakeside United at Lakeside Rec Center, "
                    "400 Shore Dr. Arrive 9:30 for warm up. Home kit."),
            (m4, "Will there be a snack schedule?"),
            (m1, "I made one! Sign up here please, 2 families per game"),
            (m1, "POLL:\nWho can bring snacks for the first game?\nOPTION: Alvarez (1 vote)\n"
                 "OPTION: Brooks (1 vote)\nOPTION: Chen (0 votes)"),
            (m3, "Location: https://maps.google.com/?q=41.88105,-87.62789"),
            (m3, "That's where the parking is for Lakeside, it's behind the gym"),
        ]),
        (date(2024, 9, 14), time(11, 40), [
            (coach, "Great effort today team! Lost 2-3 but we controlled the second half 💪"),
            (m2, f"<attached: {photo1}>"),
            (m4, "Eli's goal was amazing!!"),
        ]),
        (date(2024, 9, 17), time(19, 25), [
            (m2, "Carpool for away games? I have 3 seats in the minivan, leaving from the Target "
                 "parking lot"),
            (m4, "Yes please! Marcus Jr needs a ride on the 21st"),
            (m1, "We can do the return trip"),
            (m2, "Carpool sorted for Saturday then 👍 I'll leave at 8:45"),
        ]),
        (date(2024, 9, 19), time(18, 2), [
            (coach, "Practice tonight is CANCELLED due to the thunderstorm ⛈️ See you Tuesday"),
            (m3, "Thanks for letting us know"),
            (m1, "Missed voice call"),
        ]),
        (date(2024, 9, 20), time(20, 48), [
            (coach, "Tomorrow: away at Northside Park, kick off 9am, arrive by 8:15. Away kit (all "
                    "white). It's a 40 minute drive so leave early."),
            (m4, "Is the field address 1200 N Elm St?"),
            (coach, "Yes, field 3 by the tennis courts"),
        ]),
        (date(2024, 9, 21), time(10, 55), [
            (coach, "WE WON 4-1!!! 🏆 Proud of every one of them"),
            (m1, "What a game!"),
            (m3, "image omitted"),
            (m2, "video omitted"),
        ]),
        (date(2024, 9, 26), time(7, 45), [
            (m3, "Has anyone found a black Nike jacket? Sophie left it at practice on Tuesday, "
                 "size youth M. Lost jacket alert 🧥"),
            (m4, "I think I saw one on the bench by field 2"),
            (coach, "I have it in my car, will bring it tonight"),
            (m3, "You're a lifesaver, thanks Mike"),
        ]),
        (date(2024, 10, 2), time(21, 15), [
            (coach, "Picture day is Saturday October 5 at 8:30am before the game, full home kit "
                    "please! Order forms are in the attached pdf"),
            (coach, "Picture day order form.pdf • ‎2 pages <attached: "
                    "00000052-Picture day order form.pdf>"),
            (m1, "Do siblings get photos too?"),
            (coach, "Yes, sibling photos at 8:15"),
        ]),
        (date(2024, 10, 8), time(19, 59), [
            (m1, "Pasting this from the league email so everyone has it:\n14/10/2024, 18:00 - "
                 "League: fields closed for maintenance\nThat means no practice Monday the 14th, "
                 "but Tues is fine"),
            (m2, "Good to know, thanks Dana"),
        ]),
        (date(2024, 10, 12), time(9, 20), [
            (coach, "Today's game vs Hillcrest moved to 1pm because of the frost, same place "
                    "(Riverside Park field 1)"),
            (m4, "Thanks for the heads up"),
            (m2, "This message was deleted."),
            (m3, "We'll be there at 12:30"),
        ]),
        (date(2024, 10, 15), time(20, 40), [
            (coach, "Halloween fun practice on Thursday Oct 31, kids can come in costume! Practice "
                    "will be 5-6pm instead of 5:30-7"),
            (m1, "They're going to love that 🎃"),
            (None, "Coach Mike changed the group description"),
        ]),
        (date(2024, 10, 19), time(12, 0), [
            (coach, "Draw 2-2 today, good fight. Next week is the last home game."),
            (m4, f"<attached: {photo2}>"),
            (m3, "Lisa Chen.vcf <attached: 00000081-Lisa Chen.vcf>"),
            (m3, "That's my number for the snack list, I changed phones"),
        ]),
        (date(2024, 10, 23), time(18, 30), [
            (coach, "End of season party!! Sunday November 17, 3-6 PM at Tony's Pizza on Main "
                    "Street. Trophies for all players. Siblings welcome, $15 per family for pizza"),
            (m2, "Sounds great, we're in"),
            (m1, "Can we Venmo the $15?"),
            (coach, "Yes @Mike-Riverside-FC, thanks! <This message was edited>"),
            (m4, "We'll be there, Marcus has a dentist appointment at 1:30 that day but should "
                 "make it by 3"),
        ]),
        (date(2024, 11, 2), time(8, 5), [
            (coach, "Tournament next Saturday Nov 9 at the Springfield Sports Complex, 3 games: "
                    "9:00, 11:30, 2:00. Be there 8:15 for check-in. Pack lunch and lots of water!"),
            (m4, "What's the address for the sports complex?"),
            (coach, "2500 Stadium Way, Springfield. Parking is $5 cash"),
            (m2, "Carpool anyone? Leaving at 7:30 from Target again"),
            (m3, "Us please 🙋‍♀️"),
        ]),
        (date(2024, 11, 9), time(16, 10), [
            (coach, "Semifinalists!!! 🥉 Won 3-0, 1-1, lost 0-2 in the semi. Incredible day"),
            (m1, "So proud of these kids"),
            (m2, "Kevin Brooks left"),
        ]),
        (date(2024, 11, 18), time(10, 10), [
            (coach, "Thanks for a great season everyone. Spring registration opens January 15. "
                    "I'll post the link here."),
            (m1, "Thank you Coach Mike! Best season yet"),
            (m3, "Thank you!! ❤️"),
        ]),
    ]
    fillers = [
        (m1, "Thanks coach!"), (m2, "👍"), (m3, "Running late, be there in 10"),
        (m4, "Is practice still on with this rain?"), (coach, "Yes, rain or shine unless there's "
                                                              "lightning"),
        (m1, "Great job today kids ⚽"), (m2, "Go Riverside!"), (m3, "Lol"),
        (m4, "Anyone have a spare shin guard?"), (coach, "Remember water bottles with names"),
        (m1, "sticker omitted"), (m2, "Haha love it"), (m3, "See you Tuesday"),
        (m4, "Thanks!"), (coach, "Great hustle at practice tonight"),
        (m1, "Who has the team banner?"), (m2, "Me, it's in my garage"), (m3, "GIF omitted"),
    ]
    lines = build_timeline(scenes, fillers, date(2024, 8, 27), date(2024, 11, 20), 96, rng)
    # The "left" line above is a system line with an actor; on iOS the actor fills the author
    # slot, which a parser must classify by its text, not by who sent it.
    return lines


def png_bytes(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A solid-colour RGB PNG, written with zlib alone (no imaging library needed)."""
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9))
            + chunk(b"IEND", b""))


# ---------------------------------------------------------------------------- Familia García


def familia_garcia(rng: random.Random) -> list[Line]:
    mama, papa, lucia, abuela, tio = "Mamá", "Papá", "Lucía", "Abuela Carmen", "Tío Javier"
    scenes: list[Scene] = [
        (date(2024, 9, 1), time(10, 0), [
            (None, "Los mensajes y las llamadas están cifrados de extremo a extremo. Nadie fuera "
                   "de este chat, ni siquiera WhatsApp, puede leerlos ni escucharlos. Toca para "
                   "obtener más información."),
            (None, "Papá creó el grupo \"Familia García\""),
            (None, "Papá añadió a Mamá, Lucía, Abuela Carmen"),
            (papa, "Hola familia! Grupo nuevo para organizarnos 😄"),
            (abuela, "Qué bien hijo, besos a todos"),
        ]),
        (date(2024, 9, 8), time(13, 22), [
            (abuela, "La receta de la tortilla de patatas que me pedisteis:\n- 6 huevos\n- 4 "
                     "patatas medianas\n- 1 cebolla\n- aceite de oliva y sal\nFreír las patatas "
                     "a fuego lento 20 minutos, escurrir y mezclar con el huevo."),
            (lucia, "Gracias abuela!! La hago este finde"),
            (mama, "La mejor receta del mundo ❤️"),
        ]),
        (date(2024, 9, 13), time(20, 5), [
            (mama, "Recordad: cumpleaños de la abuela el sábado 21 de septiembre, comida a las "
                   "14:00 en el restaurante El Olivo, calle Mayor 12"),
            (tio, "Allí estaremos! Llevo la tarta"),
            (papa, "Reservado para 12 personas"),
            (lucia, "Puedo llevar a mi novio?"),
            (mama, "Claro que sí"),
        ]),
        (date(2024, 9, 21), time(17, 40), [
            (lucia, "IMG-20240921-WA0004.jpg (archivo adjunto)"),
            (abuela, "Qué guapos todos, gracias por venir 🎂"),
            (tio, "<Multimedia omitido>"),
        ]),
        (date(2024, 9, 25), time(21, 10), [
            (mama, "Lucía, cita con el dentista el martes 1 de octubre a las 17:30 en la clínica "
                   "Sonrisas. No te olvides!"),
            (lucia, "Vale mamá 🙄"),
            (papa, "Te llevo yo en coche, salgo del trabajo a las 5"),
        ]),
        (date(2024, 10, 3), time(9, 15), [
            (papa, "Se eliminó este mensaje"),
            (papa, "Perdón, mensaje equivocado"),
            (abuela, "Llamada de voz perdida"),
            (abuela, "Hijo no sé cómo se usa esto"),
        ]),
        (date(2024, 10, 10), time(19, 55), [
            (tio, "Viaje a la sierra el puente de noviembre? Del viernes 1 al domingo 3, casa "
                  "rural en Cercedilla, 45€ por persona la noche"),
            (mama, "Apuntados los cuatro!"),
            (tio, "ENCUESTA:\n¿Quién viene a la sierra?\nOPCIÓN: Sí (5 votos)\nOPCIÓN: No (1 "
                  "voto)\nOPCIÓN: Solo el sábado (1 voto)"),
            (tio, "ubicación: https://maps.google.com/?q=40.7406,-4.0553"),
            (papa, "Salimos el viernes a las 9 de la mañana para evitar el tráfico"),
        ]),
        (date(2024, 10, 18), time(22, 30), [
            (lucia, "Alguien ha visto mi chaqueta vaquera? Creo que me la dejé en casa de la "
                    "abuela"),
            (abuela, "Sí cariño, está aquí en el perchero"),
            (lucia, "Uff menos mal, paso el domingo a por ella"),
        ]),
        (date(2024, 10, 27), time(11, 5), [
            (mama, "Ojo que esta noche cambia la hora, a las 3 serán las 2"),
            (papa, "Una hora más de sueño 😴"),
        ]),
        (date(2024, 11, 1), time(12, 40), [
            (papa, "Ya estamos en la casa rural, qué frío hace! ❄️"),
            (lucia, "VID-20241101-WA0009.mp4 (archivo adjunto)"),
            (tio, "Mañana ruta a las 10, 12 km, unas 4 horas"),
        ]),
        (date(2024, 11, 12), time(20, 20), [
            (mama, "Reunión de padres del instituto de Lucía el jueves 14 a las 18:30, "
                   "voy yo <Se editó este mensaje.>"),
            (papa, "Perfecto, yo recojo a Pablo del fútbol"),
            (None, "Mamá cambió el asunto a \"Familia García 🏡\""),
        ]),
        (date(2024, 11, 20), time(8, 45), [
            (abuela, "Cena de Nochebuena en mi casa como siempre, 24 de diciembre a las 21h. "
                     "Traed postre!"),
            (tio, "Este año no podemos, nos toca con la familia de Marta 😔"),
            (abuela, "Vaya, os echaremos de menos"),
            (mama, "Nosotros sí vamos, y llevo turrón"),
            (lucia, "Javier García.vcf (archivo adjunto)"),
            (lucia, "El número nuevo del tío para la abuela"),
        ]),
        (date(2024, 11, 28), time(18, 0), [
            (papa, "Lucía tiene examen de matemáticas el lunes, nada de móvil este finde 📚"),
            (lucia, "Papáaaa 😩 los deberes ya los tengo hechos"),
            (mama, "Nada de excusas, a estudiar"),
            (None, "Papá añadió a Tío Javier"),
        ]),
    ]
    fillers = [
        (mama, "Buenos días familia ☀️"), (papa, "Jajaja"), (lucia, "Ok"), (abuela, "Besos"),
        (tio, "👍"), (mama, "Qué tal el día?"), (papa, "Llego tarde a cenar, empezad sin mí"),
        (lucia, "<Multimedia omitido>"), (abuela, "Os quiero mucho"), (mama, "Gracias!"),
        (papa, "Alguien necesita algo del súper?"), (lucia, "Leche y pan porfa"),
        (abuela, "Qué frío hace hoy"), (tio, "Jajajaja buenísimo"), (mama, "Buenas noches 😘"),
        (papa, "Vale"), (lucia, "Sticker omitido"), (abuela, "Muy bonito"),
    ]
    return build_timeline(scenes, fillers, date(2024, 9, 1), date(2024, 12, 1), 95, rng)


# ---------------------------------------------------------------------------- Elternrat 3b


def elternrat(rng: random.Random) -> list[Line]:
    anna, jonas, frau, mehmet, katrin = ("Anna Schulz", "Jonas Weber", "Frau Becker",
                                         "Mehmet Yilmaz", "Katrin Hoffmann")
    scenes: list[Scene] = [
        (date(2024, 9, 2), time(19, 30), [
            (None, "Nachrichten und Anrufe sind Ende-zu-Ende-verschlüsselt. Niemand außerhalb "
                   "dieses Chats kann sie lesen oder anhören, nicht einmal WhatsApp. Tippe, um "
                   "mehr zu erfahren."),
            (None, "Anna Schulz hat die Gruppe „Elternrat 3b“ erstellt"),
            (None, "Anna Schulz hat Jonas Weber, Mehmet Yilmaz und Katrin Hoffmann hinzugefügt"),
            (anna, "Hallo zusammen! Willkommen im neuen Schuljahr 🍂"),
            (jonas, "Hallo! Danke fürs Einrichten"),
        ]),
        (date(2024, 9, 5), time(20, 10), [
            (None, "Anna Schulz hat Frau Becker hinzugefügt"),
            (frau, "Liebe Eltern, der erste Elternabend findet am Dienstag, 17.09. um 19:30 Uhr "
                   "im Raum 104 statt. Themen: Klassenfahrt, Hausaufgaben, Wahl der "
                   "Elternvertreter."),
            (mehmet, "Danke Frau Becker, wir kommen"),
            (katrin, "Gibt es eine Kinderbetreuung während des Elternabends?"),
            (frau, "Leider nein, tut mir leid."),
        ]),
        (date(2024, 9, 11), time(21, 2), [
            (katrin, "Frage zu den Hausaufgaben: Im Mathe-Arbeitsheft Seite 14 oder 15? Lea ist "
                     "sich nicht sicher"),
            (anna, "Seite 14, Nummer 1-4. Seite 15 ist für nächste Woche"),
            (katrin, "Danke dir!"),
        ]),
        (date(2024, 9, 17), time(21, 40), [
            (anna, "Danke an alle fürs Kommen! Neue Elternvertreter: Jonas und ich. Protokoll "
                   "kommt morgen."),
            (anna, "Protokoll Elternabend.pdf • 3 Seiten <Anhang: Protokoll Elternabend.pdf>"),
        ]),
        (date(2024, 9, 20), time(7, 20), [
            (jonas, "Hat jemand eine rote Regenjacke mit Dinosauriern gesehen? Paul hat seine "
                    "Jacke seit Mittwoch verloren"),
            (mehmet, "Die hängt im Fundbüro neben der Turnhalle, habe sie gestern gesehen"),
            (jonas, "Super, danke! 🦖"),
        ]),
        (date(2024, 9, 26), time(18, 30), [
            (frau, "Die Klassenfahrt in die Jugendherberge Bacharach ist vom 14.10. bis 16.10. "
                   "Abfahrt am Montag um 8.00 Uhr am Busbahnhof, Rückkehr Mittwoch ca. 15.30 "
                   "Uhr. Kosten 120 €, bitte bis 4.10. überweisen."),
            (katrin, "Was müssen die Kinder mitnehmen?"),
            (frau, "Packliste.pdf • 1 Seite <Anhang: Packliste.pdf>"),
            (mehmet, "Danke! Gibt es Taschengeld? Wie viel?"),
            (frau, "Maximal 15 € Taschengeld bitte."),
        ]),
        (date(2024, 10, 2), time(12, 45), [
            (anna, "Laternenfest am Freitag, 8. November ab 17 Uhr auf dem Schulhof! Wir brauchen "
                   "Helfer für den Punschstand und Kuchenspenden."),
            (katrin, "Ich backe einen Apfelkuchen 🍎"),
            (jonas, "UMFRAGE:\nWer hilft beim Punschstand?\nOPTION: 17-18 Uhr (2 Stimmen)\n"
                    "OPTION: 18-19 Uhr (1 Stimme)\nOPTION: Abbau (0 Stimmen)"),
            (mehmet, "Ich nehme 18-19 Uhr"),
        ]),
        (date(2024, 10, 9), time(17, 5), [
            (katrin, "Das Rezept für den Apfelkuchen, weil mehrere gefragt haben:\n250 g Mehl\n"
                     "125 g Butter\n100 g Zucker\n1 Ei\n4 Äpfel\n45 Minuten bei 180 Grad"),
            (anna, "Lecker, danke Katrin!"),
            (jonas, "Diese Nachricht wurde gelöscht."),
        ]),
        (date(2024, 10, 14), time(8, 20), [
            (frau, "Alle Kinder sind gut im Bus, wir fahren los! 🚌"),
            (frau, "IMG-20241014-WA0003.jpg (Datei angehängt)"),
            (anna, "Viel Spaß euch allen!"),
        ]),
        (date(2024, 10, 16), time(15, 50), [
            (frau, "Wir sind zurück, die Kinder sind müde aber glücklich"),
            (mehmet, "Danke für die tolle Organisation!"),
            (None, "Mehmet Yilmaz hat das Gruppenbild geändert"),
        ]),
        (date(2024, 10, 22), time(20, 15), [
            (mehmet, "Fahrgemeinschaft zum Schwimmunterricht am Donnerstag? Ich fahre um 13.15 Uhr "
                     "ab der Schule und habe 3 Plätze frei"),
            (katrin, "Lea würde gerne mitfahren"),
            (jonas, "Paul auch, danke Mehmet 🙏"),
            (mehmet, "Standort: https://maps.google.com/?q=50.0782,8.2398"),
            (mehmet, "Hier ist das Hallenbad, Parkplatz hinten"),
        ]),
        (date(2024, 10, 29), time(19, 0), [
            (anna, "Zahnarzttermin für die Klasse: Die Schulzahnärztin kommt am 5.11. um 9 Uhr, "
                   "bitte das Formular unterschreiben <Diese Nachricht wurde bearbeitet.>"),
            (katrin, "Verpasster Sprachanruf"),
            (katrin, "Sorry, falscher Chat"),
        ]),
        (date(2024, 11, 4), time(21, 30), [
            (jonas, "Hab das aus der Schul-App kopiert:\n[04.11.24, 09:12:33] Sekretariat: "
                    "Laternenfest findet bei Regen in der Turnhalle statt\nAlso auf jeden Fall!"),
            (anna, "Danke Jonas 👍"),
        ]),
        (date(2024, 11, 8), time(20, 40), [
            (anna, "Das Laternenfest war wunderschön, 312,50 € für die Klassenkasse! Danke an alle"),
            (katrin, "<Medien ausgeschlossen>"),
            (None, "Jonas Weber hat die Gruppe verlassen"),
        ]),
        (date(2024, 11, 19), time(18, 25), [
            (frau, "Der Weihnachtsbasar am Samstag, 30.11. fällt dieses Jahr leider aus. "
                   "Stattdessen singen wir am Freitag, 20. Dezember um 11 Uhr in der Aula."),
            (katrin, "Schade! Aber das Singen wird schön"),
            (mehmet, "Katrin Hoffmann.vcf (Datei angehängt)"),
            (mehmet, "Für die Telefonliste, Katrins neue Nummer 0151 23456789"),
        ]),
    ]
    fillers = [
        (anna, "Guten Morgen!"), (jonas, "Danke!"), (katrin, "👍"), (mehmet, "Super"),
        (anna, "Schönes Wochenende euch allen"), (katrin, "Haha 😂"),
        (jonas, "<Medien ausgeschlossen>"), (mehmet, "Wann ist nochmal Sportunterricht?"),
        (anna, "Dienstags und freitags"), (katrin, "Alles klar, danke"),
        (jonas, "Hat jemand das Lesebuch übrig? Pauls ist zerrissen"), (mehmet, "Leider nein"),
        (anna, "Gute Besserung an alle Kranken 🤒"), (katrin, "Ok"),
        (jonas, "Bis morgen!"), (mehmet, "Top"), (anna, "Danke für die Info"),
    ]
    return build_timeline(scenes, fillers, date(2024, 9, 2), date(2024, 11, 30), 90, rng)


# ---------------------------------------------------------------------------- writing


def write_zip(path: Path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            archive.writestr(info, members[name])


def make_samples(out: Path) -> list[Path]:
    """Write every sample export into `out`; returns the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    written = []

    school = out / "WhatsApp Chat with School Parents.txt"
    school.write_text(render_android(school_parents(rng), android_en_gb), encoding="utf-8",
                      newline="")
    written.append(school)

    chat = render_ios(riverside(rng), "Riverside FC U10").encode("utf-8")
    members = {"_chat.txt": chat}
    for name, colour in RIVERSIDE_PHOTOS.items():
        members[name] = png_bytes(64, 48, colour)
    club = out / "WhatsApp Chat - Riverside FC U10.zip"
    write_zip(club, members)
    written.append(club)

    family = out / "WhatsApp Chat with Familia García.txt"
    family.write_text(render_android(familia_garcia(rng), android_es), encoding="utf-8",
                      newline="")
    written.append(family)

    eltern = out / "WhatsApp-Chat mit Elternrat 3b.txt"
    eltern.write_text("\ufeff" + render_android(elternrat(rng), android_de), encoding="utf-8",
                      newline="")
    written.append(eltern)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "sample")
    args = parser.parse_args()
    for path in make_samples(args.out):
        print(f"{path.stat().st_size:>8} bytes  {path}")


if __name__ == "__main__":
    main()
