"""The signature of a webhook delivery, and its check (pure: no Django).

The receiver gets ``X-Planner-Timestamp: <unix seconds>`` and ``X-Planner-Signature: sha256=<hex>``, the
HMAC-SHA256 of ``timestamp + "." + body`` under the webhook's secret. Checking the timestamp too (within five
minutes, say) stops a recorded delivery from being replayed later.
"""

import hashlib
import hmac

from portfolio.parsing import whole_number

SIGNATURE_HEADER = "X-Planner-Signature"
TIMESTAMP_HEADER = "X-Planner-Timestamp"
EVENT_HEADER = "X-Planner-Event"
DELIVERY_HEADER = "X-Planner-Delivery"
SCHEME = "sha256="


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """``sha256=<hex digest>`` of ``"<timestamp>.<body>"`` under ``secret``."""
    message = str(timestamp).encode() + b"." + body
    return SCHEME + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signed: str, *, now: float, tolerance_seconds: int = 300) -> bool:
    """Whether ``signed`` is the signature of ``body`` at ``timestamp`` under ``secret``, made at most
    ``tolerance_seconds`` from ``now`` (unix seconds). What a receiver runs; the tests run it too."""
    stamp = whole_number(timestamp)
    if stamp is None or abs(now - stamp) > tolerance_seconds:
        return False
    return hmac.compare_digest(signature(secret, stamp, body), signed)


def headers(secret: str, timestamp: int, body: bytes, *, event: str, delivery_id: int) -> dict[str, str]:
    """Every header a delivery carries besides the HTTP ones."""
    return {
        "Content-Type": "application/json",
        "User-Agent": "ml-portfolio-planner-webhooks/1",
        EVENT_HEADER: event,
        DELIVERY_HEADER: str(delivery_id),
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: signature(secret, timestamp, body),
    }
