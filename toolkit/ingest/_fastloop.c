/* The hot loop of toolkit.ingest.whatsapp, compiled: one call per chunk.
 *
 * `Runner.run` walks the split parts of one chunk (headers, dates, times, seconds, bodies) as
 * `ChatParser._batches`'s pure-Python loop (`PlainRunner.run`) does, with the same state in and
 * out: a plain text message from an author the chat knows is made here; every other header
 * goes to the parser's own `_settle` (which keeps every rule), and a date or time not yet in the
 * parser's caches is read by the parser's own `_day` / `_parse_time` (which raise its errors).
 * The messages to hand on are appended to `out`, in order, as the pure loop yields them.
 *
 * Why C: the per-message bytecode of that loop (a partition, a dict lookup, a dozen tests, a
 * string and a tuple) was most of the parse's time; here it is a few hundred instructions.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

/* A set of single characters, as the parser's frozensets of one-character strings: a bitmap
 * for Latin-1, a short list for the rest. */
typedef struct {
    unsigned char latin1[32];
    Py_UCS4 *wide;
    Py_ssize_t n_wide;
} CharSet;

/* A set of short strings (at most 3 characters), compared in place, no slice made. */
typedef struct {
    Py_UCS4 (*chars)[3];
    unsigned char *lens;
    Py_ssize_t n;
} ShortSet;

/* The authors seen, by the characters of their slot: the slot is found without making a
 * string of it, hashing it with SipHash and probing the parser's dict. Filled from that dict
 * only (`_plain_authors` only grows, and a slot's author is a function of the slot), so it
 * answers as the dict does. */
#define AUTHOR_SLOTS 2048  /* a power of two; filled to half at most */
typedef struct {
    Py_hash_t hash;
    PyObject *key, *value;  /* owned; key NULL: empty */
} AuthorSlot;

/* Which (length, first, last character) a placeholder of FIXED_KINDS has: a text that has none
 * of them is no placeholder, so the dict is not asked (and the text not hashed). */
#define FIXED_BITS 8192

typedef struct {
    PyObject_HEAD
    PyObject *authors, *days, *times, *minutes, *valid_seconds, *tails3, *fixed;
    PyObject *settle, *day_of, *parse_time, *time_text, *message_type, *kind_text;
    Py_ssize_t fixed_max;
    int ios;
    int plain_seconds;  /* valid_seconds is exactly "00".."59": tested by comparisons */
    CharSet firsts, tails, head_firsts, line_ends;
    ShortSet heads;
    AuthorSlot *author_slots;
    Py_ssize_t n_author_slots;
    unsigned char fixed_shapes[FIXED_BITS / 8];
} Runner;

static inline Py_hash_t
chars_hash(int kind, const void *data, Py_ssize_t len)
{
    Py_uhash_t h = 2166136261u;  /* FNV-1a over code points: the same for any string kind */
    Py_ssize_t i;
    for (i = 0; i < len; i++)
        h = (h ^ PyUnicode_READ(kind, data, i)) * 16777619u;
    return (Py_hash_t)(h & 0x7fffffff);
}

static inline unsigned
fixed_shape(Py_ssize_t len, Py_UCS4 first, Py_UCS4 last)
{
    return (unsigned)(len * 131 + first * 31 + last * 7) % FIXED_BITS;
}

static int
fixed_shapes_fill(unsigned char *bits, PyObject *fixed)
{
    PyObject *key, *value;
    Py_ssize_t pos = 0;
    memset(bits, 0, FIXED_BITS / 8);
    while (PyDict_Next(fixed, &pos, &key, &value)) {
        Py_ssize_t len;
        unsigned at;
        if (!PyUnicode_Check(key) || (len = PyUnicode_GET_LENGTH(key)) == 0)
            continue;  /* never equal to a non-empty text */
        at = fixed_shape(len, PyUnicode_READ_CHAR(key, 0), PyUnicode_READ_CHAR(key, len - 1));
        bits[at >> 3] |= (unsigned char)(1u << (at & 7));
    }
    return 0;
}

/* Whether `seconds` is the set of "00".."59" and nothing else. */
static int
is_plain_seconds(PyObject *seconds)
{
    char text[3];
    int i, found;
    if (!PyAnySet_Check(seconds) || PySet_GET_SIZE(seconds) != 60)
        return 0;
    for (i = 0; i < 60; i++) {
        PyObject *item;
        text[0] = (char)('0' + i / 10);
        text[1] = (char)('0' + i % 10);
        text[2] = 0;
        item = PyUnicode_FromString(text);
        if (item == NULL)
            return -1;
        found = PySet_Contains(seconds, item);
        Py_DECREF(item);
        if (found != 1)
            return found;
    }
    return 1;
}

static int
charset_fill(CharSet *set, PyObject *items)
{
    PyObject *iter, *item;
    Py_ssize_t cap;
    memset(set, 0, sizeof(*set));
    cap = PyObject_Size(items);
    if (cap < 0)
        return -1;
    set->wide = PyMem_Calloc(cap + 1, sizeof(Py_UCS4));
    if (set->wide == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    iter = PyObject_GetIter(items);
    if (iter == NULL)
        return -1;
    while ((item = PyIter_Next(iter)) != NULL) {
        Py_UCS4 c;
        if (!PyUnicode_Check(item) || PyUnicode_GET_LENGTH(item) != 1) {
            Py_DECREF(item);
            Py_DECREF(iter);
            PyErr_SetString(PyExc_ValueError, "a character set holds one-character strings");
            return -1;
        }
        c = PyUnicode_READ_CHAR(item, 0);
        Py_DECREF(item);
        if (c < 256)
            set->latin1[c >> 3] |= (unsigned char)(1u << (c & 7));
        else
            set->wide[set->n_wide++] = c;
    }
    Py_DECREF(iter);
    return PyErr_Occurred() ? -1 : 0;
}

static inline int
charset_has(const CharSet *set, Py_UCS4 c)
{
    Py_ssize_t i;
    if (c < 256)
        return (set->latin1[c >> 3] >> (c & 7)) & 1;
    for (i = 0; i < set->n_wide; i++)
        if (set->wide[i] == c)
            return 1;
    return 0;
}

static int
shortset_fill(ShortSet *set, PyObject *items)
{
    PyObject *iter, *item;
    Py_ssize_t cap = PyObject_Size(items);
    memset(set, 0, sizeof(*set));
    if (cap < 0)
        return -1;
    set->chars = PyMem_Calloc(cap + 1, sizeof(*set->chars));
    set->lens = PyMem_Calloc(cap + 1, 1);
    if (set->chars == NULL || set->lens == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    iter = PyObject_GetIter(items);
    if (iter == NULL)
        return -1;
    while ((item = PyIter_Next(iter)) != NULL) {
        Py_ssize_t len, i;
        if (!PyUnicode_Check(item) || (len = PyUnicode_GET_LENGTH(item)) > 3) {
            Py_DECREF(item);
            Py_DECREF(iter);
            PyErr_SetString(PyExc_ValueError, "a short set holds strings of 3 characters at most");
            return -1;
        }
        for (i = 0; i < len; i++)
            set->chars[set->n][i] = PyUnicode_READ_CHAR(item, i);
        set->lens[set->n++] = (unsigned char)len;
        Py_DECREF(item);
    }
    Py_DECREF(iter);
    return PyErr_Occurred() ? -1 : 0;
}

/* Whether text[:3] is in the set (as `text[:3] in heads` answers). */
static inline int
shortset_has_head(const ShortSet *set, int kind, const void *data, Py_ssize_t len)
{
    Py_ssize_t want = len < 3 ? len : 3, i, j;
    for (i = 0; i < set->n; i++) {
        if (set->lens[i] != want)
            continue;
        for (j = 0; j < want; j++)
            if (set->chars[i][j] != PyUnicode_READ(kind, data, j))
                break;
        if (j == want)
            return 1;
    }
    return 0;
}

static void
author_slots_clear(Runner *self)
{
    Py_ssize_t i;
    if (self->author_slots == NULL)
        return;
    for (i = 0; i < AUTHOR_SLOTS; i++) {
        Py_CLEAR(self->author_slots[i].key);
        Py_CLEAR(self->author_slots[i].value);
    }
    self->n_author_slots = 0;
}

static void
runner_free_sets(Runner *self)
{
    PyMem_Free(self->firsts.wide);
    PyMem_Free(self->tails.wide);
    PyMem_Free(self->head_firsts.wide);
    PyMem_Free(self->line_ends.wide);
    PyMem_Free(self->heads.chars);
    PyMem_Free(self->heads.lens);
    memset(&self->firsts, 0, sizeof(CharSet));
    memset(&self->tails, 0, sizeof(CharSet));
    memset(&self->head_firsts, 0, sizeof(CharSet));
    memset(&self->line_ends, 0, sizeof(CharSet));
    memset(&self->heads, 0, sizeof(ShortSet));
}

static int
runner_traverse(Runner *self, visitproc visit, void *arg)
{
    Py_VISIT(self->authors);
    Py_VISIT(self->days);
    Py_VISIT(self->times);
    Py_VISIT(self->minutes);
    Py_VISIT(self->valid_seconds);
    Py_VISIT(self->tails3);
    Py_VISIT(self->fixed);
    Py_VISIT(self->settle);
    Py_VISIT(self->day_of);
    Py_VISIT(self->parse_time);
    Py_VISIT(self->time_text);
    Py_VISIT(self->message_type);
    Py_VISIT(self->kind_text);
    if (self->author_slots != NULL) {
        Py_ssize_t i;
        for (i = 0; i < AUTHOR_SLOTS; i++) {
            Py_VISIT(self->author_slots[i].key);
            Py_VISIT(self->author_slots[i].value);
        }
    }
    return 0;
}

static int
runner_clear(Runner *self)
{
    Py_CLEAR(self->authors);
    Py_CLEAR(self->days);
    Py_CLEAR(self->times);
    Py_CLEAR(self->minutes);
    Py_CLEAR(self->valid_seconds);
    Py_CLEAR(self->tails3);
    Py_CLEAR(self->fixed);
    Py_CLEAR(self->settle);
    Py_CLEAR(self->day_of);
    Py_CLEAR(self->parse_time);
    Py_CLEAR(self->time_text);
    Py_CLEAR(self->message_type);
    Py_CLEAR(self->kind_text);
    author_slots_clear(self);
    return 0;
}

static void
runner_dealloc(Runner *self)
{
    PyObject_GC_UnTrack(self);
    runner_clear(self);
    runner_free_sets(self);
    PyMem_Free(self->author_slots);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int
runner_init(Runner *self, PyObject *args, PyObject *kwds)
{
    static char *names[] = {
        "authors", "days", "times", "minutes", "valid_seconds", "firsts", "tails", "tails3",
        "heads", "head_firsts", "line_ends", "fixed", "fixed_max", "ios", "settle", "day_of",
        "parse_time", "time_text", "message_type", "kind_text", NULL};
    PyObject *authors, *days, *times, *minutes, *valid_seconds, *firsts, *tails, *tails3;
    PyObject *heads, *head_firsts, *line_ends, *fixed, *settle, *day_of, *parse_time;
    PyObject *time_text, *message_type, *kind_text;
    Py_ssize_t fixed_max;
    int ios;
    if (!PyArg_ParseTupleAndKeywords(
            args, kwds, "O!O!O!O!OOOOOOOO!npOOOOO!U:Runner", names, &PyDict_Type, &authors,
            &PyDict_Type, &days, &PyDict_Type, &times, &PyDict_Type, &minutes, &valid_seconds,
            &firsts, &tails, &tails3, &heads, &head_firsts, &line_ends, &PyDict_Type, &fixed,
            &fixed_max, &ios, &settle, &day_of, &parse_time, &time_text, &PyType_Type,
            &message_type, &kind_text))
        return -1;
    if (!PyType_IsSubtype((PyTypeObject *)message_type, &PyTuple_Type)) {
        PyErr_SetString(PyExc_TypeError, "message_type must be a tuple type");
        return -1;
    }
    runner_clear(self);
    runner_free_sets(self);
    if (charset_fill(&self->firsts, firsts) < 0 || charset_fill(&self->tails, tails) < 0
        || charset_fill(&self->head_firsts, head_firsts) < 0
        || charset_fill(&self->line_ends, line_ends) < 0 || shortset_fill(&self->heads, heads) < 0)
        return -1;
#define KEEP(field) Py_INCREF(field); self->field = field
    KEEP(authors); KEEP(days); KEEP(times); KEEP(minutes); KEEP(valid_seconds); KEEP(tails3);
    KEEP(fixed); KEEP(settle); KEEP(day_of); KEEP(parse_time); KEEP(time_text);
    KEEP(message_type); KEEP(kind_text);
#undef KEEP
    self->fixed_max = fixed_max;
    self->ios = ios;
    if ((self->plain_seconds = is_plain_seconds(valid_seconds)) < 0)
        return -1;
    fixed_shapes_fill(self->fixed_shapes, fixed);
    if (self->author_slots == NULL) {
        self->author_slots = PyMem_Calloc(AUTHOR_SLOTS, sizeof(AuthorSlot));
        if (self->author_slots == NULL) {
            PyErr_NoMemory();
            return -1;
        }
    }
    return 0;
}

/* Python's `text.index("\n")`, or -1. */
static inline Py_ssize_t
find_line_end(int kind, const void *data, Py_ssize_t start, Py_ssize_t len)
{
    Py_ssize_t i;
    if (kind == PyUnicode_1BYTE_KIND) {
        const char *hit = memchr((const char *)data + start, '\n', len - start);
        return hit == NULL ? -1 : hit - (const char *)data;
    }
    for (i = start; i < len; i++)
        if (PyUnicode_READ(kind, data, i) == '\n')
            return i;
    return -1;
}

static Py_ssize_t
count_line_ends(int kind, const void *data, Py_ssize_t start, Py_ssize_t len)
{
    Py_ssize_t count = 0, at = start;
    while ((at = find_line_end(kind, data, at, len)) >= 0) {
        count++;
        at++;
    }
    return count;
}

/* Python's `text.find(": ")` from `start`, or -1. */
static inline Py_ssize_t
find_colon_space(int kind, const void *data, Py_ssize_t len)
{
    Py_ssize_t i;
    if (kind == PyUnicode_1BYTE_KIND) {
        const char *at = data, *end = at + len;
        while (at < end && (at = memchr(at, ':', end - at)) != NULL) {
            if (at + 1 < end && at[1] == ' ')
                return at - (const char *)data;
            at++;
        }
        return -1;
    }
    for (i = 0; i + 1 < len; i++)
        if (PyUnicode_READ(kind, data, i) == ':' && PyUnicode_READ(kind, data, i + 1) == ' ')
            return i;
    return -1;
}

/* Whether the iOS "document omitted" test could apply: `"•" in text or "\u200e" in text or
 * "\u200f" in text` (none of them fits in a one-byte string). */
static inline int
has_wide_marks(int kind, const void *data, Py_ssize_t start, Py_ssize_t len)
{
    Py_ssize_t i;
    if (kind == PyUnicode_1BYTE_KIND)
        return 0;
    for (i = start; i < len; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c == 0x2022 || c == 0x200e || c == 0x200f)
            return 1;
    }
    return 0;
}

/* Whether a message must go through `_settle` (the pure loop's long test, clause by clause).
 * `complete` is the body, `colon` where its ": " is, `slot` and `text` its two sides. Returns
 * 1 (settle), 0 (plain), -1 (error). */
static int
needs_settling(Runner *self, PyObject *complete, Py_ssize_t colon, PyObject *slot,
               PyObject *text, int multiline)
{
    int kind = PyUnicode_KIND(complete);
    const void *data = PyUnicode_DATA(complete);
    Py_ssize_t len = PyUnicode_GET_LENGTH(complete), start = colon + 2;
    Py_ssize_t text_len = len - start;
    Py_UCS4 c = PyUnicode_READ(kind, data, start);
    if (charset_has(&self->firsts, c) || charset_has(&self->tails, PyUnicode_READ(kind, data, len - 1)))
        return 1;
    if (charset_has(&self->head_firsts, c)) {
        int text_kind = PyUnicode_KIND(text);
        if (shortset_has_head(&self->heads, text_kind, PyUnicode_DATA(text), text_len))
            return 1;
    }
    if (self->ios) {
        if (colon > 0 && c == PyUnicode_READ(kind, data, 0)) {
            Py_ssize_t hit = PyUnicode_Tailmatch(text, slot, 0, PY_SSIZE_T_MAX, -1);
            if (hit < 0)
                return -1;
            if (hit)
                return 1;
        }
        if (has_wide_marks(kind, data, start, len)) {
            PyObject *tail = PyUnicode_Substring(text, text_len > 3 ? text_len - 3 : 0, text_len);
            int found;
            if (tail == NULL)
                return -1;
            found = PySequence_Contains(self->tails3, tail);
            Py_DECREF(tail);
            if (found)
                return found;
        }
    }
    if (multiline) {
        /* text[text.index("\n") - 1], with Python's index -1 for a text that starts with one */
        Py_ssize_t at = find_line_end(kind, data, start, len);
        if (at < 0) {  /* the line end is in the slot, as no author's is */
            PyErr_SetString(PyExc_ValueError, "substring not found");
            return -1;
        }
        at -= start + 1;
        if (at < 0)
            at += text_len;
        if (charset_has(&self->line_ends, PyUnicode_READ(kind, data, start + at)))
            return 1;
    }
    if (text_len <= self->fixed_max) {
        unsigned at = fixed_shape(text_len, c, PyUnicode_READ(kind, data, len - 1));
        if (self->fixed_shapes[at >> 3] & (1u << (at & 7)))
            return PyDict_Contains(self->fixed, text);
    }
    return 0;
}

/* `day + clock + ":" + sec` (all ASCII on this path: one copy, no intermediate strings). */
static PyObject *
join_sent_at(PyObject *day, PyObject *clock, PyObject *sec)
{
    Py_ssize_t a, b, c;
    PyObject *out;
    char *to;
    if (!(PyUnicode_IS_ASCII(day) && PyUnicode_IS_ASCII(clock) && PyUnicode_IS_ASCII(sec)))
        return PyUnicode_FromFormat("%U%U:%U", day, clock, sec);
    a = PyUnicode_GET_LENGTH(day);
    b = PyUnicode_GET_LENGTH(clock);
    c = PyUnicode_GET_LENGTH(sec);
    out = PyUnicode_New(a + b + 1 + c, 127);
    if (out == NULL)
        return NULL;
    to = (char *)PyUnicode_DATA(out);
    memcpy(to, PyUnicode_DATA(day), a);
    memcpy(to + a, PyUnicode_DATA(clock), b);
    to[a + b] = ':';
    memcpy(to + a + b + 1, PyUnicode_DATA(sec), c);
    return out;
}

/* A cache lookup that counts an empty value as missing (Python's `cache.get(key) or ...`);
 * a new reference, or NULL without an error when missing. */
static inline PyObject *
cached(PyObject *cache, PyObject *key)
{
    PyObject *value = PyDict_GetItemWithError(cache, key);
    if (value == NULL)
        return NULL;
    if (PyUnicode_Check(value) && PyUnicode_GET_LENGTH(value) == 0)
        return NULL;
    Py_INCREF(value);
    return value;
}

static PyObject *
call2(PyObject *func, PyObject *a, PyObject *b)
{
    PyObject *args[2] = {a, b};
    return PyObject_Vectorcall(func, args, 2, NULL);
}

static PyObject *
call_line(PyObject *func, PyObject *text, Py_ssize_t line)
{
    PyObject *number = PyLong_FromSsize_t(line), *out;
    if (number == NULL)
        return NULL;
    out = call2(func, text, number);
    Py_DECREF(number);
    return out;
}

/* The state the loop carries from chunk to chunk (the pure loop's locals). */
typedef struct {
    PyObject *held, *held_body, *last_date, *day;  /* owned */
    Py_ssize_t line;
} State;

/* One header that the full rules settle: `_settle(held, held_body, h, d, time, body, line,
 * False)` -> (out, held, held_body). */
static int
settle_one(Runner *self, State *st, PyObject *out, PyObject *h, PyObject *d, PyObject *t,
           PyObject *sec, PyObject *complete)
{
    PyObject *time_full, *number, *result, *args[8];
    if (sec == Py_None) {
        Py_INCREF(t);
        time_full = t;
    } else if ((time_full = call2(self->time_text, t, sec)) == NULL)
        return -1;
    number = PyLong_FromSsize_t(st->line);
    if (number == NULL) {
        Py_DECREF(time_full);
        return -1;
    }
    args[0] = st->held; args[1] = st->held_body; args[2] = h; args[3] = d;
    args[4] = time_full; args[5] = complete; args[6] = number; args[7] = Py_False;
    result = PyObject_Vectorcall(self->settle, args, 8, NULL);
    Py_DECREF(time_full);
    Py_DECREF(number);
    if (result == NULL)
        return -1;
    if (!PyTuple_Check(result) || PyTuple_GET_SIZE(result) != 3) {
        Py_DECREF(result);
        PyErr_SetString(PyExc_TypeError, "_settle returns (out, held, held_body)");
        return -1;
    }
    if (PyTuple_GET_ITEM(result, 0) != Py_None
        && PyList_Append(out, PyTuple_GET_ITEM(result, 0)) < 0) {
        Py_DECREF(result);
        return -1;
    }
    Py_SETREF(st->held, Py_NewRef(PyTuple_GET_ITEM(result, 1)));
    Py_SETREF(st->held_body, Py_NewRef(PyTuple_GET_ITEM(result, 2)));
    Py_DECREF(result);
    return 0;
}

/* sent_at of a plain message (the day from the run of messages before, or read). */
static PyObject *
sent_at_of(Runner *self, State *st, PyObject *d, PyObject *t, PyObject *sec)
{
    PyObject *clock, *joined;
    if (st->last_date != d) {
        int same = PyUnicode_Compare(d, st->last_date);
        if (same == -1 && PyErr_Occurred())
            return NULL;
        if (same != 0) {  /* runs of messages share a day */
            PyObject *day = cached(self->days, d);
            if (day == NULL) {
                if (PyErr_Occurred() || (day = call_line(self->day_of, d, st->line)) == NULL)
                    return NULL;
            }
            Py_SETREF(st->day, day);
        }
        Py_SETREF(st->last_date, Py_NewRef(d));
    }
    if (sec == Py_None) {  /* a time without seconds */
        clock = cached(self->times, t);
        if (clock == NULL && (PyErr_Occurred() || (clock = call_line(self->parse_time, t, st->line)) == NULL))
            return NULL;
        joined = PyUnicode_Concat(st->day, clock);
        Py_DECREF(clock);
        return joined;
    }
    {
        int valid;
        PyObject *full;
        if (self->plain_seconds) {
            valid = 0;
            if (PyUnicode_GET_LENGTH(sec) == 2) {
                Py_UCS4 tens = PyUnicode_READ_CHAR(sec, 0), ones = PyUnicode_READ_CHAR(sec, 1);
                valid = tens >= '0' && tens <= '5' && ones >= '0' && ones <= '9';
            }
        } else
            valid = PySequence_Contains(self->valid_seconds, sec);
        if (valid < 0)
            return NULL;
        if (valid) {
            clock = PyDict_GetItemWithError(self->minutes, t);
            if (clock != NULL)
                return join_sent_at(st->day, clock, sec);
            if (PyErr_Occurred())
                return NULL;
        }
        if ((full = call2(self->time_text, t, sec)) == NULL)
            return NULL;
        clock = call_line(self->parse_time, full, st->line);
        Py_DECREF(full);
        if (clock == NULL)
            return NULL;
        joined = PyUnicode_Concat(st->day, clock);
        Py_DECREF(clock);
        return joined;
    }
}

/* Message(sent_at, author, text, "text", None, False, line), made as `tuple.__new__` makes it. */
static PyObject *
new_message(Runner *self, PyObject *sent_at, PyObject *author, PyObject *text, Py_ssize_t line)
{
    PyTypeObject *type = (PyTypeObject *)self->message_type;
    PyObject *number = PyLong_FromSsize_t(line), *message;
    if (number == NULL)
        return NULL;
    message = type->tp_alloc(type, 7);
    if (message == NULL) {
        Py_DECREF(number);
        return NULL;
    }
    PyTuple_SET_ITEM(message, 0, Py_NewRef(sent_at));
    PyTuple_SET_ITEM(message, 1, Py_NewRef(author));
    PyTuple_SET_ITEM(message, 2, Py_NewRef(text));
    PyTuple_SET_ITEM(message, 3, Py_NewRef(self->kind_text));
    PyTuple_SET_ITEM(message, 4, Py_NewRef(Py_None));
    PyTuple_SET_ITEM(message, 5, Py_NewRef(Py_False));
    PyTuple_SET_ITEM(message, 6, number);
    return message;
}

static inline int
same_chars(PyObject *key, int kind, const void *data, Py_ssize_t len)
{
    int key_kind = PyUnicode_KIND(key);
    const void *key_data = PyUnicode_DATA(key);
    Py_ssize_t i;
    if (key_kind == kind)
        return memcmp(key_data, data, (size_t)len * kind) == 0;
    for (i = 0; i < len; i++)
        if (PyUnicode_READ(key_kind, key_data, i) != PyUnicode_READ(kind, data, i))
            return 0;
    return 1;
}

/* `authors.get(complete[:colon])`: a borrowed author or NULL (with an error set on failure);
 * `*slot` gets the slot as a string (a new reference) unless there was an error. */
static PyObject *
author_of(Runner *self, PyObject *complete, Py_ssize_t colon, PyObject **slot)
{
    int kind = PyUnicode_KIND(complete);
    const void *data = PyUnicode_DATA(complete);
    Py_hash_t hash = chars_hash(kind, data, colon);
    size_t mask = AUTHOR_SLOTS - 1, at = (size_t)hash & mask;
    AuthorSlot *entry;
    PyObject *author;
    for (entry = &self->author_slots[at]; entry->key != NULL;
         at = (at + 1) & mask, entry = &self->author_slots[at]) {
        if (entry->hash == hash && PyUnicode_GET_LENGTH(entry->key) == colon
            && same_chars(entry->key, kind, data, colon)) {
            *slot = Py_NewRef(entry->key);
            return entry->value;
        }
    }
    if ((*slot = PyUnicode_Substring(complete, 0, colon)) == NULL)
        return NULL;
    author = PyDict_GetItemWithError(self->authors, *slot);
    if (author == NULL) {
        if (PyErr_Occurred())
            Py_CLEAR(*slot);
        return NULL;
    }
    if (self->n_author_slots < AUTHOR_SLOTS / 2) {  /* beyond that, the dict answers */
        entry->hash = hash;
        entry->key = Py_NewRef(*slot);
        entry->value = Py_NewRef(author);
        self->n_author_slots++;
    }
    return author;
}

/* One message of the chunk: settled by the full rules, or made here. */
static int
step(Runner *self, State *st, PyObject *out, PyObject *h, PyObject *d, PyObject *t,
     PyObject *sec, PyObject *complete)
{
    PyObject *slot = NULL, *text = NULL, *author, *sent_at, *message;
    Py_ssize_t len, colon;
    int kind, multiline, settle;
    const void *data;
    if (!PyUnicode_Check(complete) || !PyUnicode_Check(d) || !PyUnicode_Check(t)
        || (sec != Py_None && !PyUnicode_Check(sec))) {
        PyErr_SetString(PyExc_TypeError, "the split parts of a chunk must be strings");
        return -1;
    }
    kind = PyUnicode_KIND(complete);
    data = PyUnicode_DATA(complete);
    len = PyUnicode_GET_LENGTH(complete);
    multiline = find_line_end(kind, data, 0, len) >= 0;
    colon = find_colon_space(kind, data, len);
    author = NULL;
    settle = 1;  /* no ": ", an empty text, an unknown author: the full rules */
    if (colon >= 0 && colon + 2 < len) {
        author = author_of(self, complete, colon, &slot);
        if (author == NULL && PyErr_Occurred())
            goto fail;
        if (author != NULL) {
            int truth = PyObject_IsTrue(author);
            if (truth < 0)
                goto fail;
            if (truth) {
                text = PyUnicode_Substring(complete, colon + 2, len);
                if (text == NULL)
                    goto fail;
                settle = needs_settling(self, complete, colon, slot, text, multiline);
                if (settle < 0)
                    goto fail;
            }
        }
    }
    if (settle) {
        Py_XDECREF(slot);
        Py_XDECREF(text);
        if (settle_one(self, st, out, h, d, t, sec, complete) < 0)
            return -1;
    } else {
        Py_INCREF(author);  /* the authors dict may change in a callback */
        sent_at = sent_at_of(self, st, d, t, sec);
        if (sent_at == NULL) {
            Py_DECREF(author);
            goto fail;
        }
        message = new_message(self, sent_at, author, text, st->line);
        Py_DECREF(sent_at);
        Py_DECREF(author);
        Py_DECREF(slot);
        Py_DECREF(text);
        if (message == NULL)
            return -1;
        if (st->held != Py_None && PyList_Append(out, st->held) < 0) {
            Py_DECREF(message);
            return -1;
        }
        Py_SETREF(st->held, message);
        Py_SETREF(st->held_body, Py_NewRef(complete));
    }
    st->line += multiline ? count_line_ends(kind, data, 0, len) + 1 : 1;
    return 0;
fail:
    Py_XDECREF(slot);
    Py_XDECREF(text);
    return -1;
}

static PyObject *
runner_run(Runner *self, PyObject *args)
{
    PyObject *out, *heads, *dates, *times, *seconds, *bodies, *held, *held_body, *last_date, *day;
    Py_ssize_t line, n, i;
    State st;
    PyObject *result;
    if (!PyArg_ParseTuple(args, "O!O!O!O!OO!OOnUU:run", &PyList_Type, &out, &PyList_Type, &heads,
                          &PyList_Type, &dates, &PyList_Type, &times, &seconds, &PyList_Type,
                          &bodies, &held, &held_body, &line, &last_date, &day))
        return NULL;
    if (seconds != Py_None && !PyList_Check(seconds)) {
        PyErr_SetString(PyExc_TypeError, "seconds must be a list or None");
        return NULL;
    }
    /* zip(..., strict=False): as many as the shortest list */
    n = PyList_GET_SIZE(bodies);
    if (PyList_GET_SIZE(heads) < n) n = PyList_GET_SIZE(heads);
    if (PyList_GET_SIZE(dates) < n) n = PyList_GET_SIZE(dates);
    if (PyList_GET_SIZE(times) < n) n = PyList_GET_SIZE(times);
    if (seconds != Py_None && PyList_GET_SIZE(seconds) < n) n = PyList_GET_SIZE(seconds);
    st.held = Py_NewRef(held);
    st.held_body = Py_NewRef(held_body);
    st.last_date = Py_NewRef(last_date);
    st.day = Py_NewRef(day);
    st.line = line;
    for (i = 0; i < n; i++) {
        /* (a callback may change the lists: hold the items) */
        PyObject *h = Py_NewRef(PyList_GET_ITEM(heads, i));
        PyObject *d = Py_NewRef(PyList_GET_ITEM(dates, i));
        PyObject *t = Py_NewRef(PyList_GET_ITEM(times, i));
        PyObject *sec = Py_NewRef(seconds == Py_None ? Py_None : PyList_GET_ITEM(seconds, i));
        PyObject *body = Py_NewRef(PyList_GET_ITEM(bodies, i));
        int failed = step(self, &st, out, h, d, t, sec, body) < 0;
        Py_DECREF(h); Py_DECREF(d); Py_DECREF(t); Py_DECREF(sec); Py_DECREF(body);
        if (failed) {
            result = NULL;
            goto done;
        }
        if (i + 1 < n) {  /* a callback may have shortened them */
            Py_ssize_t left = PyList_GET_SIZE(bodies);
            if (PyList_GET_SIZE(heads) < left) left = PyList_GET_SIZE(heads);
            if (PyList_GET_SIZE(dates) < left) left = PyList_GET_SIZE(dates);
            if (PyList_GET_SIZE(times) < left) left = PyList_GET_SIZE(times);
            if (seconds != Py_None && PyList_GET_SIZE(seconds) < left) left = PyList_GET_SIZE(seconds);
            if (left < n) n = left;
        }
    }
    result = Py_BuildValue("(OOnOO)", st.held, st.held_body, st.line, st.last_date, st.day);
done:
    Py_DECREF(st.held);
    Py_DECREF(st.held_body);
    Py_DECREF(st.last_date);
    Py_DECREF(st.day);
    return result;
}

static PyMethodDef runner_methods[] = {
    {"run", (PyCFunction)runner_run, METH_VARARGS,
     "run(out, heads, dates, times, seconds, bodies, held, held_body, line, last_date, day)\n"
     "-> (held, held_body, line, last_date, day): one chunk's messages appended to out."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject RunnerType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "toolkit.ingest._fastloop.Runner",
    .tp_basicsize = sizeof(Runner),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .tp_doc = "The parser's inner loop over one chunk's split parts (see whatsapp.PlainRunner).",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)runner_init,
    .tp_dealloc = (destructor)runner_dealloc,
    .tp_traverse = (traverseproc)runner_traverse,
    .tp_clear = (inquiry)runner_clear,
    .tp_methods = runner_methods,
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_fastloop",
    "The compiled inner loop of toolkit.ingest.whatsapp (optional: the pure-Python loop is the same).",
    -1, NULL,
};

PyMODINIT_FUNC
PyInit__fastloop(void)
{
    PyObject *m;
    if (PyType_Ready(&RunnerType) < 0)
        return NULL;
    m = PyModule_Create(&module);
    if (m == NULL)
        return NULL;
    if (PyModule_AddObjectRef(m, "Runner", (PyObject *)&RunnerType) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
