"""Decoding a survey file's bytes, and telling a plausible decode from mojibake.

Nordic files are UTF-8 (with or without a byte-order mark) or Windows-1252. Strict UTF-8 is tried
first, then cp1252 — never a generic detector first, because they take Swedish cp1252 for cp1250.
A decode that succeeds can still be wrong: 'latin-1' turns cp1252's dashes and quotes (0x80–0x9F)
into control characters, a BOM can sit over a cp1252 body, UTF-16 can come without a BOM, and a
Korean CP949 or Russian cp1251 file reads as cp1252 without a single error, as nonsense. Those are
`EncodingMismatch`es that say which `encoding:` to set; only then is a detector asked for a guess.
Pure functions on bytes.
"""
from __future__ import annotations

import codecs

import numpy as np

from mirrorgap.errors import EncodingMismatch

UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_SINGLE_BYTE_WESTERN = ("cp1252", "iso8859-1", "iso8859-15")
_C1_LATIN = ("iso8859-1", "iso8859-15")  # decode 0x80–0x9F as invisible control characters
_SAMPLE = 4 << 20  # mojibake is everywhere in a file: the first 4 MB tell


def utf16_order(head: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when `head` is UTF-16 text without a byte-order mark (mostly
    Latin text: every other byte is zero), else None."""
    a = np.frombuffer(head[:8192 - (len(head[:8192]) % 2)], dtype=np.uint8)
    if a.size < 8:
        return None
    even_zero, odd_zero = (a[0::2] == 0).mean(), (a[1::2] == 0).mean()
    if odd_zero > 0.4 and even_zero < 0.05:
        return "utf-16-le"
    if even_zero > 0.4 and odd_zero < 0.05:
        return "utf-16-be"
    return None


def guess(raw: bytes) -> str | None:
    """A detector's guess at a non-Nordic file's encoding (asked only once UTF-8 and cp1252 have
    failed or read as nonsense), None when it has none or guesses a Western single-byte page."""
    from charset_normalizer import from_bytes

    best = from_bytes(raw[:256 * 1024]).best()
    if best is None:
        return None
    name = codecs.lookup(best.encoding).name
    return None if name in _SINGLE_BYTE_WESTERN or name.startswith("utf-8") else name


def implausible_at(raw: bytes) -> int | None:
    """Where single-byte Western text stops being plausible, None if it is: in Nordic text a letter
    beyond ASCII stands among ASCII letters (Göteborg, Instämmer), while CP949, GBK, Shift-JIS or
    cp1251 read as cp1252 give runs of them. The offset of the first run when most such bytes are in
    runs (and there are enough of them to judge)."""
    a = np.frombuffer(raw[:_SAMPLE], dtype=np.uint8)
    high = a >= 0x80
    total = int(high.sum())
    if total < 8:
        return None
    run = high & (np.concatenate(([False], high[:-1])) | np.concatenate((high[1:], [False])))
    in_runs = int(run.sum())
    if in_runs < 8 or in_runs < 0.5 * total:
        return None
    return int(np.argmax(run))


def c1_at(raw: bytes) -> int | None:
    """The first byte 0x80–0x9F, None when there is none."""
    a = np.frombuffer(raw[:_SAMPLE], dtype=np.uint8)
    hits = np.flatnonzero((a >= 0x80) & (a <= 0x9F))
    return int(hits[0]) if hits.size else None


def _mojibake(raw: bytes, start: int, tried: str) -> None:
    """Raise when a single-byte Western decode of raw[start:] reads as nonsense."""
    head = raw[start:start + _SAMPLE]
    at = implausible_at(head)
    if at is not None:
        raise EncodingMismatch(
            f"reads as nonsense in {tried} (runs of accented letters and symbols, as text in another "
            "script does when read with a Western code page)",
            offset=start + at, length=2, tried=tried, suggestion=guess(head))


def decode_to_utf8(raw: bytes, encoding: str | None) -> tuple[bytes, str]:
    """The text of `raw` as UTF-8 bytes without a BOM, and the encoding it was read with.

    With no `encoding`: a BOM decides, else strict UTF-8, else cp1252. Raises UnicodeDecodeError
    (offsets into `raw`), LookupError for an unknown encoding name, or EncodingMismatch.
    """
    data, name, codec = open_text(raw, encoding)
    if codec is None:
        return bytes(data), name
    return bytes(data).decode(codec).encode("utf-8"), name


def open_text(raw: bytes, encoding: str | None) -> tuple[bytes, str, str | None]:
    """`raw` checked as text exactly as `decode_to_utf8` checks it, without a decoded copy where none
    is needed: (data, the encoding it was read with, codec). codec is None when `data` is UTF-8 without
    a BOM; else `data` is the file's own bytes (BOM left out) in `codec`, a single-byte code page whose
    ASCII bytes are ASCII, so delimiters, quotes and line ends can be found byte by byte and only the
    cells need decoding. Raises as `decode_to_utf8` does."""
    if encoding is None:
        if raw.startswith(UTF8_BOM):
            try:
                return _checked_utf8(raw[3:]), "utf-8-sig", None
            except UnicodeDecodeError as exc:
                start = exc.start + 3
                try:
                    undefined_at(raw, "cp1252", 3)
                except UnicodeDecodeError:
                    raise UnicodeDecodeError("utf-8", raw, start, exc.end + 3, exc.reason) from None
                raise EncodingMismatch("starts with a UTF-8 byte-order mark, but its text is not UTF-8: "
                                       "it reads as Windows-1252 (cp1252)", offset=start,
                                       length=exc.end - exc.start, tried="utf-8", suggestion="cp1252") from None
        if raw.startswith(UTF16_BOMS):
            return raw.decode("utf-16").encode("utf-8"), "utf-16", None
        order = utf16_order(raw[:8192])
        if order is not None:
            raise EncodingMismatch("is UTF-16 text without a byte-order mark", offset=0, length=2,
                                   tried="utf-8", suggestion=order)
        try:
            return _checked_utf8(raw), "utf-8", None
        except UnicodeDecodeError:
            try:
                undefined_at(raw, "cp1252")
            except UnicodeDecodeError as exc:
                exc.suggestion = guess(raw)
                raise
            _mojibake(raw, 0, "cp1252")
            return raw, "cp1252", "cp1252"
    name = codecs.lookup(encoding).name
    if name in ("utf-8", "utf-8-sig"):
        bom = raw.startswith(UTF8_BOM)
        try:
            return _checked_utf8(raw[3:] if bom else raw), "utf-8-sig" if bom else "utf-8", None
        except UnicodeDecodeError as exc:
            shift = 3 if bom else 0
            raise UnicodeDecodeError("utf-8", raw, exc.start + shift, exc.end + shift, exc.reason) from None
    if name == "utf-16" and not raw.startswith(UTF16_BOMS):
        name = utf16_order(raw[:8192]) or name
    start = 3 if raw.startswith(UTF8_BOM) and not name.startswith("utf") else 0  # a BOM over cp1252
    single = _single_byte(name)
    if single:
        undefined_at(raw, name, start)
    else:
        text = raw[start:].decode(name)
    if name in _C1_LATIN:
        at = c1_at(raw[start:])
        if at is not None:
            meant = raw[start + at:start + at + 1].decode("cp1252", errors="replace")
            raise EncodingMismatch(f"is declared {encoding!r}, but byte {raw[start + at:start + at + 1]!r} "
                                   f"is an invisible control character in {encoding} and {meant!r} in "
                                   "Windows-1252: the file is cp1252", offset=start + at, length=1,
                                   tried=name, suggestion="cp1252")
    if name in _SINGLE_BYTE_WESTERN:
        _mojibake(raw, start, encoding)
    if single:
        return raw[start:] if start else raw, name, name
    return text.removeprefix("\ufeff").encode("utf-8"), name, None


def _single_byte(name: str) -> bool:
    """Whether codec `name` maps every byte to at most one character and ASCII to itself (cp1252,
    Latin-1, …): its files can be split into records and fields before decoding."""
    if name.startswith(("utf", "mbcs")):
        return False
    try:
        table = bytes(range(256)).decode(name, errors="replace")
    except (LookupError, TypeError, ValueError):
        return False
    return len(table) == 256 and table[:128] == bytes(range(128)).decode("ascii")


def undefined_at(raw: bytes, codec: str, start: int = 0) -> None:
    """Raise the UnicodeDecodeError that `raw[start:].decode(codec)` would raise (offsets into
    `raw[start:]`), without decoding: looks for the bytes a single-byte `codec` leaves undefined."""
    first = None
    for b in range(256):
        try:
            bytes([b]).decode(codec)
        except UnicodeDecodeError:
            at = raw.find(bytes([b]), start)
            if at >= 0 and (first is None or at < first):
                first = at
    if first is not None:
        raise _decode_error(raw[start:], codec, first - start)


def _decode_error(raw, codec: str, at: int) -> UnicodeDecodeError:
    """The error that decoding `raw` with `codec` raises at byte `at` (its own message and offsets)."""
    try:
        bytes(raw[at:at + 1]).decode(codec)
    except UnicodeDecodeError as exc:
        return UnicodeDecodeError(exc.encoding, bytes(raw), at, at + 1, exc.reason)
    return UnicodeDecodeError(codec, bytes(raw), at, at + 1, "character maps to <undefined>")


def _checked_utf8(data: bytes, chunk: int = 4 << 20) -> bytes:
    """`data` itself when it is valid UTF-8; raises UnicodeDecodeError (with its true offset) if not.
    Checked in 4 MB pieces, so a cp1252 file fails fast without a decoded copy of the whole file."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    for start in range(0, len(data), chunk):
        pending = len(decoder.getstate()[0])  # bytes of a character split across the previous piece
        try:
            decoder.decode(view[start:start + chunk], final=start + chunk >= len(data))
        except UnicodeDecodeError as exc:
            offset = start - pending
            # a mapped file (`mapped.MappedFile`) is not copied whole: the error holds the bytes up to it
            held = data if isinstance(data, bytes) else bytes(data[:offset + exc.end])
            raise UnicodeDecodeError("utf-8", held, offset + exc.start, offset + exc.end, exc.reason) from None
    if not data:
        decoder.decode(b"", final=True)
    return data
