"""Errors that end a run early or become ``error`` findings.

AWS failures are classified once, here, so every command reports them the same
way: a usage problem exits 2 with one line; a failed AWS call becomes an
``error`` finding that names the IAM action, and the other checks carry on.
"""

from __future__ import annotations

import enum


class UsageError(Exception):
    """Bad input from the user: one clear line on stderr and exit code 2."""


class AwsErrorKind(str, enum.Enum):
    """Why an AWS call failed, in the terms a user acts on."""

    ACCESS_DENIED = "access-denied"
    THROTTLED = "throttled"
    TIMEOUT = "timeout"
    UNREACHABLE = "unreachable"
    NO_CREDENTIALS = "no-credentials"
    EXPIRED_CREDENTIALS = "expired-credentials"
    NOT_FOUND = "not-found"
    INVALID_INPUT = "invalid-input"
    OTHER = "other"
    NOT_AWS = "not-aws"


#: What the user should do for each kind of failure.
ADVICE = {
    AwsErrorKind.ACCESS_DENIED: "grant {action} to the identity plcheck runs as "
    "(`plcheck iam-policy` prints everything it needs)",
    AwsErrorKind.THROTTLED: "AWS kept throttling after retries; run again later or lower "
    "concurrency with --max-workers",
    AwsErrorKind.TIMEOUT: "the call timed out; check network access to the AWS endpoint",
    AwsErrorKind.UNREACHABLE: "the AWS endpoint could not be reached; check the network, "
    "proxy and AWS_ENDPOINT_URL",
    AwsErrorKind.NO_CREDENTIALS: "no usable AWS credentials; pass --profile NAME, run "
    "`aws sso login --profile NAME` for an SSO profile, or set AWS_ACCESS_KEY_ID and "
    "AWS_SECRET_ACCESS_KEY",
    AwsErrorKind.EXPIRED_CREDENTIALS: "the credentials have expired; refresh them "
    "(e.g. `aws sso login`) and run again",
    AwsErrorKind.NOT_FOUND: "check the resource ID, the account (--profile) and the region",
    AwsErrorKind.INVALID_INPUT: "check the resource ID and parameters",
    AwsErrorKind.OTHER: "see the error message from AWS",
    AwsErrorKind.NOT_AWS: "something other than AWS answered at {endpoint}: check the proxy "
    "(HTTPS_PROXY), any firewall that intercepts TLS, and AWS_ENDPOINT_URL",
}


class AwsCallError(Exception):
    """An AWS call that failed after retries, classified."""

    def __init__(
        self, kind: AwsErrorKind, action: str, code: str, message: str, endpoint_url: str = ""
    ) -> None:
        super().__init__(f"{action}: {code}: {message}")
        self.kind = kind
        self.action = action
        self.code = code
        self.message = message
        self.endpoint_url = endpoint_url
        """The URL the request went to, when known."""

    @property
    def advice(self) -> str:
        """A sentence saying what to do about it."""
        endpoint = self.endpoint_url or "the AWS endpoint"
        return ADVICE[self.kind].format(action=self.action, endpoint=endpoint)

    def describe(self) -> str:
        """One line for an ``error`` finding."""
        if self.kind is AwsErrorKind.ACCESS_DENIED:
            return f"access denied to {self.action} ({self.code})"
        if self.kind is AwsErrorKind.NOT_AWS:
            where = self.endpoint_url or "the AWS endpoint"
            return f"{self.action} failed: the answer from {where} is not from AWS ({self.message})"
        return f"{self.action} failed: {self.kind.value} ({self.code}: {self.message})"
