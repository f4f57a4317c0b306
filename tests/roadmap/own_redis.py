"""A redis-server of a test's own (``OwnRedis``), which the broker and worker fault tests stop, freeze and restart
without touching the shared one; the ``own_redis`` and ``celery_on_own_redis`` fixtures (conftest.py) use it."""

import signal
import socket
import subprocess
import time
from dataclasses import dataclass

import pytest
import redis
from kombu import pools as kombu_pools

from config.celery import app as celery_app


@dataclass
class OwnRedis:
    """A redis-server of this test's own, on a free port, without persistence (a restart comes back empty)."""

    port: int
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/6"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=1)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if client.ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.1)
        pytest.fail(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)  # in case it was frozen
            self.process.terminate()
            self.process.wait(timeout=10)

    def freeze(self) -> None:
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        self.process.send_signal(signal.SIGCONT)


def free_port() -> int:
    """A port of the kernel's choosing, not a fixed one: a test run beside another on the same machine (CI beside a
    soak run) must not stop, restart or publish to the other's Redis."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def use_broker(url: str) -> None:
    """Point this process's Celery app (edits publish through it) at ``url``.

    The app caches its connection and producer pools, and kombu keeps a registry of them by URL: both are
    reset, so no connection to an earlier redis-server on the same port is ever reused."""
    celery_app.conf.broker_url = url
    kombu_pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
