"""Text that every page, CSV and SVG download can show as it is: names (projects, portfolios, the value unit) are
one line of visible text, stored composed and without invisible characters; longer texts (a description) may hold
line breaks and tabs but nothing that reorders the text or that XML forbids.

The model fields use these validators (``portfolio.models`` re-exports them, and older migrations name them there).
"""

import functools
import unicodedata

from django.core.exceptions import ValidationError

# Characters a name may not hold: bidi embeddings, overrides and isolates (they reorder the text around them:
# a name could read differently from what it is), line and paragraph separators, and what XML 1.0 forbids
# (surrogates, U+FFFE / U+FFFF and the other noncharacters), which would break the SVG downloads.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_LINE_SEPARATORS = frozenset("\u2028\u2029\x85")
# Invisible characters with no use in a name: dropped, so "Spam filter" + U+200B is "Spam filter" (a duplicate).
# Zero-width joiners (U+200C, U+200D) stay: Persian, Indic scripts and emoji need them.
_INVISIBLE_DROPPED = dict.fromkeys(map(ord, "\u200b\u2060\ufeff\u00ad\u180e"))


def _is_noncharacter(ch: str) -> bool:
    code = ord(ch)
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE or 0xD800 <= code <= 0xDFFF


def normalize_project_name(value: str) -> str:
    """The form a name is stored and compared in: Unicode NFC, invisible characters dropped, spaces trimmed."""
    return unicodedata.normalize("NFC", value).translate(_INVISIBLE_DROPPED).strip()


def _is_control(ch: str) -> bool:
    return ord(ch) < 32 or 127 <= ord(ch) < 160 or ch in _LINE_SEPARATORS


def _check_xml_safe(value: str, what: str, *, control, refused: str = "control characters or line breaks") -> None:
    """Refuse what would reorder the text or break an SVG download: the control characters ``control`` picks,
    bidi overrides and characters XML forbids."""
    if any(control(ch) for ch in value):
        raise ValidationError(f"{what} cannot contain {refused}.", code="control")
    if any(ch in _BIDI_CONTROLS for ch in value):
        raise ValidationError(f"{what} cannot contain right-to-left override or embedding characters.", code="bidi")
    if any(_is_noncharacter(ch) for ch in value):
        raise ValidationError(f"{what} cannot contain these characters (U+FFFE, U+FFFF, …).", code="xml")


def _check_one_line(value: str, what: str, *, noun: str = "a name") -> None:
    """A name-like text: one line of visible text (see ``validate_project_name``)."""
    _check_xml_safe(value, what, control=_is_control)
    visible = [ch for ch in value if not ch.isspace() and unicodedata.category(ch) not in ("Cf", "Zs", "Cc")]
    if not visible:
        raise ValidationError(f"Enter {noun} with at least one visible character.", code="blank")


def validate_project_name(value: str) -> None:
    """A project name is one line of visible text without ";" (it separates producer names in the CSV's link
    columns), control characters, bidi overrides or characters XML forbids (the SVG charts show names)."""
    if ";" in value:
        raise ValidationError("A project name cannot contain “;” (it separates names in the CSV).", code="semicolon")
    _check_one_line(value, "A project name")


def validate_portfolio_name(value: str) -> None:
    """A portfolio name follows the project-name rules, except that it may hold ";" (no CSV lists portfolios)."""
    _check_one_line(value, "A portfolio name")


def validate_value_unit(value: str) -> None:
    """The value unit label (k$, M€) is shown next to every figure, SVG downloads included: the name rules."""
    _check_one_line(value, "A value unit", noun="a value unit")


def validate_xml_safe_text(value: str) -> None:
    """A multi-line text (a description): line breaks and tabs are fine; other control characters, bidi overrides
    and characters XML forbids are not."""
    _check_xml_safe(
        value,
        "This text",
        control=lambda ch: ch not in "\n\r\t\u2028\u2029" and _is_control(ch),
        refused="control characters (line breaks and tabs are fine)",
    )


# The same rules as regular expressions, for the API's schema (``api.rest.schema``): a client that sends what the
# pattern allows is not refused by the validator. Characters outside the Basic Multilingual Plane are written as
# themselves (a JSON schema pattern is a string; ``\U`` is not ECMA-262), the others as ``\uXXXX``. Surrogates are
# left out (no UTF-8 text holds one; a regex engine on Unicode scalars cannot name them). A pattern ends with
# ``$(?!\n)``: Python's ``$`` also matches before a final line break, ECMA's and Rust's do not.
_LAST_CODE_POINT = 0x10FFFF
_SURROGATES = range(0xD800, 0xE000)
_END = r"$(?!\n)"


def _class_body(codes: list[int]) -> str:
    """A regex character class's body listing the code points ``codes`` (sorted) as ranges."""
    parts, start = [], None
    for index, code in enumerate(codes):
        if start is None:
            start = code
        if index + 1 < len(codes) and codes[index + 1] == code + 1:
            continue
        parts.append(_char(start) if start == code else f"{_char(start)}-{_char(code)}")
        start = None
    return "".join(parts)


def _char(code: int) -> str:
    return chr(code) if code > 0xFFFF else f"\\u{code:04x}"


@functools.cache
def _refused_and_invisible() -> tuple[list[int], list[int], list[int]]:
    """Code points a name refuses, a multi-line text refuses, and a name does not count as visible."""
    name_refused, text_refused, invisible = [], [], []
    for code in range(_LAST_CODE_POINT + 1):
        if code in _SURROGATES:
            continue
        ch = chr(code)
        unsafe = ch in _BIDI_CONTROLS or _is_noncharacter(ch)
        if unsafe or _is_control(ch):
            name_refused.append(code)
        if unsafe or (ch not in "\n\r\t\u2028\u2029" and _is_control(ch)):
            text_refused.append(code)
        if ch.isspace() or unicodedata.category(ch) in ("Cf", "Zs", "Cc"):
            invisible.append(code)
    return name_refused, text_refused, invisible


@functools.cache
def one_line_pattern(*, semicolon: bool = True) -> str:
    """What ``_check_one_line`` accepts (``semicolon=False``: and no ";", a project name's rule)."""
    refused, _, invisible = _refused_and_invisible()
    if not semicolon:
        refused = sorted({*refused, ord(";")})
    visible_refused = sorted({*refused, *invisible})
    allowed = f"[^{_class_body(refused)}]"
    return f"^{allowed}*[^{_class_body(visible_refused)}]{allowed}*{_END}"


@functools.cache
def multi_line_pattern() -> str:
    """What ``validate_xml_safe_text`` accepts."""
    return f"^[^{_class_body(_refused_and_invisible()[1])}]*{_END}"


def pattern_of(validator) -> str | None:
    """The regular expression stating ``validator``'s rule (None: not one of these)."""
    patterns = (
        (validate_project_name, lambda: one_line_pattern(semicolon=False)),
        (validate_portfolio_name, one_line_pattern),
        (validate_value_unit, one_line_pattern),
        (validate_xml_safe_text, multi_line_pattern),
    )
    return next((pattern() for rule, pattern in patterns if validator is rule), None)
