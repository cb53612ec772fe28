/* The string work the stages do most, in C: strings.py holds the same answers in Python
 * and tests/test_strings.py holds the two to each other.
 *
 * utf8(text) is text.encode("utf-8"), or None for a str holding a surrogate, which strict
 * UTF-8 cannot encode (decode.py then repairs the str). Almost every page is a 2-byte str
 * (one curly quote makes it one) that is all but a few hundredths of a percent ASCII, and
 * CPython encodes a 2-byte str a character at a time: a tenth of a millisecond for a
 * median page. Here a run of ASCII is checked and narrowed eight or sixteen characters at
 * a time, in one pass.
 *
 * count_of(text, chars) is how often any of ``chars`` (Latin-1) occurs, and nonspace(text)
 * len(text) less its spaces, newlines, tabs, CRs and no-break spaces, sixteen bytes at a
 * time where str.count takes a pass per character sought, one character at a time.
 *
 * word_count(text) is len(text.split()); normal(text) is " ".join(re.findall(r"[^\W_]+",
 * text.lower())); Lookup(*sets).scan(text) is (len(text.split()), met), where bit i of
 * ``met`` says that some word of text.lower().split() is in sets[i]. The detector asks the
 * last of every block it reads, and in Python the answer costs a lower-cased copy, a str
 * per word and a look-up of each in a set of 130 000 forms (8 MB of table, so nearly every
 * look-up misses the cache). Here a word is hashed as it is read, and only the words that a
 * small Bloom filter per set lets through become a str and are looked up. A word with a
 * character the filter's hash does not fold is always looked up, lower-cased by str.lower:
 * the answers are exact, the filter only decides what needs asking.
 *
 * Nothing is kept between calls; every read is bounded by the text's length.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* A Bloom filter per set, of the members' cores (``core_step``: "(share" and "share:" are
 * "share"): 2^17 bits (16 KB) and two bits a core; with the lexicon's 5 500 cores about
 * one absent word in 150 gets through. */
#define FILTER_BITS 17
#define FILTER_MASK ((UINT64_C(1) << FILTER_BITS) - 1)
#define FILTER_WORDS ((size_t)1 << (FILTER_BITS - 6))
#define MAX_SETS 8
#define FNV_OFFSET UINT64_C(14695981039346656037)
#define FNV_PRIME UINT64_C(1099511628211)
#define UNSURE ((Py_UCS4)0xFFFFFFFF)
#define INLINE static inline __attribute__((always_inline))

/* str.split()'s white space below 256 (Py_UNICODE_ISSPACE, read into a table at import). */
static unsigned char SPACE[256];
/* Py_UNICODE_ISALNUM below 256, the same way (the macro calls four functions). */
static unsigned char ALNUM[256];
/* "lower", interned at import: the method the other words are lower-cased with. */
static PyObject *LOWER;

static int
check_str(PyObject *text)
{
    if (!PyUnicode_Check(text)) {
        PyErr_Format(PyExc_TypeError, "expected a str, not %.100s", Py_TYPE(text)->tp_name);
        return -1;
    }
    return 0;
}

INLINE int
is_alnum(Py_UCS4 c)
{
    return c < 256 ? ALNUM[c] : Py_UNICODE_ISALNUM(c);
}

INLINE int
is_space(Py_UCS4 c)
{
    /* (no white space lies between 255 and U+1680: a test holds the interpreter to it) */
    return c < 256 ? SPACE[c] : c >= 0x1680 && Py_UNICODE_ISSPACE(c);
}

/* What str.lower makes of ``c`` where that is one character and does not depend on the
 * characters around it, for ASCII, Latin-1 and General Punctuation (curly quotes, dashes),
 * the characters of most words in Latin script; UNSURE for any other. */
INLINE Py_UCS4
fold(Py_UCS4 c)
{
    if (c < 128) {
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }
    if (c < 256) {
        return c >= 0xC0 && c <= 0xDE && c != 0xD7 ? c + 32 : c;
    }
    return c >= 0x2000 && c <= 0x206F ? c : UNSURE;
}

/* Whether a folded character is at the edge of a word's core: anything but an ASCII letter
 * or digit or a Latin-1 letter. (Any rule would do, the same for members and words: the
 * filter only needs equal cores for a word and a member it equals.) */
INLINE int
is_edge(Py_UCS4 c)
{
    if (c < 128) {
        return !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'));  /* (folded: no A-Z) */
    }
    return c < 0xC0 || c == 0xD7 || c == 0xF7 || c > 0xFF;
}

/* The hash of a word's core, its folded characters fed one by one: the edges before the
 * first other character are skipped, and the hash stays at the last other one. */
typedef struct {
    uint64_t hash, core;
    int started;
} Core;

#define CORE_START {FNV_OFFSET, FNV_OFFSET, 0}

INLINE void
core_step(Core *h, Py_UCS4 folded)
{
    int edge = is_edge(folded);
    if (!h->started) {
        if (edge) {
            return;
        }
        h->started = 1;
    }
    h->hash = (h->hash ^ folded) * FNV_PRIME;
    if (!edge) {
        h->core = h->hash;
    }
}

INLINE uint64_t
core_hash(const Core *h)
{
    return h->core | 1; /* (never 0, which look_up reads as no hash) */
}

typedef struct {
    PyObject_HEAD
    PyObject *sets;  /* a tuple of frozensets */
    Py_ssize_t count;
    uint64_t *filters;  /* FILTER_WORDS per set */
} Lookup;

INLINE int
filter_has(const uint64_t *filter, uint64_t hash)
{
    uint64_t a = hash & FILTER_MASK, b = (hash >> 32) & FILTER_MASK;
    return (filter[a >> 6] >> (a & 63) & 1) && (filter[b >> 6] >> (b & 63) & 1);
}

static void
filter_add(uint64_t *filter, uint64_t hash)
{
    uint64_t a = hash & FILTER_MASK, b = (hash >> 32) & FILTER_MASK;
    filter[a >> 6] |= UINT64_C(1) << (a & 63);
    filter[b >> 6] |= UINT64_C(1) << (b & 63);
}

/* Look ``word`` up in the sets not met yet whose filter passes ``hash`` (all of them when
 * ``hash`` is 0: a word that could not be hashed); adds their bits to ``*met``. -1 on
 * error. */
static int
look_up(const Lookup *self, PyObject *word, uint64_t hash, unsigned *met)
{
    for (Py_ssize_t k = 0; k < self->count; k++) {
        if (*met & (1u << k) ||
            (hash != 0 && !filter_has(self->filters + k * FILTER_WORDS, hash))) {
            continue;
        }
        int found = PySet_Contains(PyTuple_GET_ITEM(self->sets, k), word);
        if (found < 0) {
            return -1;
        }
        if (found) {
            *met |= 1u << k;
        }
    }
    return 0;
}

/* Whether some set not met yet may hold the word hashed to ``hash``. */
INLINE int
may_hold(const Lookup *self, uint64_t hash, unsigned met)
{
    for (Py_ssize_t k = 0; k < self->count; k++) {
        if (!(met & (1u << k)) && filter_has(self->filters + k * FILTER_WORDS, hash)) {
            return 1;
        }
    }
    return 0;
}

/* The word text[start:end], all of whose characters fold (the largest folded: ``top``),
 * lower-cased as str.lower would and looked up. */
static int
look_up_folded(const Lookup *self, int kind, const void *data, Py_ssize_t start,
               Py_ssize_t end, Py_UCS4 top, uint64_t hash, unsigned *met)
{
    PyObject *word = PyUnicode_New(end - start, top);
    if (word == NULL) {
        return -1;
    }
    int out_kind = PyUnicode_KIND(word);
    void *out = PyUnicode_DATA(word);
    for (Py_ssize_t i = start; i < end; i++) {
        PyUnicode_WRITE(out_kind, out, i - start, fold(PyUnicode_READ(kind, data, i)));
    }
    int result = look_up(self, word, hash, met);
    Py_DECREF(word);
    return result;
}

/* Any other word text[start:end], lower-cased by str.lower (which turns no white space into
 * a character or back, so the word is one of the lower-cased text's words), looked up. */
static int
look_up_other(const Lookup *self, PyObject *text, Py_ssize_t start, Py_ssize_t end,
              unsigned *met)
{
    PyObject *word = PyUnicode_Substring(text, start, end);
    if (word == NULL) {
        return -1;
    }
    PyObject *lowered = PyObject_CallMethodNoArgs(word, LOWER);
    Py_DECREF(word);
    if (lowered == NULL) {
        return -1;
    }
    int result = look_up(self, lowered, 0, met);
    Py_DECREF(lowered);
    return result;
}

/* The words of data[i:n], as str.split() counts them: the non-space characters that follow a
 * space or the start. Without a branch per character (one per word mispredicts). */
#define COUNT(suffix, type)                                                                 \
    static Py_ssize_t count_##suffix(const type *data, Py_ssize_t i, Py_ssize_t n)           \
    {                                                                                       \
        Py_ssize_t words = 0;                                                               \
        int after_space = 1;                                                                \
        for (; i < n; i++) {                                                                \
            int space = is_space(data[i]);                                                  \
            words += after_space & !space;                                                  \
            after_space = space;                                                            \
        }                                                                                   \
        return words;                                                                       \
    }

COUNT(1, Py_UCS1)
COUNT(2, Py_UCS2)
COUNT(4, Py_UCS4)

/* One scan per string kind, so that reading a character is a plain load. */
#define SCAN(suffix, type, KIND)                                                            \
    static PyObject *scan_##suffix(const Lookup *self, PyObject *text)                      \
    {                                                                                       \
        const type *data = (const type *)PyUnicode_DATA(text);                              \
        Py_ssize_t n = PyUnicode_GET_LENGTH(text), i = 0, words = 0;                        \
        unsigned met = 0, all = (1u << self->count) - 1;                                    \
        while (1) {                                                                         \
            while (i < n && is_space(data[i])) {                                            \
                i++;                                                                        \
            }                                                                               \
            if (met == all) { /* nothing more to look up: count the rest */                 \
                words += count_##suffix(data, i, n);                                        \
                break;                                                                      \
            }                                                                               \
            if (i >= n) {                                                                   \
                break;                                                                      \
            }                                                                               \
            words++;                                                                        \
            Py_ssize_t start = i;                                                           \
            Py_UCS4 top = 0, c;                                                             \
            Core h = CORE_START;                                                            \
            for (; i < n && !is_space(c = data[i]); i++) {                                  \
                Py_UCS4 folded = fold(c);                                                   \
                if (folded == UNSURE) {                                                     \
                    top = UNSURE;                                                           \
                    while (i < n && !is_space(data[i])) {                                   \
                        i++;                                                                \
                    }                                                                       \
                    break;                                                                  \
                }                                                                           \
                core_step(&h, folded);                                                      \
                top = folded > top ? folded : top;                                          \
            }                                                                               \
            uint64_t hash = core_hash(&h);                                                  \
            int failed = 0;                                                                 \
            if (top == UNSURE) {                                                            \
                failed = look_up_other(self, text, start, i, &met);                         \
            }                                                                               \
            else if (may_hold(self, hash, met)) {                                           \
                failed = look_up_folded(self, KIND, data, start, i, top, hash, &met);       \
            }                                                                               \
            if (failed) {                                                                   \
                return NULL;                                                                \
            }                                                                               \
        }                                                                                   \
        return Py_BuildValue("(nI)", words, met);                                           \
    }

SCAN(1, Py_UCS1, PyUnicode_1BYTE_KIND)
SCAN(2, Py_UCS2, PyUnicode_2BYTE_KIND)
SCAN(4, Py_UCS4, PyUnicode_4BYTE_KIND)

/* A growing buffer of the normal form being written. */
typedef struct {
    Py_UCS4 *chars;
    Py_ssize_t length, size;
} Buffer;

static int
reserve(Buffer *out, Py_ssize_t more)
{
    if (out->length + more <= out->size) {
        return 0;
    }
    Py_ssize_t size = (out->length + more) * 2;
    Py_UCS4 *chars = PyMem_Realloc(out->chars, (size_t)size * sizeof(Py_UCS4));
    if (chars == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    out->chars = chars;
    out->size = size;
    return 0;
}

/* Write text[start:end]'s runs of letters and digits to ``out``, each after a space but the
 * first: folded when ``fold_it`` (its characters all fold), else as they are (a str that
 * str.lower made). */
INLINE int
write_runs(Buffer *out, int kind, const void *data, Py_ssize_t start, Py_ssize_t end,
           int fold_it)
{
    /* at most one more character per character: a space before a run ends the one before */
    if (reserve(out, end - start + 1) < 0) {
        return -1;
    }
    int in_run = 0;
    for (Py_ssize_t i = start; i < end; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (fold_it) {
            c = fold(c);
        }
        if (is_alnum(c)) {
            if (!in_run && out->length > 0) {
                out->chars[out->length++] = ' ';
            }
            out->chars[out->length++] = c;
            in_run = 1;
        }
        else {
            in_run = 0;
        }
    }
    return 0;
}

/* " ".join(re.findall(r"[^\W_]+", text.lower())): the runs of letters and digits of the
 * lower-cased text (sre's [^\W_] is Py_UNICODE_ISALNUM), one space between, worked out
 * word by word (no run spans white space). */
static PyObject *
normal(PyObject *Py_UNUSED(module), PyObject *text)
{
    if (check_str(text) < 0) {
        return NULL;
    }
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), i = 0;
    Buffer out = {NULL, 0, 0};
    while (i < n) {
        while (i < n && is_space(PyUnicode_READ(kind, data, i))) {
            i++;
        }
        Py_ssize_t start = i;
        int folds = 1;
        for (; i < n; i++) {
            Py_UCS4 c = PyUnicode_READ(kind, data, i);
            if (is_space(c)) {
                break;
            }
            folds = folds && fold(c) != UNSURE;
        }
        int failed = 0;
        if (start == i) {
            break;
        }
        if (folds) {
            failed = write_runs(&out, kind, data, start, i, 1);
        }
        else {
            /* str.lower does it (İ becomes two characters, a final Σ a ς) */
            PyObject *word = PyUnicode_Substring(text, start, i), *lowered = NULL;
            if (word != NULL) {
                lowered = PyObject_CallMethodNoArgs(word, LOWER);
                Py_DECREF(word);
            }
            failed = lowered == NULL || write_runs(&out, PyUnicode_KIND(lowered),
                                                   PyUnicode_DATA(lowered), 0,
                                                   PyUnicode_GET_LENGTH(lowered), 0);
            Py_XDECREF(lowered);
        }
        if (failed) {
            PyMem_Free(out.chars);
            return NULL;
        }
    }
    PyObject *result = out.length == 0 ? PyUnicode_New(0, 0)
        : PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, out.chars, out.length);
    PyMem_Free(out.chars);
    return result;
}

static PyObject *
scan(const Lookup *self, PyObject *text)
{
    if (check_str(text) < 0) {
        return NULL;
    }
    switch (PyUnicode_KIND(text)) {
    case PyUnicode_1BYTE_KIND:
        return scan_1(self, text);
    case PyUnicode_2BYTE_KIND:
        return scan_2(self, text);
    default:
        return scan_4(self, text);
    }
}

static PyObject *
word_count(PyObject *Py_UNUSED(module), PyObject *text)
{
    if (check_str(text) < 0) {
        return NULL;
    }
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    switch (PyUnicode_KIND(text)) {
    case PyUnicode_1BYTE_KIND:
        return PyLong_FromSsize_t(count_1(data, 0, n));
    case PyUnicode_2BYTE_KIND:
        return PyLong_FromSsize_t(count_2(data, 0, n));
    default:
        return PyLong_FromSsize_t(count_4(data, 0, n));
    }
}

/* How often any of the ``k`` (at most 8) Latin-1 characters ``wanted`` occurs in the
 * str's characters ``data``: sixteen bytes at a time for 1- and 2-byte strs. Inlined where
 * ``k`` is a constant, so that the comparisons unroll. */
INLINE Py_ssize_t
count_any(int kind, const void *data, Py_ssize_t n, const Py_UCS4 *wanted, int k)
{
    Py_ssize_t i = 0, found = 0;
#if defined(__SSE2__)
    if (kind == PyUnicode_1BYTE_KIND || kind == PyUnicode_2BYTE_KIND) {
        /* Each lane counts its matches (a match compares as -1); the lanes are added up
         * before a byte lane could overflow, every 255 rounds. */
        Py_ssize_t step = 16 / kind; /* characters per 16 bytes */
        const char *bytes = data;
        const __m128i zero = _mm_setzero_si128();
        __m128i spread[8];
        for (int j = 0; j < k; j++) {
            spread[j] = kind == 1 ? _mm_set1_epi8((char)wanted[j])
                                  : _mm_set1_epi16((short)wanted[j]);
        }
        while (i + step <= n) {
            __m128i lanes = zero;
            for (int round = 0; round < 255 && i + step <= n; round++, i += step) {
                __m128i chunk = _mm_loadu_si128((const __m128i *)(bytes + i * kind));
                __m128i hit = zero;
                for (int j = 0; j < k; j++) {
                    hit = _mm_or_si128(hit, kind == 1 ? _mm_cmpeq_epi8(chunk, spread[j])
                                                      : _mm_cmpeq_epi16(chunk, spread[j]));
                }
                lanes = _mm_sub_epi8(lanes, hit);
            }
            __m128i sums = _mm_sad_epu8(lanes, zero); /* two 64-bit sums of the 16 lanes */
            found += _mm_cvtsi128_si32(sums) + _mm_cvtsi128_si32(_mm_srli_si128(sums, 8));
        }
        found /= kind; /* (a 2-byte match counts in both of its byte lanes) */
    }
#endif
    for (; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        for (int j = 0; j < k; j++) {
            if (c == wanted[j]) {
                found++;
                break;
            }
        }
    }
    return found;
}

static PyObject *
count_of(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2 || !PyUnicode_Check(args[0]) || !PyUnicode_Check(args[1]) ||
        PyUnicode_GET_LENGTH(args[1]) < 1 || PyUnicode_GET_LENGTH(args[1]) > 8 ||
        PyUnicode_MAX_CHAR_VALUE(args[1]) > 255) {
        PyErr_SetString(PyExc_TypeError,
                        "count_of(text: str, chars: str), 1 to 8 Latin-1 characters");
        return NULL;
    }
    Py_UCS4 wanted[8];
    int k = (int)PyUnicode_GET_LENGTH(args[1]);
    for (int j = 0; j < k; j++) {
        wanted[j] = PyUnicode_READ_CHAR(args[1], j);
    }
    PyObject *text = args[0];
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    /* one character (the pre-scan's '<') is the common case */
    return PyLong_FromSsize_t(k == 1 ? count_any(kind, data, n, wanted, 1)
                                     : count_any(kind, data, n, wanted, k));
}

static PyObject *
nonspace(PyObject *Py_UNUSED(module), PyObject *text)
{
    static const Py_UCS4 blank[] = {' ', '\n', '\t', '\r', 0xA0};
    if (check_str(text) < 0) {
        return NULL;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    return PyLong_FromSsize_t(
        n - count_any(PyUnicode_KIND(text), PyUnicode_DATA(text), n, blank, 5));
}

/* Write the ASCII characters from ``*i`` on to ``*out`` as bytes, a block at a time, up to
 * the first block with another character (or the last, short block): the scalar loop
 * takes it from there. */
INLINE void
ascii_blocks(int kind, const void *data, Py_ssize_t *i, Py_ssize_t n, char **out)
{
#if defined(__SSE2__)
    if (kind == PyUnicode_1BYTE_KIND) {
        const char *chars = data;
        for (; *i + 16 <= n; *i += 16, *out += 16) {
            __m128i chunk = _mm_loadu_si128((const __m128i *)(chars + *i));
            if (_mm_movemask_epi8(chunk)) { /* a byte with its high bit set */
                return;
            }
            _mm_storeu_si128((__m128i *)*out, chunk);
        }
    }
    else if (kind == PyUnicode_2BYTE_KIND) {
        const Py_UCS2 *chars = data;
        const __m128i high = _mm_set1_epi16((short)0xFF80), zero = _mm_setzero_si128();
        for (; *i + 8 <= n; *i += 8, *out += 8) {
            __m128i chunk = _mm_loadu_si128((const __m128i *)(chars + *i));
            /* a character past ASCII has a bit set in 0xFF80 */
            if (_mm_movemask_epi8(_mm_cmpeq_epi16(_mm_and_si128(chunk, high), zero)) != 0xFFFF) {
                return;
            }
            _mm_storel_epi64((__m128i *)*out, _mm_packus_epi16(chunk, chunk));
        }
    }
#else
    (void)kind, (void)data, (void)i, (void)n, (void)out;
#endif
}

static PyObject *
utf8(PyObject *Py_UNUSED(module), PyObject *text)
{
    if (check_str(text) < 0) {
        return NULL;
    }
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    if (PyUnicode_IS_ASCII(text)) {
        return PyBytes_FromStringAndSize((const char *)data, n);
    }
    /* one pass into room for the widest encoding, then the bytes object is cut to size */
    if (n > PY_SSIZE_T_MAX / 4) {
        return PyErr_NoMemory();
    }
    PyObject *bytes = PyBytes_FromStringAndSize(NULL, n * (kind == 1 ? 2 : kind == 2 ? 3 : 4));
    if (bytes == NULL) {
        return NULL;
    }
    char *out = PyBytes_AS_STRING(bytes);
    for (Py_ssize_t i = 0; i < n;) {
        ascii_blocks(kind, data, &i, n, &out);
        Py_ssize_t stop = i + 16 < n ? i + 16 : n; /* past the block that stopped it */
        for (; i < stop; i++) {
            Py_UCS4 c = PyUnicode_READ(kind, data, i);
            if (c < 0x80) {
                *out++ = (char)c;
                continue;
            }
            if (c >= 0xD800 && c <= 0xDFFF) { /* a surrogate: str.encode's error */
                Py_DECREF(bytes);
                Py_RETURN_NONE;
            }
            if (c < 0x800) {
                *out++ = (char)(0xC0 | (c >> 6));
            }
            else if (c < 0x10000) {
                *out++ = (char)(0xE0 | (c >> 12));
                *out++ = (char)(0x80 | ((c >> 6) & 0x3F));
            }
            else {
                *out++ = (char)(0xF0 | (c >> 18));
                *out++ = (char)(0x80 | ((c >> 12) & 0x3F));
                *out++ = (char)(0x80 | ((c >> 6) & 0x3F));
            }
            *out++ = (char)(0x80 | (c & 0x3F));
        }
    }
    if (_PyBytes_Resize(&bytes, out - PyBytes_AS_STRING(bytes)) < 0) {
        return NULL;
    }
    return bytes;
}

static PyObject *
lookup_scan(Lookup *self, PyObject *text)
{
    return scan(self, text);
}

static PyObject *
lookup_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    Py_ssize_t count = PyTuple_GET_SIZE(args);
    if ((kwargs != NULL && PyDict_GET_SIZE(kwargs) > 0) || count < 1 || count > MAX_SETS) {
        PyErr_Format(PyExc_TypeError, "Lookup(*sets) takes 1 to %d frozensets", MAX_SETS);
        return NULL;
    }
    for (Py_ssize_t k = 0; k < count; k++) {
        if (!PyFrozenSet_CheckExact(PyTuple_GET_ITEM(args, k))) {
            /* a set that can change would leave the filter behind */
            PyErr_SetString(PyExc_TypeError, "Lookup(*sets): each set must be a frozenset");
            return NULL;
        }
    }
    Lookup *self = (Lookup *)type->tp_alloc(type, 0);
    if (self == NULL) {
        return NULL;
    }
    self->filters = PyMem_Calloc((size_t)count * FILTER_WORDS, sizeof(uint64_t));
    if (self->filters == NULL) {
        Py_DECREF(self);
        return PyErr_NoMemory();
    }
    self->sets = Py_NewRef(args);
    self->count = count;
    /* The members that can be hashed (their characters fold) go in their set's filter: a
     * word with a character that does not fold is always looked up. */
    for (Py_ssize_t k = 0; k < count; k++) {
        PyObject *iterator = PyObject_GetIter(PyTuple_GET_ITEM(args, k)), *member;
        if (iterator == NULL) {
            Py_DECREF(self);
            return NULL;
        }
        while ((member = PyIter_Next(iterator)) != NULL) {
            if (PyUnicode_Check(member)) {
                int kind = PyUnicode_KIND(member);
                const void *data = PyUnicode_DATA(member);
                Py_ssize_t i = 0, n = PyUnicode_GET_LENGTH(member);
                Core h = CORE_START;
                for (; i < n; i++) {
                    Py_UCS4 folded = fold(PyUnicode_READ(kind, data, i));
                    if (folded == UNSURE) {
                        break;
                    }
                    core_step(&h, folded);
                }
                if (i == n) {
                    filter_add(self->filters + k * FILTER_WORDS, core_hash(&h));
                }
            }
            Py_DECREF(member);
        }
        Py_DECREF(iterator);
        if (PyErr_Occurred()) {
            Py_DECREF(self);
            return NULL;
        }
    }
    return (PyObject *)self;
}

static void
lookup_dealloc(Lookup *self)
{
    PyTypeObject *type = Py_TYPE(self);
    Py_XDECREF(self->sets);
    PyMem_Free(self->filters);
    type->tp_free((PyObject *)self);
    Py_DECREF(type);
}

static PyObject *
lookup_sets(Lookup *self, void *Py_UNUSED(closure))
{
    return Py_NewRef(self->sets);
}

static PyMethodDef lookup_methods[] = {
    {"scan", (PyCFunction)lookup_scan, METH_O,
     "(len(text.split()), met): bit i of met is set when a word of text.lower().split() "
     "is in sets[i]."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef lookup_getset[] = {
    {"sets", (getter)lookup_sets, NULL, "The frozensets looked in.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyType_Slot lookup_slots[] = {
    {Py_tp_new, lookup_new},
    {Py_tp_dealloc, lookup_dealloc},
    {Py_tp_methods, lookup_methods},
    {Py_tp_getset, lookup_getset},
    {Py_tp_doc, "Lookup(*sets): frozensets of lower-case words, looked up by a text's words."},
    {0, NULL},
};

static PyType_Spec lookup_spec = {
    "plainpage.extract._strings.Lookup", sizeof(Lookup), 0, Py_TPFLAGS_DEFAULT, lookup_slots,
};

static PyMethodDef methods[] = {
    {"count_of", (PyCFunction)(void (*)(void))count_of, METH_FASTCALL,
     "How often any of chars (1 to 8 Latin-1 characters) occurs in text."},
    {"nonspace", (PyCFunction)nonspace, METH_O,
     "The characters that are not a space, newline, tab, CR or no-break space."},
    {"utf8", (PyCFunction)utf8, METH_O,
     "text.encode('utf-8'), or None where the str holds a surrogate."},
    {"word_count", (PyCFunction)word_count, METH_O, "len(text.split()), without the list."},
    {"normal", (PyCFunction)normal, METH_O,
     "' '.join(re.findall(r'[^\\W_]+', text.lower())): the words of the lower-cased text, "
     "one space between."},
    {NULL, NULL, 0, NULL},
};

static int
exec_module(PyObject *module)
{
    for (Py_UCS4 c = 0; c < 256; c++) {
        SPACE[c] = Py_UNICODE_ISSPACE(c) ? 1 : 0;
        ALNUM[c] = Py_UNICODE_ISALNUM(c) ? 1 : 0;
    }
    if (LOWER == NULL && (LOWER = PyUnicode_InternFromString("lower")) == NULL) {
        return -1;
    }
    PyObject *type = PyType_FromModuleAndSpec(module, &lookup_spec, NULL);
    if (type == NULL) {
        return -1;
    }
    int result = PyModule_AddObjectRef(module, "Lookup", type);
    Py_DECREF(type);
    return result;
}

static PyModuleDef_Slot slots[] = {
    {Py_mod_exec, exec_module},
    {0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_strings", "The string work the stages do most, in C.", 0,
    methods, slots,
};

PyMODINIT_FUNC
PyInit__strings(void)
{
    return PyModuleDef_Init(&module);
}
