"""Decode stage: str/bytes → str, charset precedence, binary refusal, NULs and surrogates."""

from __future__ import annotations

import random

import pytest

from plainpage.errors import InputError, NotHTML
from plainpage.extract.decode import decode, resolve_label, to_text

RUSSIAN = "Съешь же ещё этих мягких французских булок, да выпей чаю. " * 4


# -- str input ----------------------------------------------------------------------------

def test_str_passes_through_unchanged() -> None:
    text = "<p>Grüße, 世界 — ok</p>"
    assert to_text(text) == text


def test_str_nul_characters_are_removed() -> None:
    assert to_text("<p>a\x00b\x00</p>") == "<p>ab</p>"


def test_str_lone_surrogates_become_replacement_characters() -> None:
    text = to_text("<p>x\ud800y\udfffz</p>")
    assert text == "<p>x\ufffdy\ufffdz</p>"
    text.encode("utf-8")  # valid Unicode for every later consumer


def test_str_surrogate_pair_is_joined_into_its_character() -> None:
    assert to_text("<p>é \ud83d\ude00</p>") == "<p>é 😀</p>"


@pytest.mark.parametrize("text", ["<p>plain</p>", "<p>a\x00b</p>", "<p>Grüße, 世界</p>",
                                  "<p>x\x00ж\U0001f600</p>", "", "<p>x\ud800</p>"])
def test_utf8_bytes_when_given_are_the_text_encoded(text: str) -> None:
    # The parser reads them instead of the text, the pre-scan counts in them.
    decoded = decode(text)
    assert decoded.utf8 is None or decoded.utf8 == decoded.text.encode("utf-8")
    data = text.encode("utf-8", "replace")
    for decoded in (decode(data), decode(b"\xef\xbb\xbf" + data)):
        assert decoded.utf8 is None or decoded.utf8 == decoded.text.encode("utf-8")


# -- byte-order marks -----------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be",
                                      "utf-32-le", "utf-32-be"])
def test_byte_order_mark_decides_and_is_dropped(encoding: str) -> None:
    text = "<p>Grüße, Привет</p>"
    bom = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff",
           "utf-32-le": b"\xff\xfe\x00\x00", "utf-32-be": b"\x00\x00\xfe\xff"}.get(encoding, b"")
    assert to_text(bom + text.encode(encoding)) == text


def test_byte_order_mark_beats_caller_charset_and_meta() -> None:
    data = b"\xef\xbb\xbf<meta charset=windows-1251><p>\xc3\xa9</p>"
    assert to_text(data, "iso-8859-2") == "<meta charset=windows-1251><p>é</p>"


# -- caller charset ---------------------------------------------------------------------------

def test_caller_charset_is_used() -> None:
    assert to_text(f"<p>{RUSSIAN}</p>".encode("cp1251"), "windows-1251") == f"<p>{RUSSIAN}</p>"


def test_caller_charset_beats_meta() -> None:
    data = "<meta charset=utf-8><p>Привет</p>".encode("koi8-r")
    assert to_text(data, "KOI8-R") == "<meta charset=utf-8><p>Привет</p>"


def test_unknown_or_non_web_caller_charset_is_ignored() -> None:
    data = "<meta charset=windows-1251><p>Привет</p>".encode("cp1251")
    for label in ("no-such-charset", "base64", "unicode_escape", "rot13", ""):
        assert to_text(data, label).endswith("<p>Привет</p>")


def test_utf7_is_never_obeyed() -> None:
    data = b"<p>+ADw-script+AD4-alert(1)+ADw-/script+AD4-</p>"
    assert to_text(data, "utf-7") == data.decode("ascii")
    assert to_text(b"<meta charset=utf-7>" + data) == "<meta charset=utf-7>" + data.decode()


# -- <meta> charset -----------------------------------------------------------------------------

@pytest.mark.parametrize("meta", [
    '<meta charset="windows-1251">',
    "<META CHARSET=windows-1251>",
    "<meta charset='cp1251' />",
    '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">',
    '<meta content="text/html;charset=WINDOWS-1251" http-equiv=content-type>',
])
def test_meta_charset_in_either_form(meta: str) -> None:
    page = f"<html><head>{meta}</head><body><p>{RUSSIAN}</p></body></html>"
    assert to_text(page.encode("cp1251")) == page


def test_meta_charset_after_the_prescan_window_is_not_read() -> None:
    page = "<!--" + "x" * 5000 + "--><meta charset=koi8-r><p>caf\u00e9</p>"
    assert to_text(page.encode("utf-8")) == page


def test_meta_declaring_utf16_means_utf8() -> None:
    page = "<meta charset=utf-16><p>café</p>"
    assert to_text(page.encode("utf-8")) == page


@pytest.mark.parametrize("label", ["iso-8859-1", "latin1", "ISO_8859-1", "ascii", "us-ascii"])
def test_latin1_and_ascii_labels_mean_windows_1252(label: str) -> None:
    # 0x93/0x94 are curly quotes in windows-1252 but C1 controls in ISO-8859-1.
    data = f"<meta charset={label}><p>".encode() + b"\x93quoted\x94 \x80 caf\xe9</p>"
    assert to_text(data).endswith("<p>\u201cquoted\u201d \u20ac café</p>")


def test_resolve_label_maps_to_the_whatwg_decoders() -> None:
    assert resolve_label("Shift_JIS") == "cp932"
    assert resolve_label("gb2312") == "gb18030"
    assert resolve_label("x-sjis") == "cp932"
    assert resolve_label(" 'UTF8' ") == "utf-8"
    assert resolve_label("utf-16") == "utf-16-le"
    assert resolve_label("utf-16", from_meta=True) == "utf-8"
    assert resolve_label("utf-7") is None
    assert resolve_label("hz-gb-2312") is None
    assert resolve_label(None) is None


# -- sniffing without a label ---------------------------------------------------------------

def test_valid_utf8_without_label_is_utf8() -> None:
    page = "<p>Grüße, 世界, Привет</p>"
    assert to_text(page.encode("utf-8")) == page


def test_utf8_cut_inside_its_last_character_stays_utf8() -> None:
    data = "<p>Grüße 世界".encode()[:-1]
    assert to_text(data) == "<p>Grüße 世\ufffd"


def test_utf16_without_bom_is_recognised() -> None:
    page = "<html><body><p>Hello, world</p></body></html>"
    assert to_text(page.encode("utf-16-le")) == page
    assert to_text(page.encode("utf-16-be")) == page


def test_legacy_bytes_without_label_are_detected() -> None:
    page = f"<html><body><p>{RUSSIAN}</p></body></html>"
    assert to_text(page.encode("cp1251")) == page


@pytest.mark.parametrize("data", [
    b"<p>\xff\xfe\xfd broken \xc3\x28 \xa0\xa1 \xf0\x28\x8c\xbc</p>",
    b"<p>" + bytes(range(128, 256)) + b"</p>",
    b"\xc3",
    b"",
])
def test_invalid_utf8_never_raises(data: bytes) -> None:
    assert isinstance(to_text(data), str)


def test_random_bytes_decode_or_are_refused_as_binary() -> None:
    rng = random.Random(7)
    for _ in range(300):
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 600)))
        try:
            text = to_text(data, rng.choice([None, "utf-8", "windows-1251", "bogus"]))
        except NotHTML:
            continue
        assert "\x00" not in text
        text.encode("utf-8")


def test_nul_bytes_are_removed() -> None:
    assert to_text(b"<p>a\x00b</p>\x00") == "<p>ab</p>"


# -- plain text and binary formats ------------------------------------------------------------

@pytest.mark.parametrize("data", [
    b"Just some plain text, no tags at all.\n",
    b"OTTO GmbH & Co KG annual report",
    b"ID3 tags are metadata in MP3 files.",
    b"BMW and MINI are car brands.",
    b"RIFF is a container format.",
    b"PK is a common abbreviation.",
    b"   \n\t  ",
    b"Hello",
])
def test_plain_text_is_not_refused(data: bytes) -> None:
    assert to_text(data) == data.decode("ascii")


MAGICS = {
    "pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
    "gif87": b"GIF87a\x01\x00\x01\x00",
    "gif89": b"GIF89a\x01\x00\x01\x00",
    "webp": b"RIFF\x24\x00\x00\x00WEBPVP8 ",
    "wav": b"RIFF\x24\x00\x00\x00WAVEfmt ",
    "bmp": b"BM\x36\x00\x0c\x00\x00\x00\x00\x00\x36\x00",
    "tiff": b"II*\x00\x08\x00\x00\x00",
    "ico": b"\x00\x00\x01\x00\x01\x00\x10\x10",
    "zip": b"PK\x03\x04\x14\x00\x00\x00\x08\x00",
    "empty-zip": b"PK\x05\x06" + b"\x00" * 18,
    "gzip": b"\x1f\x8b\x08\x00\x00\x00\x00\x00",
    "7z": b"7z\xbc\xaf\x27\x1c\x00\x04",
    "rar": b"Rar!\x1a\x07\x01\x00",
    "bzip2": b"BZh91AY&SY",
    "xz": b"\xfd7zXZ\x00\x00\x04",
    "zstd": b"\x28\xb5\x2f\xfd\x04\x58",
    "elf": b"\x7fELF\x02\x01\x01\x00",
    "wasm": b"\x00asm\x01\x00\x00\x00",
    "mp4": b"\x00\x00\x00\x18ftypmp42\x00\x00",
    "ogg": b"OggS\x00\x02\x00\x00",
    "mp3-id3": b"ID3\x04\x00\x00\x00\x00\x00\x00",
    "mp3-frame": b"\xff\xfb\x90\x64\x00",
    "sqlite": b"SQLite format 3\x00\x10\x00",
    "ole": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00",
    "woff2": b"wOF2\x00\x01\x00\x00\x00\x00",
    "tar": b"file.txt".ljust(257, b"\x00") + b"ustar\x0000",
}


@pytest.mark.parametrize("name", sorted(MAGICS))
def test_known_binary_formats_are_refused(name: str) -> None:
    data = MAGICS[name] + b"<html><body><p>not really</p></body></html>"
    with pytest.raises(NotHTML) as caught:
        to_text(data)
    assert isinstance(caught.value, InputError)
    assert "not HTML" in caught.value.detail


def test_bytes_that_are_mostly_control_characters_are_refused() -> None:
    rng = random.Random(3)
    noise = bytes(rng.randrange(0, 32) for _ in range(2000))
    with pytest.raises(NotHTML, match="binary"):
        to_text(b"<html>" + noise)


def test_a_few_stray_control_characters_are_tolerated() -> None:
    filler = b"a paragraph of ordinary text, long enough to be a real page. " * 3
    page = b"<html><body><p>" + (b"\x01" + filler) * 40 + b"</p></body></html>"
    assert to_text(page) == page.decode("ascii")
