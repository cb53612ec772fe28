"""Decode stage: turn the caller's ``str`` or ``bytes`` into the one ``str`` every stage reads.

Bytes are first checked against the magic numbers of common non-HTML formats (PDF, images,
archives, executables, media) and refused with ``NotHTML``, and so are bytes that look like
no text at all: more than 8 % C0 control characters (whitespace and ESC aside) in the first
4 KB, when there are at least 256 bytes to judge and they are not BOM-less UTF-16. Random
or compressed data holds ~10 % of them, text next to none. Anything else, including plain
text and tag-less HTML, is decoded. The charset is chosen in WHATWG order:

1. a byte-order mark (UTF-8, UTF-16 LE/BE; UTF-32 LE/BE too, which browsers no longer read
   but which is unambiguous);
2. the caller's ``charset`` (the transport's ``Content-Type``), if it names a web encoding;
3. ``<meta charset>`` / ``<meta http-equiv="Content-Type" content="…; charset=…">`` in the
   first 4096 bytes (a UTF-16/32 label there means UTF-8, as the spec says);
4. UTF-16 without a BOM, when every other byte of the start is NUL;
5. UTF-8, when the bytes are valid UTF-8;
6. charset-normalizer on the first 64 KB;
7. windows-1252.

Labels go through the WHATWG mapping: latin-1/ISO-8859-1/ASCII mean windows-1252, GBK and
GB2312 mean GB18030, Shift_JIS means windows-31J and so on. UTF-7 and the other labels that
are not web encodings (``hz``, ``base64``, ``unicode_escape`` …) are ignored, never obeyed.
Decoding always uses ``errors="replace"``.

NUL characters are removed (not replaced): the tree builder drops them from text anyway,
and a stray U+FFFD in the article is worse than nothing. Lone surrogates in a ``str`` (they
come from JSON such as ``"\\ud800"``) become U+FFFD, so every later stage, and whoever encodes
the result, gets valid Unicode.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

from ..errors import NotHTML
from . import strings

__all__ = ["Decoded", "decode", "resolve_label", "to_text"]

_META_WINDOW = 4096          # the HTML spec's prescan window for <meta charset>
_DETECT_WINDOW = 64 * 1024   # charset-normalizer is slow; the start of a page is enough
_BINARY_WINDOW = 4096
_BINARY_MIN_BYTES = 256      # too short to judge by control characters
_BINARY_CONTROL_SHARE = 0.08  # random or compressed bytes hold ~10 %, text next to none

# (offset, magic, what it is). Only magics that cannot begin a text document: where a
# format's signature is printable ("OTTO", "ID3", "MThd"), the binary bytes after it are
# part of the match, so a page starting with the word "OTTO" is still read.
_MAGICS: tuple[tuple[int, bytes, str], ...] = (
    (0, b"%PDF-", "a PDF document"),
    (0, b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (0, b"\xff\xd8\xff", "a JPEG image"),
    (0, b"GIF87a", "a GIF image"),
    (0, b"GIF89a", "a GIF image"),
    (0, b"II*\x00", "a TIFF image"),
    (0, b"MM\x00*", "a TIFF image"),
    (0, b"\x00\x00\x01\x00", "an ICO image"),
    (0, b"\x00\x00\x02\x00", "a CUR image"),
    (0, b"wOFF\x00\x01\x00\x00", "a WOFF font"),
    (0, b"wOFFOTTO", "a WOFF font"),
    (0, b"wOF2\x00\x01\x00\x00", "a WOFF2 font"),
    (0, b"wOF2OTTO", "a WOFF2 font"),
    (0, b"OTTO\x00", "an OpenType font"),
    (0, b"\x00\x01\x00\x00\x00", "a TrueType font"),
    (0, b"PK\x03\x04", "a ZIP archive (or DOCX/XLSX/EPUB/JAR)"),
    (0, b"PK\x05\x06", "an empty ZIP archive"),
    (0, b"PK\x07\x08", "a spanned ZIP archive"),
    (0, b"\x1f\x8b", "gzip-compressed data"),
    (0, b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (0, b"Rar!\x1a\x07", "a RAR archive"),
    *((0, b"BZh%d1AY&SY" % level, "bzip2-compressed data") for level in range(1, 10)),
    (0, b"\xfd7zXZ\x00", "xz-compressed data"),
    (0, b"\x28\xb5\x2f\xfd", "zstd-compressed data"),
    (0, b"\x04\x22\x4d\x18", "LZ4-compressed data"),
    (257, b"ustar\x00", "a tar archive"),
    (257, b"ustar  \x00", "a tar archive"),
    (0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an OLE document (DOC/XLS/PPT/MSI)"),
    (0, b"SQLite format 3\x00", "an SQLite database"),
    (0, b"\x7fELF", "an ELF executable"),
    (0, b"\xca\xfe\xba\xbe", "a Java class or Mach-O universal binary"),
    (0, b"\xcf\xfa\xed\xfe", "a Mach-O executable"),
    (0, b"\xce\xfa\xed\xfe", "a Mach-O executable"),
    (0, b"\x00asm", "a WebAssembly module"),
    (4, b"ftyp", "an MP4/MOV/HEIC/AVIF file"),
    (0, b"\x1a\x45\xdf\xa3", "a Matroska/WebM video"),
    (0, b"OggS\x00", "an Ogg media file"),
    (0, b"fLaC", "a FLAC audio file"),
    (0, b"ID3\x02", "an MP3 audio file"),
    (0, b"ID3\x03", "an MP3 audio file"),
    (0, b"ID3\x04", "an MP3 audio file"),
    (0, b"\xff\xfb", "an MP3 audio file"),
    (0, b"\xff\xf3", "an MP3 audio file"),
    (0, b"\xff\xf2", "an MP3 audio file"),
    (0, b"MThd\x00\x00\x00\x06", "a MIDI file"),
    (0, b"FLV\x01", "a Flash video"),
)
_RIFF_KINDS = {b"WEBP": "a WebP image", b"WAVE": "a WAV audio file", b"AVI ": "an AVI video"}
_MAGIC_HEAD = max(offset + len(magic) for offset, magic, _ in _MAGICS)


def _index_magics() -> dict[tuple[int, int], tuple[tuple[bytes, str], ...]]:
    index: dict[tuple[int, int], list[tuple[bytes, str]]] = {}
    for offset, magic, what in _MAGICS:
        index.setdefault((offset, magic[0]), []).append((magic, what))
    return {key: tuple(entries) for key, entries in index.items()}


# By (offset, first byte): a page is checked against the one or two magics it could be.
_MAGIC_INDEX = _index_magics()
_MAGIC_OFFSETS = tuple(sorted({offset for offset, _, _ in _MAGICS}))

# C0 controls that never occur in text (tab, LF, VT, FF, CR and ESC, used by ISO-2022-JP,
# are left out), deleted with bytes.translate to count them at C speed.
_TEXT_BYTES = bytes(b for b in range(256) if not (b < 32 and b not in b"\t\n\x0b\x0c\r\x1b"))

_BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32 LE must be tested before UTF-16 LE: its BOM starts with the same two bytes.
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)

# One regex for both meta forms: the charset= may sit in the charset attribute or inside
# content="text/html; charset=…". Bounded gaps keep it linear on hostile input.
# "charset=" is found first (a plain scan), then checked to sit inside a <meta> tag: both
# meta forms carry it, in the charset attribute or in content="text/html; charset=…".
_CHARSET = re.compile(rb"""charset\s*=\s*["']?\s*([a-z0-9._:+-]{1,40})""")

# WHATWG labels Python does not know, or knows as a different codec.
_LABELS = {
    "x-sjis": "cp932", "windows-31j": "cp932", "ms_kanji": "cp932", "csshiftjis": "cp932",
    "x-mac-cyrillic": "mac-cyrillic", "x-mac-ukrainian": "mac-cyrillic",
    "mac": "mac-roman", "x-mac-roman": "mac-roman", "csmacintosh": "mac-roman",
    "iso-8859-8-i": "iso8859-8", "csiso88598i": "iso8859-8", "logical": "iso8859-8",
    "windows-874": "cp874", "dos-874": "cp874", "x-gbk": "gb18030",
    "x-euc-jp": "euc_jp", "windows-949": "cp949", "korean": "cp949",
    "x-x-big5": "big5hkscs", "cn-big5": "big5hkscs", "csbig5": "big5hkscs",
    "unicode-1-1-utf-8": "utf-8", "unicode11utf8": "utf-8", "unicode20utf8": "utf-8",
    "x-unicode20utf8": "utf-8", "ucs-2": "utf-16-le", "unicode": "utf-16-le",
    "unicodefeff": "utf-16-le", "csunicode": "utf-16-le", "unicodefffe": "utf-16-be",
    "x-user-defined": "cp1252", **{f"x-cp125{d}": f"cp125{d}" for d in range(9)},
}
# Python codec → the decoder WHATWG really uses for it (supersets of the legacy charsets).
_SUPERSETS = {
    "iso8859-1": "cp1252", "ascii": "cp1252", "iso8859-9": "cp1254", "iso8859-11": "cp874",
    "tis-620": "cp874", "gb2312": "gb18030", "gbk": "gb18030", "shift_jis": "cp932",
    "euc_kr": "cp949", "big5": "big5hkscs", "utf-16": "utf-16-le",
}
# The web encodings we obey (Python's canonical names); any other label is ignored.
_WEB_CODECS = frozenset({
    "utf-8", "utf-16-le", "utf-16-be", "cp866", "cp874", "koi8-r", "koi8-u", "mac-roman",
    "mac-cyrillic", "gb18030", "big5hkscs", "euc_jp", "iso2022_jp", "cp932", "cp949",
    *(f"cp125{d}" for d in range(9)),
    *(f"iso8859-{n}" for n in (2, 3, 4, 5, 6, 7, 8, 10, 13, 14, 15, 16)),
})


def to_text(data: str | bytes, charset: str | None = None) -> str:
    """The document as text: decoded by BOM, ``charset``, ``<meta>``, then detection.

    Raises ``NotHTML`` when the bytes are a known binary format. Never raises for invalid
    byte sequences: they become U+FFFD.
    """
    return decode(data, charset).text


@dataclass(frozen=True, slots=True)
class Decoded:
    """The document as text, and as the UTF-8 bytes of that same text when they came for
    free or nearly (the parser reads UTF-8: handing it these saves encoding the text once
    more; the pre-scan counts the '<' faster in them)."""

    text: str
    utf8: bytes | None = None


def decode(data: str | bytes, charset: str | None = None) -> Decoded:
    """``to_text``, with the text's UTF-8 bytes when checking or decoding produced them."""
    if isinstance(data, str):
        return _clean_str(data)
    data = bytes(data)
    _refuse_binary(data)
    encoding, start = _declared_encoding(data, charset)
    raw = data[start:] if start else data
    utf8: bytes | None = None
    if encoding is None:
        text, utf8 = _sniff_and_decode(data)
    elif encoding == "utf-8":
        try:
            text, utf8 = raw.decode("utf-8"), raw
        except UnicodeDecodeError:
            text = raw.decode("utf-8", "replace")
    else:
        text = raw.decode(encoding, "replace")
    # Looking for a NUL byte is a memchr; no decoder makes U+0000 out of anything else.
    if b"\x00" in data:
        return Decoded(text.replace("\x00", ""))
    return Decoded(text, utf8)


def _clean_str(text: str) -> Decoded:
    if text.isascii():  # O(1): an ASCII str cannot hold surrogates
        text = text.replace("\x00", "") if "\x00" in text else text
        return Decoded(text, text.encode("ascii"))  # (a copy, which the parser makes anyway)
    try:
        utf8 = strings.utf8(text)  # (in C: most of a page's ASCII 16 bytes at a time)
    except UnicodeEncodeError:
        # Joins surrogate pairs into their character, turns lone halves into U+FFFD.
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
        return Decoded(text.replace("\x00", "") if "\x00" in text else text)
    # Looked for in the bytes: a memchr there, a slow loop in a str of 2- or 4-byte
    # characters (whose zero high bytes stop memchr at every ASCII character).
    if b"\x00" in utf8:
        return Decoded(text.replace("\x00", ""), utf8.replace(b"\x00", b""))
    return Decoded(text, utf8)


def resolve_label(label: str | None, *, from_meta: bool = False) -> str | None:
    """The Python codec for a charset label, or None if it is not a web encoding."""
    if not label:
        return None
    name = label.strip().strip("\"'").strip().lower()
    name = _LABELS.get(name, name)
    try:
        name = codecs.lookup(name).name
    except LookupError:
        return None
    name = _SUPERSETS.get(name, name)
    if from_meta and name in ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "utf-32"):
        return "utf-8"  # a page that can declare its charset in ASCII is not UTF-16
    return name if name in _WEB_CODECS else None


def _declared_encoding(data: bytes, charset: str | None) -> tuple[str | None, int]:
    """(codec, offset of the text after any BOM); codec None when nothing declares one."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding, len(bom)
    declared = resolve_label(charset)
    if declared:
        return declared, 0
    head = data[:_META_WINDOW].lower()  # lower-cased once: the search is then a plain find
    for match in _CHARSET.finditer(head):
        tag = head.rfind(b"<", 0, match.start())
        if tag >= 0 and head.startswith(b"meta", tag + 1) and (
                head.find(b">", tag, match.start()) < 0):
            declared = resolve_label(match.group(1).decode("ascii"), from_meta=True)
            if declared:
                return declared, 0
    return None, 0


def _sniff_and_decode(data: bytes) -> tuple[str, bytes | None]:
    """No label to go by: UTF-16 by its NULs, UTF-8 if valid, else detection. With the
    text, ``data`` itself when it was valid UTF-8."""
    utf16 = _utf16_without_bom(data)
    if utf16:
        return data.decode(utf16, "replace"), None
    try:
        return data.decode("utf-8"), data  # the common case: one strict pass
    except UnicodeDecodeError as error:
        if error.start >= len(data) - 3 and error.reason == "unexpected end of data":
            # valid UTF-8 cut inside its last character
            return data.decode("utf-8", "replace"), None
    best = from_bytes(data[:_DETECT_WINDOW]).best()
    detected = resolve_label(best.encoding) if best is not None else None
    return data.decode(detected or "cp1252", "replace"), None


def _utf16_without_bom(data: bytes) -> str | None:
    head = data[:512]
    if len(head) < 16:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) >= 0.9 * len(odd) and even.count(0) <= 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) >= 0.9 * len(even) and odd.count(0) <= 0.1 * len(odd):
        return "utf-16-be"
    return None


def _refuse_binary(data: bytes) -> None:
    """Raise NotHTML for a known binary magic number, or for bytes that are mostly controls."""
    head = data[:_MAGIC_HEAD]
    for offset in _MAGIC_OFFSETS:
        if len(head) <= offset:
            break
        for magic, what in _MAGIC_INDEX.get((offset, head[offset]), ()):
            if head.startswith(magic, offset):
                raise NotHTML(f"the document is {what}, not HTML (magic bytes {magic!r})")
    if head.startswith(b"RIFF") and head[8:12] in _RIFF_KINDS:
        raise NotHTML(f"the document is {_RIFF_KINDS[head[8:12]]}, not HTML")
    if head.startswith(b"BM") and head[6:10] == b"\x00\x00\x00\x00":
        raise NotHTML("the document is a BMP image, not HTML")
    window = data[:_BINARY_WINDOW]
    if len(window) < _BINARY_MIN_BYTES or any(window.startswith(b) for b, _ in _BOMS):
        return
    if _utf16_without_bom(window):
        return
    controls = len(window.translate(None, _TEXT_BYTES))
    if controls > _BINARY_CONTROL_SHARE * len(window):
        raise NotHTML(
            f"the document looks like binary data ({controls} control bytes in the first "
            f"{len(window)}), not HTML")
