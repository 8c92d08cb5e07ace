"""Render time of every report format for 2,000, 10,000 and 20,000 findings.

Run with ``.venv/bin/python bench/report_render.py [SIZES...]``; prints one line per
format and size, and the time per finding, so growth that is not linear shows as a
rising per-finding cost. No AWS, no network: the findings are made up.
"""

from __future__ import annotations

import sys
import time

from plcheck.model import Finding, Report, Status
from plcheck.report import Format, render

FIX = (
    "aws ec2 authorize-security-group-ingress --group-id sg-{i:017x} --ip-permissions "
    "IpProtocol=tcp,FromPort=443,ToPort=443,IpRanges=[{{CidrIp=10.20.0.0/16}}]"
)


def report(n: int) -> Report:
    statuses = (Status.PASS, Status.WARN, Status.FAIL, Status.SKIP)
    return Report(
        "consumer",
        tuple(
            Finding(
                "endpoint-security-groups",
                statuses[i % len(statuses)],
                f"vpce-{i:017x}",
                f"sg-{i:017x} does not admit TCP 443 from 10.20.0.0/16",
                "222222222222",
                "us-east-1",
                FIX.format(i=i),
            )
            for i in range(n)
        ),
    )


def main(sizes: list[int]) -> None:
    for fmt in Format:
        for n in sizes:
            data = report(n)
            start = time.perf_counter()
            render(data, fmt)
            took = time.perf_counter() - start
            print(f"{fmt.value:9} {n:>6} findings  {took:7.2f} s  {took / n * 1e6:7.1f} µs/finding")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [2_000, 10_000, 20_000])
