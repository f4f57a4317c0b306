"""One webhook POST: to the address the URL's host resolved to when checked (``addresses.resolve``), with the
Host header and, for https, the certificate checked against the host name; redirects are not followed (a 3xx is a
failed attempt: a redirect could lead anywhere)."""

import http.client
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from . import addresses

EXCERPT_BYTES = 500


@dataclass(frozen=True)
class Outcome:
    """What one attempt got: the HTTP status (None: no answer) and the start of the answer, or the error."""

    status: int | None
    excerpt: str = ""
    error: str = ""

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection to ``ip`` that speaks to the URL's host name."""

    def __init__(self, host: str, port: int, ip: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self.ip = ip

    def connect(self) -> None:
        self.sock = socket.create_connection((self.ip, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """An HTTPS connection to ``ip`` whose certificate must be the URL's host's."""

    def __init__(self, host: str, port: int, ip: str, timeout: float):
        self.tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self.tls)
        self.ip = ip

    def connect(self) -> None:
        sock = socket.create_connection((self.ip, self.port), self.timeout)
        self.sock = self.tls.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float) -> Outcome:
    """POST ``body`` to ``url``; never raises for a network fault (the outcome says what went wrong)."""
    try:
        ip = addresses.resolve(url)[0]
        host, port, https = addresses.target(url)
    except addresses.UnsafeAddress as exc:
        return Outcome(None, error=str(exc))
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    kind = _PinnedHTTPSConnection if https else _PinnedHTTPConnection
    connection = kind(host, port, ip, timeout)
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        excerpt = response.read(EXCERPT_BYTES).decode("utf-8", errors="replace")
        return Outcome(response.status, excerpt=excerpt)
    except (OSError, http.client.HTTPException) as exc:
        return Outcome(None, error=f"{type(exc).__name__}: {exc}"[:500])
    finally:
        connection.close()
