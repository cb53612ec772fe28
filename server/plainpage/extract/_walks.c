/* Walks over Lexbor's tree in C, where a walk in Python would make a LexborNode for every
 * node it passes to keep a few: cwalks.py binds them, and each has the same walk in Python
 * beside the code that asks for it (units.py, inventory.py), with tests holding the two to
 * each other (tests/test_units.py, tests/test_inventory.py).
 *
 * units(body, parser, deep_ids, direct_ids, min_chars, a_id, card_chars, link_steps) returns
 * (deep, direct), lists of (node, chars, commas, links) in document order, one per element
 * under ``body`` (itself included) whose tag id is in ``deep_ids`` (scored by its whole
 * text, ``text_lexbor()``) or ``direct_ids`` (by its own text nodes, ``text(deep=False)``)
 * and whose text holds at least ``min_chars`` characters that are not white space
 * (strings.nonspace); ``commas`` counts the clause separators of patterns.COMMAS; ``links``
 * the text of the links (elements of tag ``a_id``) in a deep unit, each shorter than
 * ``card_chars``, while ``link_steps`` lasts (units.py says how). It returns None for a
 * node that is not in a document (units.py walks it in Python).
 *
 * elements(root, parser, body, head_ids, body_ids, lists) returns (found, at_body): ``lists``
 * lists of the elements under ``root`` (itself included), each in document order: an element
 * before ``body`` goes to list head_ids[tag id] - 1, one after it to body_ids[tag id] - 1
 * (none where that is 0; ``body`` itself to neither); ``at_body`` holds the length of each
 * list when ``body`` was reached.
 *
 * flagged(root, parser, groups) returns, for each group of attribute tests, the elements
 * under ``root`` (itself included) that pass them, in document order, each as often as it
 * passes a test of the group, one after the other: what ``root.css()`` of the group's
 * selectors lists. A test is (name, needle, fold): the attribute ``name`` is there (needle
 * None, ``[name]``) or its value holds ``needle`` (``[name*="needle"]``, ASCII case folded
 * with ``fold``: ``[name*="needle" i]``).
 *
 * Tag ids are read from bytes indexed by tag id (beyond their end: 0). Texts are read as
 * selectolax reads them: Lexbor's textContent for an element, the direct text nodes' data
 * joined for the others, decoded as UTF-8 with "replace" only when not ASCII (an ASCII text
 * is counted in its bytes). Every buffer Lexbor hands out is given back to the document at
 * once. Walks are in LexborNode.traverse's order and never recurse.
 *
 * How they reach Lexbor, all through what selectolax publishes for Cython modules
 * (selectolax/lexbor.pxd): a LexborNode's ``mem_id`` is its lxb_dom_node_t pointer; the
 * static ``LexborNode.new(node, parser)`` is the first entry of the type's vtable, the
 * capsule ``LexborNode.__pyx_vtable__`` that a module cimporting it reads; Lexbor's
 * functions are exported by selectolax's module and looked up there with dlsym (the module
 * is loaded already; RTLD_NOLOAD never loads a second copy). ``bind`` does that once, at
 * import (cwalks.py).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <dlfcn.h>
#include <stdint.h>
#include <string.h>

/* lxb_dom_node_type_t: the DOM's nodeType numbers. */
#define NODE_ELEMENT 1
#define NODE_TEXT 3
#define NODE_DOCUMENT 9
#define TAG_IDS 4096  /* longest id table accepted; Lexbor's own tags are below ~200 */

typedef struct node node;
static node *(*first_child)(node *);
static node *(*next_sibling)(node *);
static node *(*parent_of)(node *);
static uintptr_t (*tag_id_of)(node *);
static int (*type_of)(node *);
static unsigned char *(*text_content)(node *, size_t *);
static void *(*destroy_text)(node *, unsigned char *);
typedef struct attr attr;
static attr *(*first_attr)(node *);
static attr *(*next_attr)(attr *);
static const unsigned char *(*attr_name)(attr *, size_t *);
static const unsigned char *(*attr_value)(attr *, size_t *);
/* LexborNode.new: a new reference, or NULL with an exception set */
static PyObject *(*new_node)(node *, PyObject *);
/* LexborHTMLParser, the type new_node's second argument must have */
static PyTypeObject *parser_type;

static PyObject *
bind(PyObject *Py_UNUSED(module), PyObject *args)
{
    const char *path;
    PyObject *capsule, *parser_class;
    if (!PyArg_ParseTuple(args, "sOO!", &path, &capsule, &PyType_Type, &parser_class))
        return NULL;
    void *lib = dlopen(path, RTLD_NOW | RTLD_NOLOAD);
    void **vtable = PyCapsule_IsValid(capsule, NULL) ? PyCapsule_GetPointer(capsule, NULL) : NULL;
    PyErr_Clear();
    if (lib == NULL || vtable == NULL || vtable[0] == NULL)
        Py_RETURN_FALSE;
    first_child = (node *(*)(node *))dlsym(lib, "lxb_dom_node_first_child_noi");
    next_sibling = (node *(*)(node *))dlsym(lib, "lxb_dom_node_next_noi");
    parent_of = (node *(*)(node *))dlsym(lib, "lxb_dom_node_parent_noi");
    tag_id_of = (uintptr_t (*)(node *))dlsym(lib, "lxb_dom_node_tag_id_noi");
    type_of = (int (*)(node *))dlsym(lib, "lxb_dom_node_type_noi");
    text_content = (unsigned char *(*)(node *, size_t *))dlsym(lib, "lxb_dom_node_text_content");
    destroy_text = (void *(*)(node *, unsigned char *))dlsym(
        lib, "lxb_dom_document_destroy_text_noi");
    first_attr = (attr *(*)(node *))dlsym(lib, "lxb_dom_element_first_attribute_noi");
    next_attr = (attr *(*)(attr *))dlsym(lib, "lxb_dom_element_next_attribute_noi");
    attr_name = (const unsigned char *(*)(attr *, size_t *))dlsym(
        lib, "lxb_dom_attr_local_name_noi");
    attr_value = (const unsigned char *(*)(attr *, size_t *))dlsym(lib, "lxb_dom_attr_value_noi");
    new_node = (PyObject *(*)(node *, PyObject *))vtable[0];
    Py_XSETREF(parser_type, (PyTypeObject *)Py_NewRef(parser_class));
    dlclose(lib);  /* (NOLOAD took a reference to the loaded module: give it back) */
    if (!(first_child && next_sibling && parent_of && tag_id_of && type_of && text_content
          && destroy_text && first_attr && next_attr && attr_name && attr_value)) {
        first_child = NULL;
        Py_RETURN_FALSE;
    }
    Py_RETURN_TRUE;
}

/* A growing byte buffer for the joined direct text of one element. */
typedef struct {
    char *data;
    size_t length, size;
} buffer;

static int
append(buffer *buf, const unsigned char *data, size_t length)
{
    if (buf->length + length > buf->size) {
        size_t size = buf->size ? buf->size : 256;
        while (size < buf->length + length)
            size *= 2;
        char *grown = PyMem_Realloc(buf->data, size);
        if (grown == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        buf->data = grown;
        buf->size = size;
    }
    memcpy(buf->data + buf->length, data, length);
    buf->length += length;
    return 0;
}

/* strings.nonspace's white space and patterns.COMMAS, as code points. */
static int
is_space(Py_UCS4 c)
{
    return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == 0xA0;
}

static int
is_comma(Py_UCS4 c)
{
    return c == ',' || c == 0xFF0C || c == 0x3001 || c == 0x060C || c == 0x061B || c == 0xFF1B;
}

/* The non-space characters and the commas of a UTF-8 text; -1 with an exception set. */
static int
count(const char *data, size_t length, Py_ssize_t *chars, Py_ssize_t *commas)
{
    size_t i;
    for (i = 0; i < length && !((unsigned char)data[i] & 0x80); i++)
        ;
    Py_ssize_t nonspace = 0, separators = 0;
    if (i == length) {  /* ASCII: a byte is a character */
        for (i = 0; i < length; i++) {
            unsigned char c = (unsigned char)data[i];
            nonspace += !is_space(c);
            separators += c == ',';
        }
    } else {
        PyObject *text = PyUnicode_DecodeUTF8(data, (Py_ssize_t)length, "replace");
        if (text == NULL)
            return -1;
        int kind = PyUnicode_KIND(text);
        const void *chars_of = PyUnicode_DATA(text);
        Py_ssize_t size = PyUnicode_GET_LENGTH(text);
        for (Py_ssize_t k = 0; k < size; k++) {
            Py_UCS4 c = PyUnicode_READ(kind, chars_of, k);
            nonspace += !is_space(c);
            separators += is_comma(c);
        }
        Py_DECREF(text);
    }
    *chars = nonspace;
    *commas = separators;
    return 0;
}

/* The node after ``current`` in pre-order under ``root`` (LexborNode.traverse's order):
 * its first child, else the next sibling of the nearest node up to ``root`` that has one;
 * NULL at the end. */
static node *
following(node *current, node *root)
{
    node *down = first_child(current);
    if (down != NULL)
        return down;
    while (current != NULL && current != root && next_sibling(current) == NULL)
        current = parent_of(current);
    return current == NULL || current == root ? NULL : next_sibling(current);
}

/* The deep text of ``element`` (Lexbor's textContent), measured; -1 on an error. */
static int
measure_deep(node *document, node *element, size_t min_chars, Py_ssize_t *chars,
             Py_ssize_t *commas)
{
    size_t length = 0;
    unsigned char *text = text_content(element, &length);
    if (text == NULL)
        return 0;
    int status = 0;
    if (length >= min_chars)  /* (bytes are at least the characters they encode) */
        status = count((const char *)text, length, chars, commas);
    destroy_text(document, text);
    return status;
}

/* What link counting may still walk (units.py's _Budget). */
typedef struct {
    Py_ssize_t left, first;
    node *body;  /* NULL once its elements were counted */
} budget;

/* The non-space text of the links in ``unit`` shorter than ``card`` characters each
 * (measure.link_chars) while the budget lasts, else 0; -1 with an exception set. */
static int
link_chars(node *document, node *unit, uintptr_t a_id, Py_ssize_t card, budget *left,
           Py_ssize_t *links)
{
    *links = 0;
    if (left->left <= 0) {
        if (left->body == NULL)
            return 0;
        Py_ssize_t elements = 0;  /* body.css("*"): the body and the elements under it */
        for (node *current = left->body; current != NULL;
             current = following(current, left->body))
            elements += type_of(current) == NODE_ELEMENT;
        left->left += 2 * elements - left->first;
        left->body = NULL;
        if (left->left <= 0)
            return 0;
    }
    Py_ssize_t steps = 0, total = 0;
    for (node *current = unit; current != NULL; current = following(current, unit)) {
        if (type_of(current) == NODE_TEXT)
            continue;
        steps++;
        if (tag_id_of(current) != a_id)
            continue;
        Py_ssize_t size = 0, commas;
        if (measure_deep(document, current, 0, &size, &commas) < 0)
            return -1;
        if (size < card)
            total += size;
    }
    left->left -= steps;
    *links = total;
    return 0;
}

/* Append (node object, chars, commas, links) to ``out``; -1 with an exception set. */
static int
add(PyObject *out, node *element, PyObject *parser, Py_ssize_t chars, Py_ssize_t commas,
    Py_ssize_t links)
{
    PyObject *object = new_node(element, parser);
    if (object == NULL)
        return -1;
    PyObject *row = Py_BuildValue("(Nnnn)", object, chars, commas, links);
    if (row == NULL)
        return -1;
    int failed = PyList_Append(out, row);
    Py_DECREF(row);
    return failed;
}

/* The document of ``start``: the top of its chain of parents (NULL if that is none). */
static node *
document_of(node *start)
{
    node *top = start;
    for (node *up = parent_of(top); up != NULL; up = parent_of(up))
        top = up;
    return type_of(top) == NODE_DOCUMENT ? top : NULL;
}

/* The direct text of ``element`` (its text children's data, joined), measured. */
static int
measure_direct(node *document, node *element, size_t min_chars, buffer *buf,
               Py_ssize_t *chars, Py_ssize_t *commas)
{
    buf->length = 0;
    for (node *child = first_child(element); child != NULL; child = next_sibling(child)) {
        if (type_of(child) != NODE_TEXT)
            continue;
        size_t length = 0;
        unsigned char *text = text_content(child, &length);
        if (text == NULL)
            continue;
        int failed = append(buf, text, length);
        destroy_text(document, text);
        if (failed)
            return -1;
    }
    if (buf->length < min_chars)
        return 0;
    return count(buf->data, buf->length, chars, commas);
}

/* ``parser`` is a LexborHTMLParser: -1 with an exception set if not, or if unbound. */
static int
check_parser(PyObject *parser)
{
    if (first_child == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "not bound to Lexbor (bind)");
        return -1;
    }
    if (!PyObject_TypeCheck(parser, parser_type)) {
        PyErr_Format(PyExc_TypeError, "expected a %.100s, not %.100s", parser_type->tp_name,
                     Py_TYPE(parser)->tp_name);
        return -1;
    }
    return 0;
}

static int
read_ids(PyObject *ids, Py_buffer *view)
{
    if (PyObject_GetBuffer(ids, view, PyBUF_SIMPLE) < 0)
        return -1;
    if (view->len > TAG_IDS) {
        PyBuffer_Release(view);
        PyErr_SetString(PyExc_ValueError, "tag id table too long");
        return -1;
    }
    return 0;
}

/* Two tag id tables (both read, or neither: -1 with an exception set). */
static int
read_two_ids(PyObject *first, PyObject *second, Py_buffer *first_view, Py_buffer *second_view)
{
    if (read_ids(first, first_view) < 0)
        return -1;
    if (read_ids(second, second_view) < 0) {
        PyBuffer_Release(first_view);
        return -1;
    }
    return 0;
}

static PyObject *
units(PyObject *Py_UNUSED(module), PyObject *args)
{
    unsigned long long body_id, a_id;
    PyObject *parser, *deep_ids, *direct_ids;
    Py_ssize_t min_chars, card_chars, link_steps;
    if (!PyArg_ParseTuple(args, "KOOOnKnn", &body_id, &parser, &deep_ids, &direct_ids,
                          &min_chars, &a_id, &card_chars, &link_steps))
        return NULL;
    if (check_parser(parser) < 0)
        return NULL;
    Py_buffer deep_view, direct_view;
    if (read_two_ids(deep_ids, direct_ids, &deep_view, &direct_view) < 0)
        return NULL;
    const unsigned char *deep_of = deep_view.buf, *direct_of = direct_view.buf;
    size_t deep_n = (size_t)deep_view.len, direct_n = (size_t)direct_view.len;
    size_t least = min_chars > 0 ? (size_t)min_chars : 0;
    PyObject *deep = PyList_New(0), *direct = PyList_New(0), *result = NULL;
    buffer buf = {NULL, 0, 0};
    node *root = (node *)(uintptr_t)body_id;
    node *document = document_of(root);
    if (deep == NULL || direct == NULL)
        goto done;
    if (document == NULL) {  /* (units.py walks such a node in Python) */
        result = Py_NewRef(Py_None);
        goto done;
    }
    budget left = {link_steps, link_steps, root};
    for (node *current = root; current != NULL; current = following(current, root)) {
        if (type_of(current) == NODE_TEXT)
            continue;
        uintptr_t tag = tag_id_of(current);
        Py_ssize_t chars = 0, commas = 0, links = 0;
        if (tag < deep_n && deep_of[tag]) {
            if (measure_deep(document, current, least, &chars, &commas) < 0)
                goto done;
            if (chars < min_chars)
                continue;
            if (link_chars(document, current, (uintptr_t)a_id, card_chars, &left, &links) < 0
                || add(deep, current, parser, chars, commas, links) < 0)
                goto done;
        } else if (tag < direct_n && direct_of[tag]) {
            if (measure_direct(document, current, least, &buf, &chars, &commas) < 0)
                goto done;
            if (chars >= min_chars && add(direct, current, parser, chars, commas, 0) < 0)
                goto done;
        }
    }
    result = PyTuple_Pack(2, deep, direct);
done:
    PyMem_Free(buf.data);
    Py_XDECREF(deep);
    Py_XDECREF(direct);
    PyBuffer_Release(&deep_view);
    PyBuffer_Release(&direct_view);
    return result;
}

static PyObject *
elements(PyObject *Py_UNUSED(module), PyObject *args)
{
    unsigned long long root_id, body_id;
    PyObject *parser, *head_ids, *body_ids;
    Py_ssize_t count;
    if (!PyArg_ParseTuple(args, "KOKOOn", &root_id, &parser, &body_id, &head_ids, &body_ids,
                          &count))
        return NULL;
    if (check_parser(parser) < 0)
        return NULL;
    if (count < 1 || count > 255) {
        PyErr_SetString(PyExc_ValueError, "lists must be 1 to 255");
        return NULL;
    }
    Py_buffer head_view, body_view;
    if (read_two_ids(head_ids, body_ids, &head_view, &body_view) < 0)
        return NULL;
    PyObject *found = PyList_New(count), *at_body = PyList_New(count), *result = NULL;
    if (found == NULL || at_body == NULL)
        goto done;
    for (Py_ssize_t k = 0; k < count; k++) {
        PyObject *list = PyList_New(0);
        if (list == NULL)
            goto done;
        PyList_SET_ITEM(found, k, list);
        PyList_SET_ITEM(at_body, k, Py_NewRef(Py_None));  /* (set at the body) */
    }
    node *root = (node *)(uintptr_t)root_id, *body = (node *)(uintptr_t)body_id;
    const unsigned char *ids = head_view.buf;
    size_t ids_n = (size_t)head_view.len;
    for (node *current = root; current != NULL; current = following(current, root)) {
        if (current == body) {
            for (Py_ssize_t k = 0; k < count; k++) {
                PyObject *length = PyLong_FromSsize_t(PyList_GET_SIZE(PyList_GET_ITEM(found, k)));
                if (length == NULL)
                    goto done;
                PyList_SetItem(at_body, k, length);  /* (steals it; drops the None) */
            }
            ids = body_view.buf;
            ids_n = (size_t)body_view.len;
            continue;
        }
        if (type_of(current) == NODE_TEXT)
            continue;
        uintptr_t tag = tag_id_of(current);
        unsigned char list = tag < ids_n ? ids[tag] : 0;
        if (list == 0 || list > count)
            continue;
        PyObject *object = new_node(current, parser);
        if (object == NULL)
            goto done;
        int failed = PyList_Append(PyList_GET_ITEM(found, list - 1), object);
        Py_DECREF(object);
        if (failed)
            goto done;
    }
    result = PyTuple_Pack(2, found, at_body);
done:
    Py_XDECREF(found);
    Py_XDECREF(at_body);
    PyBuffer_Release(&head_view);
    PyBuffer_Release(&body_view);
    return result;
}

#define MAX_TESTS 16

typedef struct {
    const char *name, *needle;
    Py_ssize_t name_length, needle_length;
    int fold, group;
} test;

/* Whether ``needle`` (not empty) occurs in ``value``, ASCII case folded with ``fold``. */
static int
holds(const unsigned char *value, size_t length, const char *needle, size_t needle_length,
      int fold)
{
    if (value == NULL || length < needle_length)
        return 0;
    for (size_t start = 0; start + needle_length <= length; start++) {
        size_t k = 0;
        while (k < needle_length) {
            unsigned char a = value[start + k], b = (unsigned char)needle[k];
            if (fold) {
                a = (a >= 'A' && a <= 'Z') ? (unsigned char)(a + 32) : a;
                b = (b >= 'A' && b <= 'Z') ? (unsigned char)(b + 32) : b;
            }
            if (a != b)
                break;
            k++;
        }
        if (k == needle_length)
            return 1;
    }
    return 0;
}

/* Read ``groups`` into ``tests``: the number of tests, or -1 with an exception set. */
static int
read_tests(PyObject *groups, test *tests)
{
    int count = 0;
    for (Py_ssize_t g = 0; g < PyTuple_GET_SIZE(groups); g++) {
        PyObject *group = PyTuple_GET_ITEM(groups, g);
        if (!PyTuple_Check(group)) {
            PyErr_SetString(PyExc_TypeError, "a group is a tuple of tests");
            return -1;
        }
        for (Py_ssize_t t = 0; t < PyTuple_GET_SIZE(group); t++) {
            test *one = &tests[count];
            PyObject *needle;
            if (count == MAX_TESTS) {
                PyErr_SetString(PyExc_ValueError, "too many attribute tests");
                return -1;
            }
            if (!PyArg_ParseTuple(PyTuple_GET_ITEM(group, t), "y#Op", &one->name,
                                  &one->name_length, &needle, &one->fold))
                return -1;
            one->needle = NULL;
            one->needle_length = 0;
            if (needle != Py_None) {
                if (!PyBytes_Check(needle) || PyBytes_GET_SIZE(needle) == 0) {
                    PyErr_SetString(PyExc_TypeError, "a needle is bytes, not empty, or None");
                    return -1;
                }
                one->needle = PyBytes_AS_STRING(needle);
                one->needle_length = PyBytes_GET_SIZE(needle);
            }
            one->group = (int)g;
            count++;
        }
    }
    return count;
}

static PyObject *
flagged(PyObject *Py_UNUSED(module), PyObject *args)
{
    unsigned long long root_id;
    PyObject *parser, *groups;
    if (!PyArg_ParseTuple(args, "KOO!", &root_id, &parser, &PyTuple_Type, &groups))
        return NULL;
    if (check_parser(parser) < 0)
        return NULL;
    test tests[MAX_TESTS];
    int count = read_tests(groups, tests);  /* (the bytes stay alive in ``groups``) */
    if (count < 0)
        return NULL;
    Py_ssize_t lists = PyTuple_GET_SIZE(groups);
    PyObject *found = PyList_New(lists);
    if (found == NULL)
        return NULL;
    for (Py_ssize_t g = 0; g < lists; g++) {
        PyObject *list = PyList_New(0);
        if (list == NULL) {
            Py_DECREF(found);
            return NULL;
        }
        PyList_SET_ITEM(found, g, list);
    }
    node *root = (node *)(uintptr_t)root_id;
    for (node *current = root; current != NULL; current = following(current, root)) {
        if (type_of(current) != NODE_ELEMENT)
            continue;
        /* Each attribute is read once (the parser keeps one of a name), its tests noted. */
        unsigned passed = 0;
        for (attr *one = first_attr(current); one != NULL; one = next_attr(one)) {
            size_t name_length = 0, length = 0;
            const unsigned char *name = attr_name(one, &name_length), *value = NULL;
            for (int t = 0; t < count; t++) {
                if ((size_t)tests[t].name_length != name_length
                    || memcmp(name, tests[t].name, name_length) != 0)
                    continue;
                if (tests[t].needle != NULL) {
                    if (value == NULL)
                        value = attr_value(one, &length);
                    if (!holds(value, length, tests[t].needle, (size_t)tests[t].needle_length,
                               tests[t].fold))
                        continue;
                }
                passed |= 1u << t;
            }
        }
        if (passed == 0)
            continue;
        PyObject *object = new_node(current, parser);
        if (object == NULL) {
            Py_DECREF(found);
            return NULL;
        }
        for (int t = 0; t < count; t++) {
            if ((passed & (1u << t))
                && PyList_Append(PyList_GET_ITEM(found, tests[t].group), object) < 0) {
                Py_DECREF(object);
                Py_DECREF(found);
                return NULL;
            }
        }
        Py_DECREF(object);
    }
    return found;
}

static PyMethodDef methods[] = {
    {"bind", bind, METH_VARARGS,
     "bind(selectolax_module_path, LexborNode.__pyx_vtable__, LexborHTMLParser) -> bool: find "
     "Lexbor's functions and LexborNode.new."},
    {"units", units, METH_VARARGS,
     "units(body_mem_id, parser, deep_ids, direct_ids, min_chars, a_id, card_chars, link_steps)"
     " -> (deep, direct) or None: the text units under the node, as (node, chars, commas, "
     "links) in document order; None when the node is not in a document."},
    {"flagged", flagged, METH_VARARGS,
     "flagged(root_mem_id, parser, groups) -> lists: per group of (name, needle, fold) "
     "attribute tests, the elements that pass them, as root.css() of the selectors lists."},
    {"elements", elements, METH_VARARGS,
     "elements(root_mem_id, parser, body_mem_id, head_ids, body_ids, lists) -> (found, "
     "at_body): the elements under root by list, before and after body."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_walks", "Walks over Lexbor's tree in C.", -1, methods,
};

PyMODINIT_FUNC
PyInit__walks(void)
{
    return PyModule_Create(&module);
}
