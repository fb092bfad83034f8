/* The hot part of toolkit.ingest.whatsapp, compiled: a few calls per chunk of an export.
 *
 * `Runner.split` cuts a chunk into the parts the parser's lean split pattern gives (header,
 * date, time, seconds, body, ...) by matching the export's header shape at each line start;
 * `Runner.missed` searches the bodies for a header only the full pattern finds.
 *
 * `Runner.run` walks one chunk's parts as the pure-Python loop (`whatsapp.PlainRunner.run`)
 * does, with the same state in and out: a plain text message from an author the chat knows is
 * made here; every other header goes to the parser's own `_settle` (which keeps every rule),
 * and a date or time not yet in the parser's caches is read by the parser's own `_day` /
 * `_parse_time` (which raise its errors). The messages to hand on are appended to `out`, in
 * order, as the pure loop appends them.
 *
 * Why C: `re`'s split and the per-message bytecode of that loop (a partition, a dict lookup, a
 * dozen tests, a string and a tuple) were nearly all of the parse's time (docs/benchmarks.md).
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

/* A header shape (whatsapp.HeaderShape): what `Runner.split` matches in place of the split
 * pattern, `"\n(?P<h>" + shape._source(lean=..., split=True) + ")"`. Each part of that
 * pattern is deterministic (a run of digits is followed by a non-digit, an optional part by
 * something it cannot start), so matching it left to right without backtracking finds what
 * `re` finds. */
typedef struct {
    int bracket, date_trail, seconds;
    int period;  /* 0: none, 1: before the time, 2: after it */
    int full;  /* the full pattern: marks inside the date and before the bracket, any digits */
    Py_UCS4 date_sep, time_sep;
    Py_UCS4 sep[8], end[8];
    Py_ssize_t sep_len, end_len;
} Shape;

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
    /* splitting a chunk: `split` (the parser's pattern), or the header shape matched here */
    PyObject *split, *recheck;
    Shape shape;
    int own_split;
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

/* -------------------------------------------------------------------- the header shape */

static inline Py_ssize_t find_line_end(int kind, const void *data, Py_ssize_t start, Py_ssize_t len);


/* The pattern pieces this file was written for (whatsapp.MARK, SPACE and PERIOD): the parser
 * uses `Runner.split` only while its own are these. */
/* (whatsapp.py's strings, character for character, in UTF-8 as octal escapes; PERIOD is a raw
 * string there, so its backslashes are in it) */
#define MARK_SOURCE "[\342\200\216\342\200\217\342\200\252-\342\200\256\342\201\246-\342\201\251]"
#define SPACE_SOURCE "[ \302\240\342\200\257]"
#define PERIOD_SOURCE \
    "(?:[AaPp]\\.?[ \\u00a0\\u202f]?[Mm]\\.?|vorm" \
    "\\.|nachm\\.|\330\265|\331\205|\354\230\244\354\240\204|\354\230\244\355\233\204|\344\270\212\345\215\210|\344\270\213\345\215\210|\345\215\210\345\211\215|\345\215\210\345\276\214|[\317\200\316\274]\\.?" \
    "[ \\u00a0\\u202f]?\316\274\\.?)"

static inline int
is_mark(Py_UCS4 c)
{
    return c == 0x200e || c == 0x200f || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

static inline int
is_space(Py_UCS4 c)  /* SPACE, and the optional space inside and after PERIOD */
{
    return c == ' ' || c == 0xa0 || c == 0x202f;
}

/* The character at `at`, or 0 past the end (a NUL is in no header). */
static inline Py_UCS4
char_at(int kind, const void *data, Py_ssize_t len, Py_ssize_t at)
{
    return at < len ? PyUnicode_READ(kind, data, at) : 0;
}

#define AT(i) char_at(kind, data, len, (i))  /* (a function: `i` is evaluated once) */

/* A run of digits at `at` of `least` to `most` digits, followed by no digit (what
 * `[0-9]{least,most}` matches when a non-digit must follow; `\d`, any decimal digit, in the
 * full pattern): its end, or -1. */
static inline Py_ssize_t
digits_at(int kind, const void *data, Py_ssize_t len, Py_ssize_t at, int least, int most,
          int any)
{
    Py_ssize_t end = at;
    while (end < len && end - at <= most) {
        Py_UCS4 c = PyUnicode_READ(kind, data, end);
        if (!(c >= '0' && c <= '9') && !(any && c > 127 && Py_UNICODE_ISDECIMAL(c)))
            break;
        end++;
    }
    return (end - at >= least && end - at <= most) ? end : -1;
}

static inline Py_ssize_t
literal_at(int kind, const void *data, Py_ssize_t len, Py_ssize_t at, const Py_UCS4 *text,
           Py_ssize_t n)
{
    Py_ssize_t i;
    if (at + n > len)
        return -1;
    for (i = 0; i < n; i++)
        if (PyUnicode_READ(kind, data, at + i) != text[i])
            return -1;
    return at + n;
}

/* `[xy]\.?[ \u00a0\u202f]?z\.?` (AM/PM, and the Greek π.μ./μ.μ.) at `at`: its end, or -1. */
static inline Py_ssize_t
dotted_pair_at(int kind, const void *data, Py_ssize_t len, Py_ssize_t at, Py_UCS4 z1, Py_UCS4 z2)
{
    at++;
    if (AT(at) == '.')
        at++;
    if (is_space(AT(at)) && (AT(at + 1) == z1 || AT(at + 1) == z2))
        at++;
    if (AT(at) != z1 && AT(at) != z2)
        return -1;
    at++;
    return AT(at) == '.' ? at + 1 : at;
}

/* PERIOD at `at`: its end, or -1 (no two alternatives match at one place). */
static Py_ssize_t
period_at(int kind, const void *data, Py_ssize_t len, Py_ssize_t at)
{
    static const Py_UCS4 vorm[] = {'v', 'o', 'r', 'm', '.'}, nachm[] = {'n', 'a', 'c', 'h', 'm', '.'};
    Py_UCS4 c = AT(at), next = AT(at + 1);
    switch (c) {
    case 'A': case 'a': case 'P': case 'p':
        return dotted_pair_at(kind, data, len, at, 'M', 'm');
    case 0x03c0: case 0x03bc:  /* π μ */
        return dotted_pair_at(kind, data, len, at, 0x03bc, 0x03bc);
    case 'v':
        return literal_at(kind, data, len, at, vorm, 5);
    case 'n':
        return literal_at(kind, data, len, at, nachm, 6);
    case 0x0635: case 0x0645:  /* ص م */
        return at + 1;
    case 0xc624:  /* 오전 오후 */
        return next == 0xc804 || next == 0xd6c4 ? at + 2 : -1;
    case 0x4e0a: case 0x4e0b:  /* 上午 下午 */
        return next == 0x5348 ? at + 2 : -1;
    case 0x5348:  /* 午前 午後 */
        return next == 0x524d || next == 0x5f8c ? at + 2 : -1;
    default:
        return -1;
    }
}

/* Past the direction marks at `at` (MARK*), where `allowed`. */
static inline Py_ssize_t
skip_marks(int kind, const void *data, Py_ssize_t len, Py_ssize_t at, int allowed)
{
    while (allowed && at < len && is_mark(PyUnicode_READ(kind, data, at)))
        at++;
    return at;
}

/* The next field of a header's date after the field ending at `q`: its separator (marks
   around it where the full pattern allows them, a space after it) and 1 to `most` digits.
   Where it ends, or -1. */
static Py_ssize_t
date_field_at(const Shape *shape, int kind, const void *data, Py_ssize_t len, Py_ssize_t q,
              int most)
{
    q = skip_marks(kind, data, len, q, shape->full);
    if (AT(q++) != shape->date_sep)
        return -1;
    q = skip_marks(kind, data, len, q, shape->full);
    if (AT(q) == ' ')
        q++;
    return digits_at(kind, data, len, q, 1, most, shape->full);
}

/* Where the groups of one header are (h starts right after the line end). */
typedef struct {
    Py_ssize_t d0, d1, t0, t1, s0, s1, tail0, tail1, end;
} Header;

/* The header of `shape` at `at` (just after a line end): 1 with its groups, or 0. */
static int
header_at(const Shape *shape, int kind, const void *data, Py_ssize_t len, Py_ssize_t at,
          Header *found)
{
    Py_ssize_t q = skip_marks(kind, data, len, at, 1);  /* MARK* */
    int full = shape->full;  /* (the full pattern allows marks where `full` is passed below) */
    if (shape->bracket && AT(q++) != '[')
        return 0;
    q = skip_marks(kind, data, len, q, full);
    found->d0 = q;
    if ((q = digits_at(kind, data, len, q, 1, 4, full)) < 0)
        return 0;
    if ((q = date_field_at(shape, kind, data, len, q, 2)) < 0
        || (q = date_field_at(shape, kind, data, len, q, 4)) < 0)
        return 0;
    if (shape->date_trail && AT(q++) != '.')
        return 0;
    found->d1 = q;
    q = skip_marks(kind, data, len, q, full);
    if ((q = literal_at(kind, data, len, q, shape->sep, shape->sep_len)) < 0)
        return 0;
    found->t0 = q;
    if (shape->period == 1) {
        if ((q = period_at(kind, data, len, q)) < 0)
            return 0;
        if (is_space(AT(q)))
            q++;
    }
    if ((q = digits_at(kind, data, len, q, 1, 2, shape->full)) < 0 || AT(q++) != shape->time_sep
        || (q = digits_at(kind, data, len, q, 2, 2, shape->full)) < 0)
        return 0;
    found->t1 = q;  /* (with seconds: the hour and minute, group hm) */
    if (shape->seconds) {
        if (AT(q++) != shape->time_sep)
            return 0;
        found->s0 = q;
        if ((q = digits_at(kind, data, len, q, 2, 2, shape->full)) < 0)
            return 0;
        found->s1 = q;
    }
    found->tail0 = q;
    if (shape->period == 2) {
        if (is_space(AT(q)))
            q++;
        if ((q = period_at(kind, data, len, q)) < 0)
            return 0;
    }
    found->tail1 = q;
    if (!shape->seconds)
        found->t1 = q;  /* the day period after the time is part of group t */
    q = skip_marks(kind, data, len, q, full);
    if (shape->bracket && AT(q++) != ']')
        return 0;
    if ((q = literal_at(kind, data, len, q, shape->end, shape->end_len)) < 0)
        return 0;
    found->end = q;
    return 1;
}

static int
append_slice(PyObject *parts, PyObject *text, Py_ssize_t start, Py_ssize_t end)
{
    PyObject *piece = PyUnicode_Substring(text, start, end);
    int failed;
    if (piece == NULL)
        return -1;
    failed = PyList_Append(parts, piece);
    Py_DECREF(piece);
    return failed;
}

/* "00".."99": the seconds of a header, made once (the split makes one string per header). */
static PyObject *two_digits[100];

/* A part the lean pattern makes of ASCII characters only (a date, a time without a day period):
 * made without looking for its widest character, and the one made before used again when it
 * is the same (runs of messages share a date). */
static int
append_ascii(PyObject *parts, int kind, const void *data, Py_ssize_t start, Py_ssize_t end,
             PyObject **last)
{
    Py_ssize_t n = end - start, i;
    PyObject *piece;
    Py_UCS1 *to;
    if (*last != NULL && PyUnicode_GET_LENGTH(*last) == n) {
        const Py_UCS1 *was = PyUnicode_1BYTE_DATA(*last);
        for (i = 0; i < n && was[i] == PyUnicode_READ(kind, data, start + i); i++)
            ;
        if (i == n)
            return PyList_Append(parts, *last);
    }
    if ((piece = PyUnicode_New(n, 127)) == NULL)
        return -1;
    to = PyUnicode_1BYTE_DATA(piece);
    for (i = 0; i < n; i++)
        to[i] = (Py_UCS1)PyUnicode_READ(kind, data, start + i);
    Py_XSETREF(*last, piece);
    return PyList_Append(parts, piece);
}

static int
append_seconds(PyObject *parts, int kind, const void *data, Py_ssize_t at)
{
    Py_UCS4 tens = PyUnicode_READ(kind, data, at), ones = PyUnicode_READ(kind, data, at + 1);
    return PyList_Append(parts, two_digits[(tens - '0') * 10 + (ones - '0')]);
}

/* `lean.split(chunk)`: [text before the first header, h, d, t, body, h, d, t, body, ...], with
 * hm, s (and tail) in place of t where times have seconds. */
static PyObject *
shape_split(const Shape *shape, PyObject *chunk)
{
    int kind = PyUnicode_KIND(chunk);
    const void *data = PyUnicode_DATA(chunk);
    Py_ssize_t len = PyUnicode_GET_LENGTH(chunk), from = 0, at = 0;
    PyObject *parts = PyList_New(0), *last_date = NULL, *last_time = NULL;
    Header found = {0};
    int failed = 0;
    if (parts == NULL)
        return NULL;
    while ((at = find_line_end(kind, data, at, len)) >= 0) {
        if (!header_at(shape, kind, data, len, at + 1, &found)) {
            at++;
            continue;
        }
        if (append_slice(parts, chunk, from, at) < 0
            || append_slice(parts, chunk, at + 1, found.end) < 0
            || (shape->full ? append_slice(parts, chunk, found.d0, found.d1)
                : append_ascii(parts, kind, data, found.d0, found.d1, &last_date)) < 0
            || (shape->period == 0 && !shape->full
                ? append_ascii(parts, kind, data, found.t0, found.t1, &last_time)
                : append_slice(parts, chunk, found.t0, found.t1)) < 0
            || (shape->seconds && (shape->full ? append_slice(parts, chunk, found.s0, found.s1)
                                   : append_seconds(parts, kind, data, found.s0)) < 0)
            || (shape->seconds && shape->period == 2
                && append_slice(parts, chunk, found.tail0, found.tail1) < 0)) {
            failed = 1;
            break;
        }
        from = at = found.end;  /* a header holds no line end */
    }
    Py_XDECREF(last_date);
    Py_XDECREF(last_time);
    if (failed || append_slice(parts, chunk, from, len) < 0) {
        Py_DECREF(parts);
        return NULL;
    }
    return parts;
}

static int
chars_of(PyObject *text, Py_UCS4 *to, Py_ssize_t room, Py_ssize_t *n)
{
    Py_ssize_t i;
    if (!PyUnicode_Check(text) || (*n = PyUnicode_GET_LENGTH(text)) > room)
        return 0;
    for (i = 0; i < *n; i++)
        to[i] = PyUnicode_READ_CHAR(text, i);
    return 1;
}

static int
one_char(PyObject *text, Py_UCS4 *to)
{
    Py_ssize_t n;
    return chars_of(text, to, 1, &n) && n == 1;
}

/* The shape's fields: 1 when it is one `header_at` matches, 0 when not (then the parser's own
 * pattern splits), -1 on error. */
static int
shape_fill(Shape *shape, PyObject *source, int full)
{
    PyObject *bracket, *date_sep, *date_trail, *sep, *time_sep, *seconds, *period, *end;
    int usable = 0;
    memset(shape, 0, sizeof(*shape));
    if (source == Py_None)
        return 0;
    bracket = PyObject_GetAttrString(source, "bracket");
    date_sep = PyObject_GetAttrString(source, "date_sep");
    date_trail = PyObject_GetAttrString(source, "date_trail");
    sep = PyObject_GetAttrString(source, "sep");
    time_sep = PyObject_GetAttrString(source, "time_sep");
    seconds = PyObject_GetAttrString(source, "seconds");
    period = PyObject_GetAttrString(source, "period");
    end = PyObject_GetAttrString(source, "end");
    if (bracket && date_sep && date_trail && sep && time_sep && seconds && period && end) {
        shape->bracket = PyObject_IsTrue(bracket) == 1;
        shape->date_trail = PyObject_IsTrue(date_trail) == 1;
        shape->seconds = PyObject_IsTrue(seconds) == 1;
        shape->full = full;
        shape->period = period == Py_None ? 0
                        : PyUnicode_Check(period) && PyUnicode_CompareWithASCIIString(period, "before") == 0 ? 1
                        : PyUnicode_Check(period) && PyUnicode_CompareWithASCIIString(period, "after") == 0 ? 2
                        : -1;
        usable = shape->period >= 0 && one_char(date_sep, &shape->date_sep)
                 && one_char(time_sep, &shape->time_sep)
                 && chars_of(sep, shape->sep, 8, &shape->sep_len)
                 && chars_of(end, shape->end, 8, &shape->end_len)
                 /* a separator that could be a digit or a mark would make the runs ambiguous */
                 && !Py_UNICODE_ISDECIMAL(shape->date_sep) && !Py_UNICODE_ISDECIMAL(shape->time_sep)
                 && !is_mark(shape->date_sep) && !is_mark(shape->time_sep)
                 /* (a date, and a time without a day period, are then ASCII) */
                 && shape->date_sep < 128 && shape->time_sep < 128
                 && shape->sep_len > 0 && shape->end_len > 0;
    }
    Py_XDECREF(bracket); Py_XDECREF(date_sep); Py_XDECREF(date_trail); Py_XDECREF(sep);
    Py_XDECREF(time_sep); Py_XDECREF(seconds); Py_XDECREF(period); Py_XDECREF(end);
    if (PyErr_Occurred())
        return -1;
    return usable;
}

#undef AT

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
    Py_VISIT(self->split);
    Py_VISIT(self->recheck);
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
    Py_CLEAR(self->split);
    Py_CLEAR(self->recheck);
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
        "parse_time", "time_text", "message_type", "kind_text", "split", "recheck", "shape", "full",
        NULL};
    PyObject *authors, *days, *times, *minutes, *valid_seconds, *firsts, *tails, *tails3;
    PyObject *heads, *head_firsts, *line_ends, *fixed, *settle, *day_of, *parse_time;
    PyObject *time_text, *message_type, *kind_text, *split, *recheck, *shape;
    Py_ssize_t fixed_max;
    int ios, full = 0;
    if (!PyArg_ParseTupleAndKeywords(
            args, kwds, "O!O!O!O!OOOOOOOO!npOOOOO!UOOO|p:Runner", names, &PyDict_Type, &authors,
            &PyDict_Type, &days, &PyDict_Type, &times, &PyDict_Type, &minutes, &valid_seconds,
            &firsts, &tails, &tails3, &heads, &head_firsts, &line_ends, &PyDict_Type, &fixed,
            &fixed_max, &ios, &settle, &day_of, &parse_time, &time_text, &PyType_Type,
            &message_type, &kind_text, &split, &recheck, &shape, &full))
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
    KEEP(message_type); KEEP(kind_text); KEEP(split); KEEP(recheck);
#undef KEEP
    if ((self->own_split = shape_fill(&self->shape, shape, full)) < 0)
        return -1;
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

static PyObject *
runner_split(Runner *self, PyObject *chunk)
{
    if (!self->own_split || !PyUnicode_Check(chunk))
        return PyObject_CallOneArg(self->split, chunk);
    return shape_split(&self->shape, chunk);
}

/* Whether `recheck` (the full split pattern's search) finds a header the split missed in
 * parts[::stride] (the bodies, and the text before the first header). It is what
 * `recheck("\x00".join(...))` answers: a match starts at a line end and holds no NUL, and no
 * part holds a NUL, so it lies inside one part that has a line end; only those are searched. */
static PyObject *
runner_missed(Runner *self, PyObject *args)
{
    PyObject *parts;
    Py_ssize_t stride, i;
    if (!PyArg_ParseTuple(args, "O!n:missed", &PyList_Type, &parts, &stride))
        return NULL;
    if (self->recheck == Py_None)
        Py_RETURN_FALSE;
    if (stride < 1) {
        PyErr_SetString(PyExc_ValueError, "stride must be positive");
        return NULL;
    }
    for (i = 0; i < PyList_GET_SIZE(parts); i += stride) {
        PyObject *part = PyList_GET_ITEM(parts, i), *hit;
        int truth;
        if (!PyUnicode_Check(part)) {
            PyErr_SetString(PyExc_TypeError, "the split parts of a chunk must be strings");
            return NULL;
        }
        if (find_line_end(PyUnicode_KIND(part), PyUnicode_DATA(part), 0,
                          PyUnicode_GET_LENGTH(part)) < 0)
            continue;
        Py_INCREF(part);
        hit = PyObject_CallOneArg(self->recheck, part);
        Py_DECREF(part);
        if (hit == NULL)
            return NULL;
        truth = PyObject_IsTrue(hit);
        Py_DECREF(hit);
        if (truth < 0)
            return NULL;
        if (truth)
            Py_RETURN_TRUE;
    }
    Py_RETURN_FALSE;
}

static PyObject *
runner_splits_here(Runner *self, void *closure)
{
    return PyBool_FromLong(self->own_split);
}

static PyGetSetDef runner_getset[] = {
    {"splits_here", (getter)runner_splits_here, NULL,
     "Whether `split` matches the header shape here rather than calling the pattern.", NULL},
    {NULL},
};

static PyMethodDef runner_methods[] = {
    {"split", (PyCFunction)runner_split, METH_O,
     "split(chunk) -> the parts, as the parser's lean split pattern gives them."},
    {"missed", (PyCFunction)runner_missed, METH_VARARGS,
     "missed(parts, stride) -> whether the full pattern finds a header in parts[::stride]."},
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
    .tp_getset = runner_getset,
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
    int i;
    if (PyType_Ready(&RunnerType) < 0)
        return NULL;
    for (i = 0; i < 100; i++) {
        char text[3] = {(char)('0' + i / 10), (char)('0' + i % 10), 0};
        if (two_digits[i] == NULL && (two_digits[i] = PyUnicode_InternFromString(text)) == NULL)
            return NULL;
    }
    m = PyModule_Create(&module);
    if (m == NULL)
        return NULL;
    if (PyModule_AddObjectRef(m, "Runner", (PyObject *)&RunnerType) < 0
        || PyModule_AddStringConstant(m, "MARK", MARK_SOURCE) < 0
        || PyModule_AddStringConstant(m, "SPACE", SPACE_SOURCE) < 0
        || PyModule_AddStringConstant(m, "PERIOD", PERIOD_SOURCE) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
