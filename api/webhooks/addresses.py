"""Where a webhook may point: http(s) URLs whose host resolves only to public addresses, unless
``WEBHOOK_ALLOW_PRIVATE`` (tests, a planner inside a private network). Checked when a webhook is registered and
again at every delivery, which then connects to the address it checked (DNS can change in between)."""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings


class UnsafeAddress(Exception):
    """The URL cannot be used as a webhook target; the message says why, for the person registering it."""


def _private(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def target(url: str) -> tuple[str, int, bool]:
    """(host, port, https) of a webhook URL; UnsafeAddress for anything but http(s) with a host."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeAddress("A webhook URL starts with https:// (or http://) and names a host.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise UnsafeAddress("The URL's port is not a number from 1 to 65535.") from None
    return parts.hostname, port, parts.scheme == "https"


def resolve(url: str) -> list[str]:
    """The addresses the URL's host resolves to, all of them public (or any, with ``WEBHOOK_ALLOW_PRIVATE``);
    UnsafeAddress when it does not resolve or any address is loopback, private, link-local or reserved."""
    host, port, _ = target(url)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeAddress(f"The host {host} does not resolve ({exc}).") from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not settings.WEBHOOK_ALLOW_PRIVATE and any(_private(a) for a in addresses):
        raise UnsafeAddress(f"{host} resolves to a loopback or private address; webhooks go to public addresses only.")
    return addresses
