"""The finding spool: a large run's findings held compressed, read back whole and in order."""

from __future__ import annotations

import datetime as dt
import tracemalloc
from dataclasses import replace

import pytest

from plcheck.model import FailOn, Finding, Location, Report, Status
from plcheck.report import Format, junit_format, render, table_format
from plcheck.spool import BLOCK, FindingSpool, select


def finding(i: int, status: Status = Status.FAIL) -> Finding:
    """An endpoint-az-coverage finding like each of a large plan's endpoints gets."""
    address = f'module.pl["svc{i:05d}"].aws_vpc_endpoint.this'
    return Finding(
        "endpoint-az-coverage",
        status,
        'aws_subnet.pl["c"]',
        f'aws_subnet.pl["c"] of {address} is in us-east-1a (use1-az4), where the service '
        "is not offered",
        "222222222222",
        "us-east-1",
        'Drop aws_subnet.pl["c"] from the plan',
        {
            "address": address,
            "service_zone_ids": ["use1-az1", "use1-az2"],
            "service_zones": {"use1-az1": "us-east-1b", "use1-az2": "us-east-1c"},
        },
        Location("infra/modules/pl/main.tf", 3) if i % 2 else None,
        "accepted until 2027-01-01" if i % 7 == 0 else "",
    )


def mixed(n: int) -> list[Finding]:
    statuses = list(Status)
    return [finding(i, statuses[i % len(statuses)]) for i in range(n)]


def test_findings_read_back_whole_and_in_order() -> None:
    found = mixed(2 * BLOCK + 17)  # two sealed blocks and an open tail
    spool = FindingSpool(found)
    assert len(spool) == len(found)
    assert list(spool) == found
    assert list(spool) == found  # reading does not use it up
    for index in (0, BLOCK - 1, BLOCK, 2 * BLOCK + 16, -1, -len(found)):
        assert spool[index] == found[index]
    assert spool[BLOCK - 2 : BLOCK + 2] == tuple(found[BLOCK - 2 : BLOCK + 2])
    with pytest.raises(IndexError):
        spool[len(found)]


def test_joining_spools_keeps_order_and_every_block() -> None:
    first, second = mixed(BLOCK + 3), [finding(i) for i in range(1000, 1000 + 2 * BLOCK + 5)]
    joined = FindingSpool(first[:5])
    joined.extend(FindingSpool(first[5:]))  # blocks of another size than BLOCK
    joined.extend(FindingSpool(second))
    joined.append(finding(7))
    assert list(joined) == [*first, *second, finding(7)]
    assert joined[BLOCK + 4] == [*first, *second][BLOCK + 4]
    joined.extend(joined)
    assert len(joined) == 2 * (len(first) + len(second) + 1)


def test_select_keeps_a_spool_a_spool() -> None:
    found = mixed(50)
    failing = select(FindingSpool(found), lambda f: f.status is Status.FAIL)
    assert isinstance(failing, FindingSpool)
    assert list(failing) == [f for f in found if f.status is Status.FAIL]
    assert select(tuple(found), lambda f: False) == ()


def test_a_spool_holds_alike_findings_in_a_fraction_of_their_memory() -> None:
    count = 5 * BLOCK
    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        held = [finding(i) for i in range(count)]
        as_objects = tracemalloc.get_traced_memory()[0] - start
        spool = FindingSpool(held)
        del held
        as_spool = tracemalloc.get_traced_memory()[0] - start
    finally:
        tracemalloc.stop()
    assert len(spool) == count
    assert as_spool * 5 < as_objects, (as_spool, as_objects)


@pytest.mark.parametrize("fmt", list(Format))
@pytest.mark.parametrize("quiet", [False, True])
def test_every_format_reads_a_spool_as_it_reads_a_tuple(fmt: Format, quiet: bool) -> None:
    # Above the table's LARGE, so that alike findings are grouped; one finding is ignored.
    found = mixed(table_format.LARGE + 50)
    found[3] = replace(found[3], status=Status.SKIP, suppressed_reason="accepted")
    as_tuple = Report("plan", tuple(found), fail_on=FailOn.WARN, hide_passes=quiet)
    as_spool = replace(as_tuple, findings=FindingSpool(found))
    assert as_spool.summary == as_tuple.summary
    assert as_spool.exit_code == as_tuple.exit_code
    assert as_spool.checks_used() == as_tuple.checks_used()
    if fmt is Format.JUNIT:  # stamped with the time it is written: pinned for both
        when = dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc)
        assert junit_format.render(as_spool, when, "h") == junit_format.render(as_tuple, when, "h")
    else:
        assert render(as_spool, fmt) == render(as_tuple, fmt)


def test_a_grouped_row_counts_its_findings_and_names_the_first_resources() -> None:
    found = [
        replace(finding(i), resource=f'aws_subnet.pl["{i % 8}"]')
        for i in range(table_format.LARGE + 1)
    ]
    text = table_format.render(Report("plan", FindingSpool(found)))
    assert f"{len(found)} findings, alike ones grouped" in text
    row = " ".join(text.split())
    assert f"FAIL │ endpoint-az-coverage │ {len(found)} │" in row
    assert 'aws_subnet.pl["4"] and 3 more' in row
