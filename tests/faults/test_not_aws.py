"""Answers that are not from AWS (a proxy's HTML page, a body botocore cannot read, a 5xx
without an AWS error document) and credentials AWS refuses, through the CLI.

Each is exit 3 with the report of everything else; the error says that something other
than AWS answered, and where.
"""

from __future__ import annotations

from typing import Any

import pytest

from plcheck.aws.errors import classify
from plcheck.errors import AwsErrorKind
from plcheck.sim.faults import FaultInjector
from tests.faults.conftest import AZ_MAP_ARGS, Served, consumer_args, plcheck

PROXY_PAGE = "<html><body><h1>502 Bad Gateway</h1><p>squid</p></body></html>"
DOCTYPE_PAGE = "<!DOCTYPE html><html><body><h1>Internal Server Error</h1></body></html>"
NOT_A_DOCUMENT = "upstream connect error or disconnect/reset before headers"


def not_aws_errors(result: Any) -> list[dict[str, Any]]:
    errors = result.errors()
    assert errors, result.report
    assert {f["details"]["error_kind"] for f in errors} == {"not-aws"}
    return list(errors)


@pytest.mark.parametrize(
    ("status", "body", "seen"),
    [
        (502, PROXY_PAGE, "HTTP 502 Bad Gateway, no AWS error document"),
        (503, "", "HTTP 503 Service Unavailable, no AWS error document"),
        (500, DOCTYPE_PAGE, "HTTP 500 Internal Server Error, no AWS error document"),
        (403, DOCTYPE_PAGE, "HTTP 403 Forbidden, no AWS error document"),
    ],
)
def test_a_page_from_something_else_is_exit_3_saying_aws_did_not_answer(
    faults: FaultInjector, capsys: pytest.CaptureFixture[str], status: int, body: str, seen: str
) -> None:
    faults.not_aws(status, body, action="ec2:DescribeAvailabilityZones")
    result = plcheck(capsys, *AZ_MAP_ARGS)
    assert result.code == 3
    for finding in not_aws_errors(result):
        assert "is not from AWS" in finding["message"]
        assert seen in finding["message"]
        assert finding["remediation"].startswith("Something other than AWS answered at ")
        assert "See the error message from AWS" not in finding["remediation"]


def test_one_read_answered_by_a_proxy_leaves_the_rest_of_the_report(
    served: Served, faults: FaultInjector, capsys: pytest.CaptureFixture[str]
) -> None:
    faults.not_aws(502, PROXY_PAGE, action="ec2:DescribeSecurityGroups")
    result = plcheck(capsys, *consumer_args(served))
    assert result.code in (1, 3)  # the scenario's own failures still count
    assert {f["check"] for f in not_aws_errors(result)} == {"endpoint-security-groups"}
    assert len(result.checks) > 1


@pytest.fixture
def ec2(served: Served) -> Any:
    """A plain boto3 client to the served world, with two attempts."""
    import boto3
    from botocore.config import Config

    return boto3.Session(profile_name="consumer").client(
        "ec2",
        region_name=served.scenario.region,
        config=Config(retries={"mode": "standard", "total_max_attempts": 2}),
    )


@pytest.mark.parametrize(
    ("status", "body"),
    [(500, NOT_A_DOCUMENT), (200, NOT_A_DOCUMENT), (502, PROXY_PAGE), (500, DOCTYPE_PAGE)],
)
def test_classify_names_the_endpoint_that_answered(
    ec2: Any, faults: FaultInjector, status: int, body: str
) -> None:
    faults.not_aws(status, body, action="ec2:DescribeVpcs")
    with pytest.raises(Exception) as caught:
        ec2.describe_vpcs()
    error = classify(caught.value, "ec2:DescribeVpcs", ec2.meta.endpoint_url)
    assert error.kind is AwsErrorKind.NOT_AWS
    assert ec2.meta.endpoint_url.startswith("http://127.0.0.1:")
    assert f"the answer from {ec2.meta.endpoint_url} is not from AWS" in error.describe()
    assert error.advice.startswith(f"something other than AWS answered at {ec2.meta.endpoint_url}")


def test_an_unreadable_body_quotes_its_start(ec2: Any, faults: FaultInjector) -> None:
    faults.not_aws(500, NOT_A_DOCUMENT, action="ec2:DescribeVpcs")
    with pytest.raises(Exception) as caught:
        ec2.describe_vpcs()
    error = classify(caught.value, "ec2:DescribeVpcs", ec2.meta.endpoint_url)
    assert "a body that is neither XML nor JSON: upstream connect error" in error.describe()


def test_aws_errors_stay_aws_errors(ec2: Any, faults: FaultInjector) -> None:
    faults.fail("InternalError", "An internal error has occurred", status=500)
    with pytest.raises(Exception) as caught:
        ec2.describe_vpcs()
    assert classify(caught.value, "ec2:DescribeVpcs").kind is AwsErrorKind.OTHER


@pytest.mark.parametrize(("status", "body"), [(500, NOT_A_DOCUMENT), (502, PROXY_PAGE)])
def test_through_the_cli_the_error_names_the_endpoint(
    served: Served,
    faults: FaultInjector,
    capsys: pytest.CaptureFixture[str],
    status: int,
    body: str,
) -> None:
    faults.not_aws(status, body, action="ec2:DescribeAvailabilityZones")
    result = plcheck(capsys, *AZ_MAP_ARGS)
    assert result.code == 3
    for finding in not_aws_errors(result):
        assert served.world.endpoint_url in finding["remediation"]


# ------------------------------------------------------------------ credentials, once


def test_expired_credentials_are_one_line_on_stderr(
    faults: FaultInjector, capsys: pytest.CaptureFixture[str]
) -> None:
    faults.expire_credentials()
    result = plcheck(capsys, *AZ_MAP_ARGS)
    assert result.code == 3
    [line] = result.stderr.splitlines()
    assert line.startswith("plcheck: the AWS credentials have expired: run `aws sso login`")


def test_rejected_credentials_are_one_line_on_stderr_naming_the_code(
    faults: FaultInjector, capsys: pytest.CaptureFixture[str]
) -> None:
    faults.fail("InvalidClientTokenId", "The security token included is invalid.", status=403)
    result = plcheck(capsys, *AZ_MAP_ARGS)
    assert result.code == 3
    [line] = result.stderr.splitlines()
    assert line.startswith("plcheck: AWS rejected the credentials (InvalidClientTokenId)")


@pytest.mark.parametrize(
    ("action", "body", "content_type"),
    [
        # botocore reads this as an empty answer: "no zones" would be reported as a fact.
        ("ec2:DescribeAvailabilityZones", PROXY_PAGE, "text/html"),
        # botocore fails on an STS answer like this with a bare KeyError (its Result element).
        ("sts:AssumeRole", DOCTYPE_PAGE, "text/html"),
        # A captive portal that answers 200 with text and no content type.
        ("ec2:DescribeAvailabilityZones", NOT_A_DOCUMENT, ""),
    ],
)
def test_a_200_page_from_something_else_is_not_read_as_an_answer(
    faults: FaultInjector,
    capsys: pytest.CaptureFixture[str],
    action: str,
    body: str,
    content_type: str,
) -> None:
    faults.not_aws(200, body, content_type=content_type, action=action)
    result = plcheck(capsys, *AZ_MAP_ARGS)
    assert result.code == 3
    for finding in not_aws_errors(result):
        assert "is not from AWS" in finding["message"]
        assert finding["remediation"].startswith("Something other than AWS answered at ")
