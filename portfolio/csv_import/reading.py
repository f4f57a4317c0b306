"""Reading the file: size and encoding, records, the header; a file that cannot be read is refused at once."""

import csv
import io
from collections import Counter
from typing import NoReturn

from django.conf import settings

from .columns import COLUMNS, EXPORT_FIGURE_COLUMNS, OTHER_DELIMITERS
from .results import CellError, ImportErrors


def _decode(data: bytes) -> str:
    limit = settings.IMPORT_MAX_BYTES
    if len(data) > limit:
        _refuse(0, f"The file is {len(data):,} bytes; the limit is {limit:,} bytes.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        _refuse(line, "The file is not UTF-8 text (is it an Excel file?); save it as “CSV UTF-8”.")
    if not text.strip():
        _refuse(0, "The file is empty; it needs a header row and a row per project.")
    if "\x00" in text:
        _refuse(0, "The file contains NUL bytes: it is not a CSV text file.")
    return text


def _read(text: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header and each non-blank row as {column: stripped cell}; row numbers count the header as 1.

    Records are looked at one by one and blank ones dropped at once, so a file of empty lines costs no memory."""
    first_line = text.lstrip("\r\n").partition("\n")[0]
    if "," not in first_line:
        for delimiter, name in OTHER_DELIMITERS.items():
            if delimiter in first_line:
                _refuse(1, f"The columns are separated by {name}, not commas; save the file as comma-separated CSV.")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    rows: list[tuple[int, dict[str, str]]] = []
    counted, limit, number = 0, settings.IMPORT_MAX_ROWS, 0
    try:
        for number, record in enumerate(reader, start=1):
            if not any(c.strip() for c in record):
                continue  # blank lines: before the header, between rows, at the end
            if header is None:
                header = [c.strip().lower() for c in record]
                _check_header(number, header)
                continue
            counted += 1
            if counted > limit:
                continue  # counted for the message below, not kept
            unnamed = [cell for col, cell in zip(header, record, strict=False) if not col] + record[len(header) :]
            if any(c.strip() for c in unnamed):
                _refuse(
                    number,
                    f"This row has {len(record)} cells but the header has {len(header)} columns "
                    "(a comma inside a cell needs quotes).",
                )
            # Only the import's columns: the export's figure columns are skipped.
            cells = {col: cell.strip() for col, cell in zip(header, record, strict=False) if col in COLUMNS}
            rows.append((number, cells))
    except csv.Error as exc:
        _refuse(number + 1, f"The CSV cannot be read here: {exc}.")
    if header is None:
        _refuse(0, "The file is empty; it needs a header row and a row per project.")
    if not rows:
        _refuse(0, "The file has a header but no project rows.")
    if counted > limit:
        # Each row is written through the services inside one transaction holding the portfolio's lock: refuse
        # what one request cannot apply before anything is written.
        _refuse(
            0, f"The file has {counted:,} rows; at most {limit:,} can be imported at once. Split it into several files."
        )
    return header, rows


def _refuse(row: int, message: str) -> NoReturn:
    """Stop reading: the file as a whole (row 0) or one row of it cannot be read."""
    raise ImportErrors([CellError(row, "", message)])


def _check_header(row: int, header: list[str]) -> None:
    errors = []
    # Unnamed columns are fine while their cells are empty; the export's figure columns are skipped.
    unknown = [c for c in header if c and c not in COLUMNS and c not in EXPORT_FIGURE_COLUMNS]
    if unknown:
        names = ", ".join(f"“{c[:40]}”" for c in unknown[:10])
        if len(unknown) > 10:  # a header of 25,000 made-up names gets a message, not a 175 KB page
            names += f" and {len(unknown) - 10:,} more"
        errors.append(CellError(row, "", f"Unknown columns: {names}. Known columns: {', '.join(COLUMNS)}."))
    counts = Counter(c for c in header if c in COLUMNS or c in EXPORT_FIGURE_COLUMNS)  # linear, however wide
    errors += [CellError(row, c, "This column appears more than once.") for c in sorted(counts) if counts[c] > 1]
    if "name" not in header:
        errors.append(CellError(row, "name", "The header needs a “name” column."))
    if errors:
        raise ImportErrors(errors)
