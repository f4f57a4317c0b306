"""The backlog's changes in one transaction, gathered into one event per kind and portfolio, handed on after the
transaction commits (a CSV import of 300 rows is one ``project.changed`` listing 300 projects, not 300 POSTs).

The backlog's signals are sent inside the transaction that makes the change. The first one of a transaction
registers ``_flush`` with ``transaction.on_commit`` and starts a buffer tied to it; if the transaction rolls
back, Django drops the callback and the next change starts a fresh buffer (the old one is never sent).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction

# (portfolio id, event name) -> gathered items; flushed by ``emit(portfolio_id, event, user, items)``.
Emit = Callable[[int, str, object, list], None]


@dataclass
class _Buffer:
    emit: Emit
    items: dict[tuple[int, str], list] = field(default_factory=dict)
    users: dict[tuple[int, str], object] = field(default_factory=dict)
    flushed: bool = False

    def flush(self) -> None:
        self.flushed = True
        for key, items in self.items.items():
            self.emit(key[0], key[1], self.users.get(key), items)


_ATTRIBUTE = "_planner_webhook_outbox"


def _pending(buffer: _Buffer) -> bool:
    """Whether ``buffer``'s flush still waits for the current transaction to commit."""
    return not buffer.flushed and any(entry[1] == buffer.flush for entry in connection.run_on_commit)


def add(*, portfolio_id: int, event: str, item: dict, user, emit: Emit) -> None:
    """Gather ``item`` into the current transaction's ``event`` of ``portfolio_id`` (sent once it commits; at
    once outside a transaction). The last user named is the event's ``by``."""
    if not connection.in_atomic_block:
        emit(portfolio_id, event, user, [item])
        return
    buffer = getattr(connection, _ATTRIBUTE, None)
    if buffer is None or not _pending(buffer):
        buffer = _Buffer(emit=emit)
        setattr(connection, _ATTRIBUTE, buffer)
        transaction.on_commit(buffer.flush)
    buffer.items.setdefault((portfolio_id, event), []).append(item)
    if user is not None:
        buffer.users[(portfolio_id, event)] = user
