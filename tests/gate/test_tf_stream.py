"""Reading a plan in passes (ijson) gives the plan parsing it whole gives, in bounded memory.

``read`` streams ``resource_changes`` a change at a time and never builds
``planned_values`` or ``prior_state``; whatever it cannot stream (not JSON, not a plan,
no change) is parsed whole for the exact error.
"""

from __future__ import annotations

import io
import json
import re
import sys
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from plcheck.errors import UsageError
from plcheck.gate.terraform import parse, read
from plcheck.sim.plans import resource_change

DATA = Path(__file__).parent / "data"
PLANS = [DATA / "tf" / "two_accounts.json", DATA / "plan_known.json", DATA / "plan_unknown.json"]


@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.name)
def test_streamed_plan_equals_the_plan_parsed_whole(path: Path) -> None:
    whole = parse(json.loads(path.read_text(encoding="utf-8")), path)
    assert whole.resources  # each fixture has resources to compare
    assert read(path) == whole


def test_the_order_of_a_plans_parts_does_not_matter(tmp_path: Path) -> None:
    data = json.loads((DATA / "tf" / "two_accounts.json").read_text(encoding="utf-8"))
    reordered = dict(reversed(list(data.items())))  # configuration first, format_version last
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(reordered), encoding="utf-8")
    assert read(path) == parse(data, path)


def test_standard_input_is_streamed_too(monkeypatch: pytest.MonkeyPatch) -> None:
    path = DATA / "tf" / "two_accounts.json"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(path.read_bytes())))
    streamed = read("-")
    assert streamed.resources == read(path).resources


def test_a_plan_cut_short_after_its_changes_is_one_line_with_its_line(tmp_path: Path) -> None:
    text = json.dumps(json.loads((DATA / "plan_known.json").read_text()), indent=2)
    path = tmp_path / "plan.json"
    path.write_text(text[: int(len(text) * 0.9)], encoding="utf-8")
    expected = rf"^{re.escape(str(path))}:\d+: not JSON \(.+\); pass the output"
    with pytest.raises(UsageError, match=expected):
        read(path)


def test_another_major_format_version_is_refused(tmp_path: Path) -> None:
    data = json.loads((DATA / "plan_known.json").read_text())
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({**data, "format_version": "2.0"}), encoding="utf-8")
    with pytest.raises(UsageError, match=r"unsupported plan format_version 2\.0"):
        read(path)


def _plan_with_large_values(count: int) -> dict[str, Any]:
    """One endpoint to read, and ``count`` resources in planned_values and prior_state only."""
    filler = [
        {
            "address": f"aws_s3_object.o[{i}]",
            "mode": "managed",
            "type": "aws_s3_object",
            "name": "o",
            "index": i,
            "values": {"key": f"objects/{i:06d}", "content": "x" * 200},
        }
        for i in range(count)
    ]
    endpoint = resource_change(
        "aws_vpc_endpoint.pl",
        "aws_vpc_endpoint",
        {
            "service_name": "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0",
            "vpc_endpoint_type": "Interface",
            "vpc_id": "vpc-0123456789abcdef0",
            "subnet_ids": ["subnet-0123456789abcdef0"],
            "private_dns_enabled": False,
        },
        {"id": True},
    )
    return {
        "format_version": "1.2",
        "planned_values": {"root_module": {"resources": filler}},
        "resource_changes": [endpoint],
        "prior_state": {"values": {"root_module": {"resources": filler}}},
        "configuration": {"root_module": {}},
    }


def test_planned_values_and_prior_state_are_never_built(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(_plan_with_large_values(10_000)), encoding="utf-8")
    size = path.stat().st_size
    tracemalloc.start()
    try:
        plan = read(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [e.address for e in plan.endpoints] == ["aws_vpc_endpoint.pl"]
    # Parsed whole, the text alone is the file's size and its objects more than that.
    assert peak < size / 10, (peak, size)
