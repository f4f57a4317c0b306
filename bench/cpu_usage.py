"""CPU time used by each part of the load test (web, worker, beat, locust, PostgreSQL, Redis), read from /proc.

    python bench/cpu_usage.py snapshot FILE          # CPU seconds so far of every process, by part
    python bench/cpu_usage.py report BEFORE AFTER    # what each part used in between, as cores busy

On a 2-core machine every request waits for the same two cores, so this says where they went. Linux only;
a process that ended between the two snapshots is not counted (the load test's processes all live throughout).
Locust starts after the first snapshot and ends before the second: it reports its own CPU (bench/loadtest.py).
"""

import json
import os
import sys
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")
PARTS = [  # first match of the command line wins
    ("web (gunicorn)", "gunicorn"),
    ("worker (celery)", " worker"),
    ("beat (celery)", " beat"),
    ("postgres", "postgres"),
    ("redis", "redis-server"),
]


def _part(cmdline: str) -> str | None:
    return next((name for name, needle in PARTS if needle in cmdline), None)


def snapshot() -> dict:
    """CPU seconds (user + system) of every running process that belongs to a part, with the wall clock."""
    parts: dict[str, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            stat = (entry / "stat").read_text()
        except OSError:  # the process ended while we looked
            continue
        part = _part(cmdline)
        if part is None:
            continue
        fields = stat.rpartition(")")[2].split()  # after "pid (comm)": state is fields[0], utime fields[11]
        parts[part] = parts.get(part, 0.0) + (int(fields[11]) + int(fields[12])) / TICKS
    with open("/proc/uptime") as uptime:
        return {"wall_s": float(uptime.read().split()[0]), "parts": parts}


def report(before: dict, after: dict) -> str:
    wall = after["wall_s"] - before["wall_s"]
    lines = [f"CPU used in {wall:.0f} s on {os.cpu_count()} cores (1.00 = one core busy all the time):"]
    total = 0.0
    for name, _ in PARTS:
        used = after["parts"].get(name, 0.0) - before["parts"].get(name, 0.0)
        total += used
        lines.append(f"  {name:16s} {used / wall:5.2f} cores  ({used:6.1f} CPU s)")
    lines.append(f"  {'all of these':16s} {total / wall:5.2f} cores")
    return "\n".join(lines)


if __name__ == "__main__":
    if sys.argv[1] == "snapshot":
        Path(sys.argv[2]).write_text(json.dumps(snapshot()))
    elif sys.argv[1] == "report":
        print(report(json.loads(Path(sys.argv[2]).read_text()), json.loads(Path(sys.argv[3]).read_text())))
    else:
        sys.exit(f"unknown command {sys.argv[1]!r}")
