"""Load test (locust): PMs editing, EMs assessing and leadership reading one large portfolio.

Run through ``bench/run_loadtest.sh``, which builds the portfolio, starts gunicorn, a Celery worker and beat
on their own database and Redis, runs this file headless and checks the results. By hand::

    LOADTEST_SLUG=load LOADTEST_PROJECTS=/tmp/ids.json LOADTEST_OUT=/tmp/out \\
        locust -f bench/loadtest.py --headless -u 50 -r 10 -t 60s --host http://127.0.0.1:8765

Every simulated user is its own account (pm-01.., em-01.., lead-01..), logged in by the setup; writes carry
the CSRF token of the form they were loaded with.
Each successful write is appended to ``$LOADTEST_OUT/writes.jsonl`` so the check afterwards can prove that
none was lost; read and write latencies are summarised (p50/p95/p99) into ``$LOADTEST_OUT/summary.json``.
"""

import itertools
import json
import os
import random
import re
import resource
import threading
import time
from html import unescape
from pathlib import Path

import numpy as np
from locust import HttpUser, between, events, task

SLUG = os.environ.get("LOADTEST_SLUG", "load")
OUT = Path(os.environ.get("LOADTEST_OUT", "/tmp/loadtest"))
PROJECT_IDS: list[int] = json.loads(Path(os.environ.get("LOADTEST_PROJECTS", OUT / "projects.json")).read_text())
SESSIONS: dict[str, str] = json.loads((OUT / "sessions.json").read_text())

_accounts = {role: itertools.count(1) for role in ("pm", "em", "lead")}
_lock = threading.Lock()
_latencies: dict[str, list[float]] = {"read": [], "write": []}
_started: dict[str, list[float]] = {"read": [], "write": []}  # when each request began (time.time())
_trace: list[tuple[float, str, float]] = []  # (began, name, ms) of every request: $LOADTEST_OUT/requests.json
WARM_UP_S = 5  # the first seconds are also summarised apart: a process still starting up shows there
_counts = {"requests": 0, "errors": 0, "5xx": 0, "conflicts": 0, "writes_ok": 0}
_writes_file = None

INPUT = re.compile(r"<input\b[^>]*>", re.I)
ATTR = re.compile(r'(\w[\w-]*)="([^"]*)"')
SELECT = re.compile(r'<select\b[^>]*name="([^"]+)"[^>]*>(.*?)</select>', re.I | re.S)
SELECTED = re.compile(r'<option\b[^>]*value="([^"]*)"[^>]*\bselected\b', re.I)
TEXTAREA = re.compile(r'<textarea\b[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', re.I | re.S)


def form_fields(html: str) -> dict[str, str]:
    """What a browser would submit from the page's versioned edit form (the form holding ``version``)."""
    forms = re.findall(r"<form\b[^>]*method=\"post\"[^>]*>(.*?)</form>", html, re.I | re.S)
    body = next((f for f in forms if 'name="version"' in f or 'name="project_version"' in f), "")
    fields: dict[str, str] = {}
    for tag in INPUT.findall(body):
        attrs = dict(ATTR.findall(tag))
        kind = attrs.get("type", "text")
        if "name" not in attrs or kind in ("submit", "button"):
            continue
        if kind in ("checkbox", "radio") and "checked" not in tag:
            continue
        fields[attrs["name"]] = unescape(attrs.get("value", ""))
    for name, options in SELECT.findall(body):
        chosen = SELECTED.search(options)
        fields[name] = unescape(chosen.group(1)) if chosen else ""
    for name, text in TEXTAREA.findall(body):
        fields[name] = unescape(text.strip("\n"))
    return fields


def record_write(kind: str, **data) -> None:
    global _writes_file
    with _lock:
        if _writes_file is None:
            OUT.mkdir(parents=True, exist_ok=True)
            _writes_file = (OUT / "writes.jsonl").open("a")
        _counts["writes_ok"] += 1
        _writes_file.write(json.dumps({"kind": kind, "at": time.time(), **data}) + "\n")
        _writes_file.flush()


@events.request.add_listener
def _on_request(request_type, name, response_time, response_length, response=None, exception=None, **kwargs):
    category = "write" if name.startswith("write") else "read"
    with _lock:
        _counts["requests"] += 1
        if name.startswith(("read", "write")):
            _latencies[category].append(response_time)
            _started[category].append(time.time() - response_time / 1000)
            _trace.append((_started[category][-1], name, response_time))
        if exception is not None:
            _counts["errors"] += 1
        if response is not None and response.status_code >= 500:
            _counts["5xx"] += 1


def _by_time(values: list[float], started: list[float]) -> dict[str, dict[str, float]]:
    """p95 and p99 of the requests begun in the first WARM_UP_S seconds of the run, and of those begun after."""
    begun = np.asarray(started) - min(started)
    latency = np.asarray(values)
    windows = {f"first_{WARM_UP_S}s": latency[begun < WARM_UP_S], f"after_{WARM_UP_S}s": latency[begun >= WARM_UP_S]}
    return {
        name: {"n": len(part), "p95_ms": round(np.percentile(part, 95)), "p99_ms": round(np.percentile(part, 99))}
        for name, part in windows.items()
        if len(part)
    }


@events.quitting.add_listener
def _summarise(environment, **kwargs):
    stats = environment.stats.total
    summary = {
        "requests": stats.num_requests,
        "failures": stats.num_failures,
        "rps": round(stats.total_rps, 1),
        "duration_s": round(stats.last_request_timestamp - stats.start_time, 1) if stats.last_request_timestamp else 0,
        **_counts,
    }
    usage = resource.getrusage(resource.RUSAGE_SELF)  # locust shares the cores with what it measures: say how much
    summary["locust_cpu_s"] = round(usage.ru_utime + usage.ru_stime, 1)
    for category, values in _latencies.items():
        if values:
            p50, p95, p99 = np.percentile(values, [50, 95, 99])
            summary[category] = {"n": len(values), "p50_ms": round(p50), "p95_ms": round(p95), "p99_ms": round(p99)}
            summary[f"{category}_by_time"] = _by_time(values, _started[category])
    summary["endpoints"] = {
        entry.name: {
            "n": entry.num_requests,
            "p50_ms": entry.get_response_time_percentile(0.5),
            "p95_ms": entry.get_response_time_percentile(0.95),
            "p99_ms": entry.get_response_time_percentile(0.99),
        }
        for entry in sorted(environment.stats.entries.values(), key=lambda e: e.name)
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "requests.json").write_text(json.dumps(_trace))
    (OUT / "summary.json").write_text(json.dumps(summary, indent=2))
    print(json.dumps(summary, indent=2))


class PlannerUser(HttpUser):
    abstract = True
    role = ""
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        # Each simulated user is one account, logged in by the setup (its session cookie); the CSRF cookie and
        # token come from the first form page it loads, as in a browser.
        number = next(_accounts[self.role])
        self.username = f"{self.role}-{number:02d}"
        self.client.cookies.set("sessionid", SESSIONS[self.username])

    def project_url(self, pk: int, suffix: str = "") -> str:
        return f"/p/{SLUG}/projects/{pk}/{suffix}"


class Leadership(PlannerUser):
    """Reads: the backlog (ranked table), the ROI chart, project pages and the status banner."""

    role = "lead"
    weight = 25

    @task(4)
    def backlog(self):
        self.client.get(f"/p/{SLUG}/", name="read: backlog")

    @task(2)
    def backlog_top(self):
        self.client.get(f"/p/{SLUG}/?sort=rank", headers={"HX-Request": "true"}, name="read: backlog table (htmx)")

    @task(3)
    def chart(self):
        self.client.get(f"/p/{SLUG}/chart/", name="read: ROI chart")

    @task(4)
    def project(self):
        self.client.get(self.project_url(random.choice(PROJECT_IDS)), name="read: project page")

    @task(2)
    def status(self):
        self.client.get(f"/p/{SLUG}/status/?seen=0", headers={"HX-Request": "true"}, name="read: status")


class ProductManager(PlannerUser):
    """Inline-edits a project's impact on the backlog (htmx row edit: GET the edit row, POST it)."""

    role = "pm"
    weight = 15

    @task
    def edit_impact(self):
        pk = random.choice(PROJECT_IDS)
        url = self.project_url(pk, "row/")
        htmx = {"HX-Request": "true"}
        page = self.client.get(url, headers=htmx, name="read: edit row (htmx)")
        fields = form_fields(page.text)
        if "version" not in fields:
            return
        high = round(float(fields["impact_likely"] or 0) + random.uniform(1, 500), 3)
        fields["impact_high"] = str(high)
        with self.client.post(url, fields, headers=htmx, name="write: PM inline edit", catch_response=True) as r:
            if r.status_code == 200 and "Someone else saved this meanwhile" in r.text:
                with _lock:
                    _counts["conflicts"] += 1
                r.success()  # a refused conflicting save is correct behaviour, not an error
            elif r.status_code == 200 and 'name="version"' not in r.text:
                record_write("impact", project=pk, impact_high=high, based_on=int(fields["version"]))
                r.success()
            else:
                r.failure(f"inline edit answered HTTP {r.status_code} with the form again")


class EngineeringManager(PlannerUser):
    """Assesses projects (the assess page, then a new assessment)."""

    role = "em"
    weight = 10

    @task
    def assess(self):
        pk = random.choice(PROJECT_IDS)
        url = self.project_url(pk, "assess/")
        page = self.client.get(url, name="read: assess form")
        fields = form_fields(page.text)
        if "project_version" not in fields:
            return
        low = round(random.uniform(1, 10), 2)
        fields.update(
            tag=random.choice(["easy", "hard"]),
            effort_low=str(low),
            effort_likely=str(round(low * 2, 2)),
            effort_high=str(round(low * 4, 2)),
            rationale=f"load test by {self.username}",
        )
        post = self.client.post
        with post(url, fields, name="write: EM assessment", allow_redirects=False, catch_response=True) as r:
            if r.status_code == 302:
                record_write("assessment", project=pk, effort_high=float(fields["effort_high"]), by=self.username)
                r.success()
            elif r.status_code == 409:
                with _lock:
                    _counts["conflicts"] += 1
                r.success()
            else:
                r.failure(f"assessment answered HTTP {r.status_code}")
