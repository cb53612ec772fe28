/* The screen's scanner (tokens.scanner) in C: the same stops, found five times faster.
 *
 * next_stop(text, pos, most, skip_raw, stopped) reads ``text`` from ``pos`` as
 * ``tokens.scanner(most, foreign=not skip_raw).finditer(text, pos)`` does and returns the
 * first stop group it finds, with its attribute count; one difference: plain formatting
 * and option start tags, where the regex stops, are counted here and passed (screen.py
 * adds them up as it would have one by one). content_skip does what
 * ``tokens.content_scanner`` does, simple_foreign_end what screen._simple_foreign_end does
 * (where an svg icon ends: in Python, a fifth of the screen's time over the Zyte pages).
 * tokens.py explains the grammar; this file follows it step by step, and
 * tests/test_prescan_stops.py compares the two on the project's pages and on random
 * markup (on the 2 190 pages of the evaluation corpora they agreed everywhere).
 *
 * Why C: re pays tens of instructions per character class and per group iteration, and
 * its scan was an eighth of the pipeline's time on a median page (about half of what the
 * parse it guards takes). Nothing here allocates but the result or keeps state between
 * calls; every read is bounded by the text's length.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* ASCII classes of tokens.py: _WS, _NAME_REST, the plain attribute names and values. */
#define IS_WS(c) ((c) == ' ' || (c) == '\t' || (c) == '\n' || (c) == '\f' || (c) == '\r')
#define IS_ALPHA(c) (((c) | 0x20) >= 'a' && ((c) | 0x20) <= 'z')
#define IS_DIGIT(c) ((c) >= '0' && (c) <= '9')
#define IS_NAME(c) (IS_ALPHA(c) || IS_DIGIT(c) || (c) == '-')
#define IS_ATTR_NAME(c) (IS_NAME(c) || (c) == '_' || (c) == ':' || (c) == '.' || (c) == '@')
#define IS_UNQUOTED(c) (!IS_WS(c) && (c) != '>' && (c) != '"' && (c) != '\'' && \
                        (c) != '=' && (c) != '<' && (c) != '`')
#define LOWER(c) ((c) | 0x20) /* for ASCII letters only */
/* Every helper is inlined into one scan per string kind (1, 2 or 4 bytes a character), so
 * that PyUnicode_READ's switch on the kind folds away. */
#define INLINE static inline __attribute__((always_inline))

/* The stopped-prefix table: one byte per (first, second, third) character of a start tag's
 * name, 0 for none (the name is shorter), 1-26 for a letter, 27 for any other. */
#define SLOTS 28

typedef struct {
    int kind;
    const void *data;
    Py_ssize_t n;
    Py_ssize_t most;
    int skip_raw;  /* skip plain scripts and styles whole (nothing foreign is open) */
    int comments;  /* skip comments (all but the content of raw text read as markup) */
    const unsigned char *stopped;
    /* Plain formatting and option start tags skipped and counted here, or NULL to stop at
     * them like at the other counted names (screen._KIND). */
    Py_ssize_t *counted;
} Text;

/* Raw-text elements the scan skips whole while nothing foreign is open (tokens.py). */
static const char *const SKIPPED_RAW[] = {"script", "style"};

static const char *const FORMATTING[] = {
    "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u",
};

INLINE Py_UCS4
at(const Text *t, Py_ssize_t i)
{
    return i < t->n ? PyUnicode_READ(t->kind, t->data, i) : 0;
}

/* The first ``c`` (ASCII) at or after ``i``, or ``t->n``: most of a page is text between
 * tags, script content and quoted values, so this is where the time goes. memchr for
 * 1-byte strings, eight characters at a time for 2-byte ones (most pages: one character
 * past Latin-1 makes the whole str 2-byte). */
INLINE Py_ssize_t
find(const Text *t, Py_ssize_t i, Py_UCS4 c)
{
    if (i >= t->n) {
        return t->n;
    }
    if (t->kind == PyUnicode_1BYTE_KIND) {
        const Py_UCS1 *data = t->data;
        const Py_UCS1 *hit = memchr(data + i, (int)c, (size_t)(t->n - i));
        return hit == NULL ? t->n : hit - data;
    }
#if defined(__SSE2__)
    if (t->kind == PyUnicode_2BYTE_KIND) {
        const Py_UCS2 *data = t->data;
        const __m128i wanted = _mm_set1_epi16((short)c);
        for (; i + 8 <= t->n; i += 8) {
            __m128i chunk = _mm_loadu_si128((const __m128i *)(data + i));
            int mask = _mm_movemask_epi8(_mm_cmpeq_epi16(chunk, wanted));
            if (mask) {
                return i + __builtin_ctz((unsigned)mask) / 2;
            }
        }
    }
#endif
    for (; i < t->n; i++) {
        if (PyUnicode_READ(t->kind, t->data, i) == c) {
            return i;
        }
    }
    return t->n;
}

/* Just past the first ``c`` at or after ``i``, or the end of the text. */
INLINE Py_ssize_t
past(const Text *t, Py_ssize_t i, Py_UCS4 c)
{
    Py_ssize_t hit = find(t, i, c);
    return hit < t->n ? hit + 1 : t->n;
}

INLINE int
slot(Py_UCS4 c)
{
    return IS_ALPHA(c) ? (int)(LOWER(c) - 'a' + 1) : 27;
}

/* Where a quoted value opened at ``i`` closes (after the quote), or -1 if it never does. */
INLINE Py_ssize_t
closing(const Text *t, Py_ssize_t i)
{
    Py_ssize_t end = find(t, i + 1, at(t, i));
    return end < t->n ? end + 1 : -1;
}

/* _plain_attributes(most) from ``i`` (just after the name): at most ``most`` attributes,
 * each after whitespace, with a plain name and value, then [ws/]* and '>'. Returns the
 * position after the '>' or -1. */
INLINE Py_ssize_t
plain_attributes(const Text *t, Py_ssize_t i)
{
    for (Py_ssize_t count = 0; count < t->most && IS_WS(at(t, i)); count++) {
        Py_ssize_t r = i;
        while (IS_WS(at(t, r))) {
            r++;
        }
        if (!IS_ATTR_NAME(at(t, r))) {
            break; /* the whitespace belongs to the tail */
        }
        while (IS_ATTR_NAME(at(t, r))) {
            r++;
        }
        if (at(t, r) == '=') {
            Py_UCS4 v = at(t, r + 1);
            if (v == '"' || v == '\'') {
                Py_ssize_t end = closing(t, r + 1);
                if (end >= 0) {
                    r = end;
                } /* else the empty branch: the tag cannot be plain (the tail sees '=') */
            }
            else if (r + 1 < t->n && IS_UNQUOTED(v)) {
                r += 2;
                while (r < t->n && IS_UNQUOTED(at(t, r))) {
                    r++;
                }
            }
        }
        i = r;
    }
    while (IS_WS(at(t, i)) || at(t, i) == '/') {
        i++;
    }
    return at(t, i) == '>' ? i + 1 : -1;
}

/* True if ``name`` (length ``len``, ASCII letters) starts at ``i``, in either case. */
INLINE int
named(const Text *t, Py_ssize_t i, const char *name, Py_ssize_t len)
{
    for (Py_ssize_t k = 0; k < len; k++) {
        Py_UCS4 c = at(t, i + k);
        if (!IS_ALPHA(c) || LOWER(c) != (Py_UCS4)name[k]) {
            return 0;
        }
    }
    return 1;
}

/* The end of raw-text content from ``i``: the first '<' that opens "</name" (``name`` as
 * it is spelled at ``name_at``, compared in ASCII either case) followed by [ws/>], or the
 * end of the text. */
INLINE Py_ssize_t
raw_content_end(const Text *t, Py_ssize_t i, Py_ssize_t name_at, Py_ssize_t len)
{
    for (; (i = find(t, i, '<')) < t->n; i++) {
        if (at(t, i + 1) != '/') {
            continue;
        }
        Py_ssize_t k = 0;
        for (; k < len; k++) {
            Py_UCS4 a = at(t, i + 2 + k), b = at(t, name_at + k);
            if (a != b && !(IS_ALPHA(a) && IS_ALPHA(b) && LOWER(a) == LOWER(b))) {
                break;
            }
        }
        if (k == len) {
            Py_UCS4 c = at(t, i + 2 + len);
            if (i + 2 + len < t->n && (IS_WS(c) || c == '/' || c == '>')) {
                return i;
            }
        }
    }
    return t->n;
}

/* One skip item after the '<' at ``lt``: the position after it, or -1 if the '<' is a stop
 * (tokens._skips). */
INLINE Py_ssize_t
skip(const Text *t, Py_ssize_t lt)
{
    Py_ssize_t i = lt + 1;
    Py_UCS4 c = at(t, i);
    if (c == '/') {
        Py_UCS4 d = at(t, i + 1);
        if (i + 1 < t->n && IS_ALPHA(d)) { /* an end tag: plain, or a stop */
            i += 2;
            while (IS_NAME(at(t, i))) {
                i++;
            }
            return plain_attributes(t, i);
        }
        if (i + 1 < t->n && d == '>') {
            return lt + 1; /* "</>" starts no token */
        }
        if (!t->comments) {
            return -1;
        }
        return past(t, i + 1, '>'); /* a bogus comment, to the first '>' or the end */
    }
    if ((c == '!' || c == '?') && !t->comments) {
        return -1;
    }
    if (c == '!' && at(t, i + 1) == '-' && at(t, i + 2) == '-') { /* a comment */
        i += 3;
        if (at(t, i) == '>' && i < t->n) {
            return i + 1;
        }
        if (at(t, i) == '-' && at(t, i + 1) == '>' && i + 1 < t->n) {
            return i + 2;
        }
        for (; (i = find(t, i, '-')) < t->n; i++) {
            if (at(t, i + 1) == '-') {
                if (at(t, i + 2) == '>' && i + 2 < t->n) {
                    return i + 3;
                }
                if (at(t, i + 2) == '!' && at(t, i + 3) == '>' && i + 3 < t->n) {
                    return i + 4;
                }
            }
        }
        return t->n;
    }
    if (c == '!' || c == '?') {
        return past(t, i, '>'); /* a bogus comment */
    }
    if (i >= t->n || !IS_ALPHA(c)) {
        return lt + 1; /* a '<' that starts no token */
    }
    /* A start tag: plain unless its name begins like a counted or raw-text name. */
    Py_ssize_t end = i + 1;
    while (IS_NAME(at(t, end))) {
        end++;
    }
    Py_ssize_t len = end - i;
    int s1 = slot(c), s2 = len > 1 ? slot(at(t, i + 1)) : 0, s3 = len > 2 ? slot(at(t, i + 2)) : 0;
    if (!t->stopped[(s1 * SLOTS + s2) * SLOTS + s3]) {
        return plain_attributes(t, end);
    }
    for (size_t k = 0; t->skip_raw && k < sizeof SKIPPED_RAW / sizeof *SKIPPED_RAW; k++) {
        if ((Py_ssize_t)strlen(SKIPPED_RAW[k]) == len && named(t, i, SKIPPED_RAW[k], len)) {
            Py_ssize_t content = plain_attributes(t, end);
            return content < 0 ? -1 : raw_content_end(t, content, i, len);
        }
    }
    if (t->counted != NULL) { /* a plain formatting or option tag: counted, not a stop */
        int kind = len == 6 && named(t, i, "option", 6) ? 1 : -1;
        for (size_t k = 0; kind < 0 && k < sizeof FORMATTING / sizeof *FORMATTING; k++) {
            Py_ssize_t size = (Py_ssize_t)strlen(FORMATTING[k]);
            if (size == len && named(t, i, FORMATTING[k], len)) {
                kind = 0;
            }
        }
        Py_ssize_t after = kind < 0 ? -1 : plain_attributes(t, end);
        if (after >= 0) {
            t->counted[kind]++;
            return after;
        }
    }
    return -1;
}

/* _ATTRS, the tokenizer's attribute grammar, from ``i``: where it ends ('>' or the end),
 * and in ``count`` the attributes (as many as grammar._ATTR finds in them). */
INLINE Py_ssize_t
attributes(const Text *t, Py_ssize_t i, Py_ssize_t *count)
{
    *count = 0;
    while (i < t->n) {
        Py_UCS4 c = PyUnicode_READ(t->kind, t->data, i);
        if (IS_WS(c) || c == '/') {
            i++;
            continue;
        }
        if (c == '>') {
            break;
        }
        ++*count;
        i++; /* a name: one character, then up to whitespace, '/', '>' or '=' */
        while (i < t->n) {
            c = PyUnicode_READ(t->kind, t->data, i);
            if (IS_WS(c) || c == '/' || c == '>' || c == '=') {
                break;
            }
            i++;
        }
        Py_ssize_t r = i;
        while (IS_WS(at(t, r))) {
            r++;
        }
        if (r >= t->n || at(t, r) != '=') {
            continue; /* no value */
        }
        r++;
        while (IS_WS(at(t, r))) {
            r++;
        }
        Py_UCS4 v = at(t, r);
        if ((v == '"' || v == '\'') && r < t->n) {
            Py_ssize_t end = closing(t, r);
            if (end >= 0) {
                i = end;
                continue;
            }
        }
        while (r < t->n) { /* unquoted (an unclosed quote is read as one) */
            c = PyUnicode_READ(t->kind, t->data, r);
            if (IS_WS(c) || c == '>') {
                break;
            }
            r++;
        }
        i = r;
    }
    return i;
}

static const char *const RAW_NAMES[] = {
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes",
};

/* The stop at the '<' at ``lt`` (tokens._STOP): a raw-text element with its content, or a
 * tag: (begin, end, name start, name end, attribute count, end tag?, the start tag's end
 * for raw text or -1, where the attributes start, and the plain formatting and option
 * start tags counted on the way). */
INLINE PyObject *
stop(const Text *t, Py_ssize_t lt, const Py_ssize_t *counted)
{
    Py_ssize_t i = lt + 1;
    for (size_t k = 0; k < sizeof RAW_NAMES / sizeof *RAW_NAMES; k++) {
        Py_ssize_t len = (Py_ssize_t)strlen(RAW_NAMES[k]);
        Py_UCS4 after = at(t, i + len);
        if (i + len < t->n && named(t, i, RAW_NAMES[k], len) &&
            (IS_WS(after) || after == '/' || after == '>')) {
            Py_ssize_t count, attrs_end = attributes(t, i + len, &count);
            if (attrs_end < t->n) { /* ends at '>' (required here) */
                Py_ssize_t end = raw_content_end(t, attrs_end + 1, i, len);
                return Py_BuildValue("(nnnnnOnnnn)", lt, end, i, i + len, count, Py_False,
                                     attrs_end + 1, i + len, counted[0], counted[1]);
            }
            break; /* no '>': read as a tag */
        }
    }
    int slash = at(t, i) == '/';
    Py_ssize_t name = i + slash, end = name + 1;
    while (end < t->n) {
        Py_UCS4 c = PyUnicode_READ(t->kind, t->data, end);
        if (IS_WS(c) || c == '/' || c == '>') {
            break;
        }
        end++;
    }
    Py_ssize_t count, attrs_end = attributes(t, end, &count);
    Py_ssize_t close = attrs_end < t->n ? attrs_end + 1 : attrs_end;
    return Py_BuildValue("(nnnnnOnnnn)", lt, close, name, end, count,
                         slash ? Py_True : Py_False, (Py_ssize_t)-1, end, counted[0], counted[1]);
}

/* The scan from ``pos`` for one string kind: from '<' to '<', each skip item after one,
 * up to the first stop. */
INLINE PyObject *
scan(int kind, const void *data, Py_ssize_t n, Py_ssize_t pos, Py_ssize_t most, int skip_raw,
     const unsigned char *stopped)
{
    Py_ssize_t counted[2] = {0, 0};
    Text t = {kind, data, n, most, skip_raw, 1, stopped, counted};
    for (Py_ssize_t i = find(&t, pos, '<'); i < n; i = find(&t, i, '<')) {
        Py_ssize_t after = skip(&t, i);
        if (after < 0) {
            return stop(&t, i, counted);
        }
        i = after;
    }
    return Py_BuildValue("(nnnnnOnnnn)", (Py_ssize_t)-1, n, n, n, (Py_ssize_t)0, Py_False,
                         (Py_ssize_t)-1, n, counted[0], counted[1]);
}

/* tokens.content_scanner(most).match(text, pos, end).end(): from ``pos``, skip text, plain
 * tags and lone '<' (no comments, no raw text) up to the first other '<' or ``end``. */
INLINE Py_ssize_t
skip_run(int kind, const void *data, Py_ssize_t end, Py_ssize_t pos, Py_ssize_t most,
         const unsigned char *stopped)
{
    Text t = {kind, data, end, most, 0, 0, stopped, NULL};
    for (Py_ssize_t i = find(&t, pos, '<'); i < end; i = find(&t, i, '<')) {
        Py_ssize_t after = skip(&t, i);
        if (after < 0) {
            return i;
        }
        i = after;
    }
    return end;
}

/* The two scans, one copy for each string kind. */
#define BY_KIND(kind, suffix)                                                               \
    static PyObject *scan_##suffix(const void *data, Py_ssize_t n, Py_ssize_t pos,          \
                                   Py_ssize_t most, int skip_raw, const unsigned char *table) \
    {                                                                                       \
        return scan(kind, data, n, pos, most, skip_raw, table);                             \
    }                                                                                       \
    static Py_ssize_t skip_run_##suffix(const void *data, Py_ssize_t end, Py_ssize_t pos,   \
                                        Py_ssize_t most, const unsigned char *table)        \
    {                                                                                       \
        return skip_run(kind, data, end, pos, most, table);                                 \
    }
BY_KIND(PyUnicode_1BYTE_KIND, 1)
BY_KIND(PyUnicode_2BYTE_KIND, 2)
BY_KIND(PyUnicode_4BYTE_KIND, 4)

static PyObject *
next_stop(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 5 || !PyUnicode_Check(args[0]) || !PyBytes_Check(args[4])) {
        PyErr_SetString(PyExc_TypeError,
                        "next_stop(text: str, pos: int, most: int, skip_raw: bool, "
                        "stopped: bytes)");
        return NULL;
    }
    Py_ssize_t pos = PyLong_AsSsize_t(args[1]);
    Py_ssize_t most = PyLong_AsSsize_t(args[2]);
    int skip_raw = PyObject_IsTrue(args[3]);
    if ((pos == -1 || most == -1 || skip_raw < 0) && PyErr_Occurred()) {
        return NULL;
    }
    if (PyBytes_GET_SIZE(args[4]) != SLOTS * SLOTS * SLOTS || pos < 0 || most < 0) {
        PyErr_SetString(PyExc_ValueError, "next_stop: bad position, count or table");
        return NULL;
    }
    PyObject *text = args[0];
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    const unsigned char *stopped = (const unsigned char *)PyBytes_AS_STRING(args[4]);
    switch (PyUnicode_KIND(text)) {
    case PyUnicode_1BYTE_KIND:
        return scan_1(data, n, pos, most, skip_raw, stopped);
    case PyUnicode_2BYTE_KIND:
        return scan_2(data, n, pos, most, skip_raw, stopped);
    default:
        return scan_4(data, n, pos, most, skip_raw, stopped);
    }
}

static PyObject *
content_skip(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 5 || !PyUnicode_Check(args[0]) || !PyBytes_Check(args[4])) {
        PyErr_SetString(PyExc_TypeError,
                        "content_skip(text: str, pos: int, end: int, most: int, stopped: bytes)");
        return NULL;
    }
    Py_ssize_t pos = PyLong_AsSsize_t(args[1]);
    Py_ssize_t end = PyLong_AsSsize_t(args[2]);
    Py_ssize_t most = PyLong_AsSsize_t(args[3]);
    if ((pos == -1 || end == -1 || most == -1) && PyErr_Occurred()) {
        return NULL;
    }
    PyObject *text = args[0];
    if (PyBytes_GET_SIZE(args[4]) != SLOTS * SLOTS * SLOTS || pos < 0 || most < 0 ||
        end < pos || end > PyUnicode_GET_LENGTH(text)) {
        PyErr_SetString(PyExc_ValueError, "content_skip: bad position, count or table");
        return NULL;
    }
    const void *data = PyUnicode_DATA(text);
    const unsigned char *stopped = (const unsigned char *)PyBytes_AS_STRING(args[4]);
    switch (PyUnicode_KIND(text)) {
    case PyUnicode_1BYTE_KIND:
        return PyLong_FromSsize_t(skip_run_1(data, end, pos, most, stopped));
    case PyUnicode_2BYTE_KIND:
        return PyLong_FromSsize_t(skip_run_2(data, end, pos, most, stopped));
    default:
        return PyLong_FromSsize_t(skip_run_4(data, end, pos, most, stopped));
    }
}

/* Start tags that are not simply pushed as a foreign element inside svg/math (screen.py's
 * _NOT_PUSHED: the break-out tags, font, svg/math and the integration points). */
static const char *const NOT_PUSHED[] = {
    "b", "big", "blockquote", "body", "br", "center", "code", "dd", "div", "dl", "dt", "em",
    "embed", "h1", "h2", "h3", "h4", "h5", "h6", "head", "hr", "i", "img", "li", "listing",
    "menu", "meta", "nobr", "ol", "p", "pre", "ruby", "s", "small", "span", "strong", "strike",
    "sub", "sup", "table", "tt", "u", "ul", "var", "font", "svg", "math", "foreignobject",
    "desc", "title", "mi", "mo", "mn", "ms", "mtext", "annotation-xml",
};

#define SIMPLE_FOREIGN 64 /* screen._SIMPLE_FOREIGN: tokens read ahead */

/* Whether text[a:a+len] and text[b:b+len] are one name to the tokenizer (ASCII letters
 * in either case, every other character as it is). */
INLINE int
same_name(const Text *t, Py_ssize_t a, Py_ssize_t b, Py_ssize_t len)
{
    for (Py_ssize_t k = 0; k < len; k++) {
        Py_UCS4 x = at(t, a + k), y = at(t, b + k);
        if (x != y && !(IS_ALPHA(x) && IS_ALPHA(y) && LOWER(x) == LOWER(y))) {
            return 0;
        }
    }
    return 1;
}

/* Whether the name text[i:i+len] is one of ``names`` (lower-case ASCII). */
INLINE int
listed(const Text *t, Py_ssize_t i, Py_ssize_t len, const char *const *names, size_t count)
{
    for (size_t k = 0; k < count; k++) {
        if ((Py_ssize_t)strlen(names[k]) == len && named(t, i, names[k], len)) {
            return 1;
        }
    }
    return 0;
}

/* screen._simple_foreign_end: where the svg/math element whose start tag (its name at
 * text[name:name+len]) ends at ``pos`` surely closes, or -1. The same tokens as
 * grammar._TOKEN_FOREIGN finds one search after the other (``t`` reads comments). */
static Py_ssize_t
foreign_end(const Text *t, Py_ssize_t pos, Py_ssize_t name, Py_ssize_t len)
{
    Py_ssize_t starts[SIMPLE_FOREIGN + 1], lens[SIMPLE_FOREIGN + 1], depth = 1;
    starts[0] = name;
    lens[0] = len;
    Py_ssize_t i = find(t, pos, '<');
    for (int tokens = 0; tokens < SIMPLE_FOREIGN;) {
        if (i >= t->n) {
            return -1;
        }
        Py_UCS4 c = at(t, i + 1), d = at(t, i + 2);
        int end_tag = c == '/' && i + 2 < t->n && IS_ALPHA(d);
        if (c == '!' || c == '?' || (c == '/' && !end_tag && !(d == '>' && i + 2 < t->n))) {
            /* a comment or bogus comment (_COMMENT_BODY), read as skip reads it */
            i = find(t, skip(t, i), '<');
            tokens++;
            continue;
        }
        Py_ssize_t at_name = i + 1 + end_tag;
        if (!end_tag && (i + 1 >= t->n || !IS_ALPHA(c))) {
            i = find(t, i + 1, '<'); /* "</>", or a '<' that starts no token */
            continue;
        }
        Py_ssize_t name_end = at_name + 1;
        while (name_end < t->n) {
            Py_UCS4 e = PyUnicode_READ(t->kind, t->data, name_end);
            if (IS_WS(e) || e == '/' || e == '>') {
                break;
            }
            name_end++;
        }
        Py_ssize_t size = name_end - at_name, count;
        if (!end_tag && name_end < t->n &&
            listed(t, at_name, size, RAW_NAMES, sizeof RAW_NAMES / sizeof *RAW_NAMES)) {
            return -1; /* raw text (or a raw-text name without its '>': cut off) */
        }
        Py_ssize_t close = attributes(t, name_end, &count);
        if (close >= t->n) {
            return -1; /* no '>' */
        }
        tokens++;
        i = find(t, close + 1, '<');
        if (!end_tag) {
            if (listed(t, at_name, size, NOT_PUSHED, sizeof NOT_PUSHED / sizeof *NOT_PUSHED)) {
                return -1;
            }
            starts[depth] = at_name;
            lens[depth++] = size;
            continue;
        }
        Py_ssize_t k = depth - 1;
        while (k >= 0 && !(lens[k] == size && same_name(t, starts[k], at_name, size))) {
            k--;
        }
        if (k < 0) {
            return -1; /* the model would look for an HTML element to close */
        }
        depth = k;
        if (depth == 0) {
            return close + 1;
        }
    }
    return -1;
}

static PyObject *
simple_foreign_end(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 4 || !PyUnicode_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError,
                        "simple_foreign_end(text: str, pos: int, name: int, name_end: int)");
        return NULL;
    }
    Py_ssize_t pos = PyLong_AsSsize_t(args[1]), name = PyLong_AsSsize_t(args[2]);
    Py_ssize_t name_end = PyLong_AsSsize_t(args[3]);
    if ((pos == -1 || name == -1 || name_end == -1) && PyErr_Occurred()) {
        return NULL;
    }
    PyObject *text = args[0];
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    if (pos < 0 || pos > n || name < 0 || name_end < name || name_end > n) {
        PyErr_SetString(PyExc_ValueError, "simple_foreign_end: bad positions");
        return NULL;
    }
    Text t = {PyUnicode_KIND(text), PyUnicode_DATA(text), n, 0, 0, 1, NULL, NULL};
    Py_ssize_t end = foreign_end(&t, pos, name, name_end - name);
    if (end < 0) {
        Py_RETURN_NONE;
    }
    return PyLong_FromSsize_t(end);
}

static PyMethodDef methods[] = {
    {"content_skip", (PyCFunction)(void (*)(void))content_skip, METH_FASTCALL,
     "Where tokens.content_scanner(most).match(text, pos, end) ends."},
    {"simple_foreign_end", (PyCFunction)(void (*)(void))simple_foreign_end, METH_FASTCALL,
     "screen._simple_foreign_end: where the svg/math element whose start tag's name is at "
     "text[name:name_end] and which ends at pos surely closes, or None."},
    {"next_stop", (PyCFunction)(void (*)(void))next_stop, METH_FASTCALL,
     "The next stop of the screen's scanner from pos, but at plain formatting and option "
     "start tags, which it counts: (begin, end, name start, name end, attribute count, end "
     "tag?, raw-text start tag's end or -1, attributes start, formatting tags, option tags); "
     "begin is -1 where the text ended first."},
    {NULL, NULL, 0, NULL},
};

/* Add ``names`` to the module as a tuple of str called ``attribute``. */
static int
add_names(PyObject *module, const char *attribute, const char *const *names, size_t count)
{
    PyObject *tuple = PyTuple_New((Py_ssize_t)count);
    if (tuple == NULL) {
        return -1;
    }
    for (size_t k = 0; k < count; k++) {
        PyObject *name = PyUnicode_FromString(names[k]);
        if (name == NULL) {
            Py_DECREF(tuple);
            return -1;
        }
        PyTuple_SET_ITEM(tuple, (Py_ssize_t)k, name);
    }
    if (PyModule_AddObject(module, attribute, tuple) < 0) {
        Py_DECREF(tuple);
        return -1;
    }
    return 0;
}

/* The names this file spells out, for the test that holds them to tokens.py's. */
static int
exec_module(PyObject *module)
{
#define ADD(name) add_names(module, #name, name, sizeof name / sizeof *name)
    return ADD(RAW_NAMES) < 0 || ADD(FORMATTING) < 0 || ADD(SKIPPED_RAW) < 0 ||
           ADD(NOT_PUSHED) < 0 ? -1 : 0;
#undef ADD
}

static PyModuleDef_Slot slots[] = {
    {Py_mod_exec, exec_module},
    {0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_stops", "The pre-scan screen's scanner in C.", 0, methods,
    slots,
};

PyMODINIT_FUNC
PyInit__stops(void)
{
    return PyModuleDef_Init(&module);
}
