"""What an import gives back: the errors it refuses a file with, or what it did."""

from dataclasses import dataclass

from ..formatting import count_of
from .columns import COLUMNS


@dataclass(frozen=True)
class CellError:
    """What is wrong where: ``row`` 1 is the header, None the file as a whole; ``column`` may be empty."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.row == 0:
            return f"file: {self.message}"
        return (
            f"row {self.row}, column {self.column}: {self.message}"
            if self.column
            else f"row {self.row}: {self.message}"
        )


class ImportErrors(Exception):
    """The file was refused; ``errors`` lists every problem found, by row then column (nothing was saved)."""

    def __init__(self, errors: list[CellError]):
        order = {column: i for i, column in enumerate(COLUMNS)}
        self.errors = sorted(set(errors), key=lambda e: (e.row, order.get(e.column, -1), e.message))
        super().__init__("\n".join(str(e) for e in self.errors))


@dataclass(frozen=True)
class ImportResult:
    """What an import did: projects created / updated / left unchanged, assessments recorded, links."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    assessed: int = 0
    links_set: int = 0
    links_removed: int = 0
    outcomes: int = 0

    def __str__(self) -> str:
        outcomes = f"{count_of(self.outcomes, 'outcome')} recorded; " if self.outcomes else ""
        return (
            f"{count_of(self.created, 'project')} created, {self.updated} updated, {self.unchanged} unchanged; "
            f"{count_of(self.assessed, 'assessment')} recorded; {outcomes}{count_of(self.links_set, 'reuse link')} "
            f"created or changed, {self.links_removed} removed."
        )
