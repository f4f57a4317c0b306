"""Whole numbers read from what a request or a file sent (query strings, hidden inputs, CSV cells, headers).

Python refuses ``int()`` of more than 4,300 digits (ValueError, a 500 where nobody catches it), and also reads
" 12 ", "1_000" and "١٢" (Arabic-Indic digits) as numbers. Every integer the app parses out of request data or
an uploaded file goes through ``whole_number``: plain ASCII digits, at most ``MAX_DIGITS`` of them, else None,
which the caller turns into a field error or ignores.
"""

MAX_DIGITS = 18  # fits a 64-bit integer (bigint / BigAutoField): more is never an id, version or count of ours


def whole_number(text: object, *, least: int | None = None, most: int | None = None) -> int | None:
    """``text`` as a non-negative whole number when it is 1 to MAX_DIGITS plain ASCII digits within
    ``least``..``most`` (when given), else None. E.g. "12" -> 12; "", "-1", " 12", "1_000", "1" x 5,000 -> None."""
    if not isinstance(text, str) or not (0 < len(text) <= MAX_DIGITS and text.isascii() and text.isdigit()):
        return None
    value = int(text)
    if (least is not None and value < least) or (most is not None and value > most):
        return None
    return value
