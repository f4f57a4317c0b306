"""Writers that run at the same moment: one lock order for all of them, and a bounded retry of what PostgreSQL
still refuses as a collision.

**Lock order.** Every write to a portfolio's backlog (a project edit, delete, pin, assessment, reuse link, the
settings, a CSV import or its undo, "Save as plan") takes the portfolio's row first (``lock_portfolio``), then
the rows it changes. An import used to hold the portfolio and then lock projects while an edit held its project
and then updated the portfolio (its input version): each waited for the other, PostgreSQL broke the deadlock
after a second by failing one of them, and the user was told the database was down. With one order a writer
simply waits for the one before it. The lock is ``FOR NO KEY UPDATE``: it queues writers but does not hold up
rows that merely point at the portfolio (a recompute's snapshot).

**Retry.** A deadlock or serialization failure that happens anyway (a lock taken outside this order, a
serializable transaction) rolls the whole transaction back, so running it again is safe: ``retry_collisions``
does so up to ``settings.SAVE_COLLISION_ATTEMPTS`` times, then raises ``SaveCollision``, which pages show as
"Someone else was saving at the same moment; try again." (409), never as the database being down.
"""

import functools
import logging
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.db import DatabaseError, connection

from .models import Portfolio

log = logging.getLogger(__name__)
T = TypeVar("T")

# SQLSTATEs of a transaction PostgreSQL rolled back because of another one: deadlock_detected and
# serialization_failure. Either may be run again from the start.
COLLISION_SQLSTATES = frozenset({"40P01", "40001"})
COLLISION_MESSAGE = "Someone else was saving at the same moment; try again."


class SaveCollision(Exception):
    """A write collided with another one at the database more times than it is retried; nothing was saved."""

    def __init__(self, message: str = COLLISION_MESSAGE):
        super().__init__(message)


def lock_portfolio(portfolio_id: int) -> None:
    """Take the portfolio's row for the rest of the caller's transaction: the first lock of every backlog write."""
    Portfolio.objects.select_for_update(no_key=True).filter(pk=portfolio_id).values_list("pk").first()


def is_collision(error: BaseException) -> bool:
    """Whether ``error`` (a Django database error, or the driver's) is a deadlock or serialization failure."""
    for candidate in (error, error.__cause__):
        if getattr(candidate, "sqlstate", None) in COLLISION_SQLSTATES:
            return True
    return False


def retry_collisions(write: Callable[[], T], *, attempts: int | None = None) -> T:
    """Run ``write`` (a whole transaction) and return what it returns; run it again when the database rolled it
    back as a collision, at most ``attempts`` times in all (``settings.SAVE_COLLISION_ATTEMPTS``), then raise
    ``SaveCollision``. Inside a caller's transaction nothing can be retried: the collision is raised at once."""
    attempts = attempts or settings.SAVE_COLLISION_ATTEMPTS
    for attempt in range(1, attempts + 1):
        try:
            return write()
        except DatabaseError as error:
            if not is_collision(error):
                raise
            log.warning("write collided with another (attempt %s of %s): %s", attempt, attempts, error)
            if connection.in_atomic_block or attempt == attempts:
                raise SaveCollision() from error
    raise AssertionError("unreachable")  # the loop returns or raises


def collisions_retried(service: Callable[..., T]) -> Callable[..., T]:
    """Decorate a service that is a whole transaction so ``retry_collisions`` runs it."""

    @functools.wraps(service)
    def retried(*args, **kwargs) -> T:
        return retry_collisions(lambda: service(*args, **kwargs))

    return retried
