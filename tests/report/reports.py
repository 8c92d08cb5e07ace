"""Reports shaped like every command's, built by hand from the check catalog.

Each command's report has its checks' findings in every status, with the resources
those checks name (zone names, ARNs, endpoint and VPC IDs, host names), so reporters
can be tested on what each command really produces without the simulated world.
"""

from __future__ import annotations

import dataclasses

from plcheck.checks import COMMAND_ORDER, catalog
from plcheck.model import Finding, Location, Report, Status

PROVIDER, CONSUMER, THIRD = "111111111111", "222222222222", "333333333333"
REGION = "us-east-1"
NLB_ARN = (
    f"arn:aws:elasticloadbalancing:{REGION}:{PROVIDER}:loadbalancer/net/"
    "tacos-production-internal-nlb/0123456789abcdef"
)
SERVICE = f"com.amazonaws.vpce.{REGION}.vpce-svc-0123456789abcdef0"
TXT_NAME = "_pl7x3k2mzq9a8b.tacos.example.com"
FIX = (
    "aws ec2 authorize-security-group-ingress --group-id sg-0123456789abcdef0 "
    "--ip-permissions 'IpProtocol=tcp,FromPort=443,ToPort=443,"
    'IpRanges=[{CidrIp=10.20.0.0/16,Description="PrivateLink consumers"}]\' '
    f"--region {REGION} --profile consumer"
)

RESOURCES = {
    "az-map": "us-east-1a",
    "provider": NLB_ARN,
    "consumer": "vpce-0123456789abcdef0",
    "probe": "tacos.example.com@10.20.1.17",
    "check": "plcheck.toml:12",
    "plan": "aws_vpc_endpoint.tacos",
}
STATUSES = (Status.PASS, Status.WARN, Status.FAIL, Status.ERROR, Status.SKIP, Status.SKIP)


def command_report(command: str, **changes: object) -> Report:
    """A report of ``command`` with each of its checks in every status."""
    checks = [s.id for s in catalog().values() if s.command == command]
    if command == "plan":  # plan judges planned endpoints with the consumer's checks
        checks = [s.id for s in catalog().values() if s.command == "consumer"][:4]
    findings = []
    for check in checks:
        for n, status in enumerate(STATUSES):
            findings.append(_finding(command, check, status, n))
    report = Report(command=command, findings=tuple(findings), source=_source(command))
    return dataclasses.replace(report, **changes)  # type: ignore[arg-type]


def every_command() -> list[str]:
    return list(COMMAND_ORDER)


def _source(command: str) -> str:
    return {"check": "plcheck.toml", "plan": "plan.json"}.get(command, "")


def _finding(command: str, check: str, status: Status, n: int) -> Finding:
    resource = f"{RESOURCES[command]}-{n}" if command != "provider" else f"{NLB_ARN}{n}"
    account = ",".join((PROVIDER, CONSUMER)) if command == "az-map" else CONSUMER
    location = None
    if command == "check":
        location = Location("plcheck.toml", 10 + n)
    elif command == "plan":
        location = Location("infra/endpoints.tf", 3 + n)
    details: dict[str, object] = {"link": "tacos"} if command == "check" else {}
    if status is Status.SKIP and n == 4:  # the first skip was ignored; the second was not
        return Finding(
            check,
            Status.SKIP,
            resource,
            f"ignored (accepted until the migration): {check} on {resource}",
            account,
            REGION,
            details={**details, "ignored": {"reason": "accepted", "original_status": "fail"}},
            location=location,
            suppressed_reason="accepted until the migration",
        )
    return Finding(
        check,
        status,
        resource,
        f"{check} {status.value} on {resource}; publish {TXT_NAME} at {SERVICE}",
        account,
        REGION,
        FIX if status is not Status.PASS else "",
        details,
        location=location,
    )
