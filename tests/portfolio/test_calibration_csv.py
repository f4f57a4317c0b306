"""A history imported through the CSV, calibrated by ``manage.py calibration --format json``, checked against a
second, independent implementation of DESIGN.md written here with plain loops (scipy's Beta CDF and normal quantile
only)."""

import json
import math
import statistics
from io import StringIO

import numpy as np
import pytest
from django.core.management import call_command
from scipy import stats

from portfolio import csv_import

HEADER = (
    "name,status,feasibility,impact_low,impact_likely,impact_high,effort_low,effort_likely,effort_high,actual_effort,"
    "succeeded,realized_impact,impact_estimated_by,effort_estimated_by\n"
)
EMS, PMS, TAGS = ("ana", "ben", "", "cy"), ("pia", "", "quinn"), ("easy", "hard", "impossible")


def history(rows: int, seed: int) -> list[dict]:
    """A random past: ranges, actuals (some constant ranges, some actuals at a bound), success, estimators."""
    rng = np.random.default_rng(seed)
    out = []
    for i in range(rows):
        low = float(rng.integers(1, 20))
        likely = low + float(rng.integers(0, 10))
        high = likely + float(rng.integers(0, 15)) if i % 9 else low
        likely = likely if i % 9 else low
        actual = round(float(rng.uniform(0.5 * low, 1.8 * high + 1)), 2) if i % 7 else high
        ilow = float(rng.integers(10, 100))
        ilikely, ihigh = ilow + float(rng.integers(0, 100)), ilow + float(rng.integers(100, 300))
        out.append(
            {
                "name": f"Past {i:02d}",
                "tag": TAGS[int(rng.integers(0, 3))],
                "effort": (low, likely, high),
                "actual": actual,
                "impact": (ilow, ilikely, ihigh),
                "realized": round(float(rng.uniform(0, ihigh * 1.2)), 1) if i % 3 else None,
                "succeeded": ("yes", "no", "")[int(rng.integers(0, 3))],
                "em": EMS[int(rng.integers(0, len(EMS)))],
                "pm": PMS[int(rng.integers(0, len(PMS)))],
            }
        )
    return out


def as_csv(rows: list[dict]) -> str:
    lines = [HEADER]
    for r in rows:
        realized = "" if r["realized"] is None else r["realized"]
        lines.append(
            f"{r['name']},shipped,{r['tag']},{','.join(map(str, r['impact']))},{','.join(map(str, r['effort']))},"
            f"{r['actual']},{r['succeeded']},{realized},{r['pm']},{r['em']}\n"
        )
    return "".join(lines)


def reference_pit(low, likely, high, x):
    if high == low:
        return 0.0 if x < low else 1.0 if x > low else 0.5
    if x <= low:
        return 0.0
    if x >= high:
        return 1.0
    a, b = 1 + 4 * (likely - low) / (high - low), 1 + 4 * (high - likely) / (high - low)
    return float(stats.beta.cdf((x - low) / (high - low), a, b))


def reference_row(estimates):
    """estimates: [((low, likely, high), actual)] -> n, hit rate, bias, stretch, histogram."""
    pits = [reference_pit(*r, x) for r, x in estimates]
    n = len(estimates)
    hits = sum(0.1 <= p <= 0.9 for p in pits)
    bias = statistics.median([x / ((r[0] + 4 * r[1] + r[2]) / 6) for r, x in estimates])
    histogram = [0] * 10
    for p in pits:
        histogram[min(int(p * 10), 9)] += 1
    stretch = None
    if n >= 5:
        stretch = 5.0
        for k in range(50, 501, 5):
            s = k / 100
            moved = [
                ((bias * max(0, r[1] - s * (r[1] - r[0])), bias * r[1], bias * (r[1] + s * (r[2] - r[1]))), x)
                for r, x in estimates
            ]
            if sum(0.1 <= reference_pit(*m, x) <= 0.9 for m, x in moved) / n >= 0.8:
                stretch = s
                break
    return n, hits / n, bias, stretch, histogram


def reference_wilson(k, n):
    z = stats.norm.ppf(0.9)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2])
def test_command_agrees_with_an_independent_implementation_on_an_imported_history(portfolio, seed):
    rows = history(40, seed)
    csv_import.import_csv(portfolio=portfolio, data=as_csv(rows).encode())  # as the import command does
    out = StringIO()
    call_command("calibration", portfolio=portfolio.slug, output_format="json", stdout=out)
    document = json.loads(out.getvalue())

    groups: dict[tuple[str, str], list] = {}
    for r in rows:
        groups.setdefault(("effort", r["em"] or "imported"), []).append((r["effort"], r["actual"]))
        groups.setdefault(("effort", "all"), []).append((r["effort"], r["actual"]))
        if r["realized"] is not None:
            groups.setdefault(("impact", r["pm"] or "imported"), []).append((r["impact"], r["realized"]))
            groups.setdefault(("impact", "all"), []).append((r["impact"], r["realized"]))
    got = {(e["kind"], e["estimator"]): e for e in document["estimators"]}
    assert set(got) == set(groups)
    for key, estimates in groups.items():
        n, hit_rate, bias, stretch, histogram = reference_row(estimates)
        row = got[key]
        assert (row["n"], row["pit_histogram"], row["stretch"]) == (n, histogram, stretch), key
        assert row["hit_rate"] == pytest.approx(hit_rate, rel=1e-12)
        assert row["bias"] == pytest.approx(bias, rel=1e-12)

    assumed = {"easy": 0.9, "hard": 0.5, "impossible": 0.0}
    tags = {t["tag"]: t for t in document["tags"]}
    for tag in TAGS:
        known = [r["succeeded"] == "yes" for r in rows if r["tag"] == tag and r["succeeded"]]
        if not known:
            assert tag not in tags
            continue
        low, high = reference_wilson(sum(known), len(known))
        row = tags[tag]
        assert (row["n"], row["assumed"]) == (len(known), assumed[tag])
        assert row["success_rate"] == pytest.approx(sum(known) / len(known), rel=1e-12)
        assert row["interval"] == pytest.approx([low, high], rel=1e-9, abs=1e-12)
        assert row["flagged"] == (not low <= assumed[tag] <= high)
