"""Running checks: one uniform call per check and subject, and one rule for missing facts.

A run gathers facts, builds one facts object per subject (a VPC, an endpoint, a
service...) and asks :func:`judge` for the findings of every check of its
command that judges that kind of subject. For each check the framework

1. looks up the facts the check declares it ``needs``; when one could not be read
   (an :class:`~plcheck.facts.outcome.Outcome` holding an error), the check's
   finding is an ``error`` naming the failed call, and its judge is not called;
2. otherwise calls the check's ``judge(facts)``. A judge that reads a fact it did
   not declare, and finds it failed, gets the same ``error`` finding.

Like cfn-lint's rules, a check states what it needs and the framework delivers
it; no command or run lists its checks or guards them one by one.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Protocol

from plcheck.checks import checks_for, module
from plcheck.errors import AwsCallError
from plcheck.facts.outcome import Outcome

if TYPE_CHECKING:
    from plcheck.model import CheckSpec, Finding


class Subject(Protocol):
    """The facts one check call judges, and where they live."""

    @property
    def resource(self) -> str:
        """What error findings name: the VPC, endpoint, service..."""

    @property
    def account(self) -> str:
        """The account the subject lives in ("" when unknown)."""

    @property
    def region(self) -> str:
        """The subject's region ("" when unknown)."""


def need(facts: object, path: str) -> Any:
    """The fact at a dotted attribute ``path`` of ``facts`` (outcomes left as they are)."""
    value: Any = facts
    for part in path.split("."):
        value = getattr(value, part)
    return value


def missing(spec: CheckSpec, facts: object) -> AwsCallError | None:
    """The first of ``spec``'s needed facts that could not be read, if any."""
    for path in spec.needs:
        value = need(facts, path)
        if isinstance(value, Outcome) and value.error is not None:
            return value.error
        if isinstance(value, AwsCallError):
            return value
    return None


def apply(spec: CheckSpec, facts: Subject) -> list[Finding]:
    """One check on one subject: its findings, or its ``error`` when a fact is missing."""
    failed = missing(spec, facts)
    if failed is None:
        try:
            return list(module(spec.id).judge(facts))
        except AwsCallError as exc:  # a fact the check reached for and did not declare
            failed = exc
    return [spec.error(facts.resource, failed, account=facts.account, region=facts.region)]


def each(spec: CheckSpec, facts: Subject) -> Iterator[Finding]:
    """:func:`apply`'s findings one at a time, as a check that yields them makes them.

    For a subject with thousands of findings (a plan's VPC of thousands of services). A
    fact the check reaches for and cannot read ends its findings with the ``error``.
    """
    failed = missing(spec, facts)
    if failed is None:
        try:
            yield from module(spec.id).judge(facts)
        except AwsCallError as exc:  # a fact the check reached for and did not declare
            failed = exc
        else:
            return
    yield spec.error(facts.resource, failed, account=facts.account, region=facts.region)


def judge(command: str, subject: str, facts: Subject) -> list[Finding]:
    """Every check of ``command`` that judges ``subject``, on ``facts``, in catalog order."""
    findings: list[Finding] = []
    for spec in checks_for(command, subject):
        findings.extend(apply(spec, facts))
    return findings


def unreadable(
    command: str, subject: str, resource: str, error: AwsCallError, account: str, region: str
) -> list[Finding]:
    """The ``error`` of every check of ``subject`` when the subjects themselves are unreadable."""
    return [
        spec.error(resource, error, account=account, region=region)
        for spec in checks_for(command, subject)
    ]
