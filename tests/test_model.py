"""Exit codes and summaries of the check model."""

from __future__ import annotations

import pytest

from plcheck.model import ExitCode, FailOn, Finding, Report, Status, exit_code_for


def finding(status: Status, check: str = "az-id-mapping") -> Finding:
    return Finding(check=check, status=status, resource="r", message="m")


@pytest.mark.parametrize(
    ("statuses", "fail_on", "expected"),
    [
        ([], FailOn.FAIL, ExitCode.OK),
        ([Status.PASS, Status.SKIP], FailOn.FAIL, ExitCode.OK),
        ([Status.WARN], FailOn.FAIL, ExitCode.OK),
        ([Status.WARN], FailOn.WARN, ExitCode.FINDINGS),
        ([Status.FAIL], FailOn.FAIL, ExitCode.FINDINGS),
        ([Status.ERROR], FailOn.FAIL, ExitCode.INCOMPLETE),
        ([Status.ERROR, Status.WARN], FailOn.FAIL, ExitCode.INCOMPLETE),
        # A run where some checks failed and others errored still says it failed.
        ([Status.ERROR, Status.FAIL], FailOn.FAIL, ExitCode.FINDINGS),
        ([Status.ERROR, Status.WARN], FailOn.WARN, ExitCode.FINDINGS),
    ],
)
def test_exit_codes(statuses: list[Status], fail_on: FailOn, expected: ExitCode) -> None:
    assert exit_code_for([finding(s) for s in statuses], fail_on) is expected


def test_summary_counts_every_status() -> None:
    report = Report(
        command="az-map",
        findings=(finding(Status.PASS), finding(Status.WARN), finding(Status.WARN)),
    )
    assert report.summary == {"pass": 1, "warn": 2, "fail": 0, "error": 0, "skip": 0}
    assert report.exit_code is ExitCode.OK


def test_finding_json_shape() -> None:
    f = Finding(
        check="az-id-mapping",
        status=Status.WARN,
        resource="us-east-1a",
        message="m",
        account="111111111111",
        region="us-east-1",
        remediation="fix",
        details={"a": 1},
    )
    assert f.as_dict() == {
        "check": "az-id-mapping",
        "status": "warn",
        "resource": "us-east-1a",
        "account": "111111111111",
        "region": "us-east-1",
        "message": "m",
        "remediation": "fix",
        "details": {"a": 1},
    }


def test_each_makes_a_checks_findings_as_they_are_read_and_ends_with_its_error() -> None:
    from types import SimpleNamespace

    from plcheck.checks import framework
    from plcheck.checks.service_visible import SPEC
    from plcheck.errors import AwsCallError, AwsErrorKind
    from plcheck.facts.consumer import ServiceDetail
    from plcheck.facts.outcome import Outcome

    names = ("com.amazonaws.vpce.us-east-1.vpce-svc-0a", "com.amazonaws.vpce.us-east-1.vpce-svc-0b")

    def vpc(services: Outcome[dict[str, ServiceDetail]]) -> SimpleNamespace:
        """The facts service-visible reads of a VPC."""
        return SimpleNamespace(
            resource="vpc-1",
            account="222222222222",
            region="us-east-1",
            targets=Outcome(value=()),
            services=services,
            service_names=names,
        )

    made = framework.each(SPEC, vpc(Outcome(value={names[0]: ServiceDetail(names[0])})))
    assert next(made).status.value == "pass"  # one at a time, not a list
    assert [f.status.value for f in made] == ["fail"]
    denied = AwsCallError(AwsErrorKind.ACCESS_DENIED, "ec2:DescribeVpcEndpointServices", "x", "no")
    failed = list(framework.each(SPEC, vpc(Outcome(error=denied))))
    assert [f.status.value for f in failed] == ["error"]
    assert failed == framework.apply(SPEC, vpc(Outcome(error=denied)))
