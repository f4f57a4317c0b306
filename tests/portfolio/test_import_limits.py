"""The CSV import reads what it is sent in bounded time and memory: too many rows are refused before anything
is applied, a wide header in linear time, blank lines without multiplying an upload's memory."""

import time
import tracemalloc

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portfolio import csv_import
from portfolio.models import Project


@pytest.mark.django_db
def test_an_import_with_more_rows_than_one_request_can_apply_is_refused_up_front(portfolio, pm_client, monkeypatch):
    """20,000 rows fit in 200 KB, well under IMPORT_MAX_BYTES, but every row is applied in one request and one
    transaction holding the portfolio's lock: a file with more rows than a request can apply (IMPORT_MAX_ROWS)
    is refused before anything is written."""
    rows = 20000
    text = "name,impact_low,impact_likely,impact_high\n" + "".join(f"Row {i},1,2,3\n" for i in range(rows))
    assert len(text) < 2 * 1024 * 1024
    created = []
    from portfolio import csv_import

    original = csv_import.services.project_create

    def counting_create(**kwargs):
        created.append(kwargs["name"])
        if len(created) > 5000:  # stop the run here; the finding is that it gets this far at all
            raise AssertionError(f"the import was still creating projects after {len(created) - 1:,} rows")
        return original(**kwargs)

    monkeypatch.setattr(csv_import.services, "project_create", counting_create)

    response = pm_client.post(
        reverse("portfolio:import", args=[portfolio.slug]),
        {"file": SimpleUploadedFile("big.csv", text.encode(), "text/csv")},
    )

    assert response.status_code in (200, 400)
    assert not Project.objects.filter(portfolio=portfolio).exists()
    assert len(created) == 0, f"{len(created):,} rows applied before the file was refused"


@pytest.mark.django_db
def test_a_wide_header_is_refused_in_linear_time(portfolio, pm_client):
    """The repeated-columns check once counted each column in the whole header: quadratic. A header of 25,000
    made-up names (175 KB) took 5 s and a 2 MB one would have kept a web worker busy for tens of minutes. The time
    is printed (-s), not asserted: ``test_the_header_check_reads_the_header_a_fixed_number_of_times`` is what
    fails if the check turns quadratic again, whatever the machine's load."""
    header = ",".join(f"c{i:06d}" for i in range(250_000))  # about 2 MB, just under IMPORT_MAX_BYTES
    text = "name," + header + "\nA\n"
    started = time.perf_counter()

    response = pm_client.post(
        reverse("portfolio:import", args=[portfolio.slug]),
        {"file": SimpleUploadedFile("wide.csv", text.encode(), "text/csv")},
    )

    elapsed = time.perf_counter() - started
    assert response.status_code in (200, 400) and "Unknown columns" in response.content.decode()
    assert "and 249,990 more" in response.content.decode()  # a message, not a 2 MB page
    print(f"refusing a 250,000-column header took {elapsed:.2f} s")


class _PassCountingHeader(list):
    """A header that counts how many times the whole of it is scanned (iterated, searched or counted)."""

    passes = 0

    def __iter__(self):
        self.passes += 1
        return super().__iter__()

    def __contains__(self, value):
        self.passes += 1
        return super().__contains__(value)

    def count(self, value):
        self.passes += 1
        return super().count(value)


@pytest.mark.parametrize("width", [10, 10_000])
def test_the_header_check_reads_the_header_a_fixed_number_of_times(width):
    """Linear however wide: the same few scans of the header for 10 columns as for 10,000 (counting each column
    in the whole header, as the check once did, is one scan per column)."""
    from portfolio.csv_import import reading

    header = _PassCountingHeader(["name", "name", *(f"c{i:06d}" for i in range(width))])

    with pytest.raises(csv_import.ImportErrors):
        reading._check_header(1, header)

    assert header.passes <= 4


@pytest.mark.django_db
def test_blank_lines_do_not_multiply_an_uploads_memory(portfolio):
    """_read keeps every record of the file, blank ones too (and splitlines() the whole text to look at the
    first line), before counting rows: 2 MB of newlines, within IMPORT_MAX_BYTES, costs about 350 MB of memory
    and 2 s in one web worker for a file that has no rows. Measured here on 400 KB (about 60 MB traced)."""
    data = ("name,impact_low,impact_likely,impact_high\n" + "\n" * 400_000).encode()
    tracemalloc.start()
    try:
        with pytest.raises(csv_import.ImportErrors):
            csv_import.import_csv(portfolio=portfolio, data=data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert peak < 20 * len(data), f"{peak / 1e6:.0f} MB to read a {len(data) / 1e3:.0f} KB file of blank lines"
