"""Fault injection for the simulated world: delays, throttling, denials, odd responses.

A :class:`FaultInjector` wraps moto's request handling (``BaseResponse.call_action``)
for as long as it is applied, so it acts on every request moto serves in this
process: in-process (``mock_aws``) or over HTTP (``SimulatedWorld(serve=True)``),
whichever process sends it. It

* counts the requests that reach AWS, server-side (``calls``, ``count``);
* delays every request, like a regional round trip (``delay``);
* answers matching requests with an AWS error instead (``throttle``, ``deny``,
  ``expire_credentials``, ``fail``), forever or for the first N matches;
* answers them with something that is not AWS at all (``not_aws``: a proxy's HTML page);
* removes fields from matching responses (``strip``), as AWS omits optional ones.

Rules match on the IAM-style action (``ec2:DescribeSubnets``), the caller's
account and, with ``when``, anything else about the request::

    with SimulatedWorld(serve=True) as world, FaultInjector(delay=0.05) as faults:
        faults.throttle("ec2:DescribeAvailabilityZones", times=2)
        faults.deny_assume_role("333333333333")
        ...
        assert faults.count("sts:AssumeRole") == 2

moto is untyped: ``Any`` stays inside this module.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

#: IAM action prefixes where they differ from the botocore service name.
_IAM_PREFIX = {"elbv2": "elasticloadbalancing"}

THROTTLING = ("Throttling", "Rate exceeded")
"""Code and message AWS sends when it throttles (botocore retries it)."""
EXPIRED_TOKEN = ("ExpiredToken", "The security token included in the request is expired")
"""Code and message for expired session credentials."""


@dataclass(frozen=True)
class AwsRequest:
    """One request as moto received it: what fault rules match on."""

    service: str
    """botocore service name (``ec2``, ``sts``, ``elbv2``, ``organizations``...)."""
    operation: str
    """API operation name (``DescribeAvailabilityZones``)."""
    account: str
    """The caller's account (from its access key)."""
    region: str
    """The region the request was sent to."""
    params: Mapping[str, Any] = field(default_factory=dict)
    """Request parameters (query string or JSON body), single values unwrapped."""

    @property
    def action(self) -> str:
        """IAM-style action, e.g. ``ec2:DescribeAvailabilityZones``."""
        return f"{_IAM_PREFIX.get(self.service, self.service)}:{self.operation}"


Matcher = Callable[[AwsRequest], bool]


@dataclass
class Fault:
    """One rule: which requests it applies to and what it does to them."""

    action: str | None = None
    """IAM-style action to match (None: every action)."""
    account: str | None = None
    """Caller account to match (None: every account)."""
    when: Matcher | None = None
    """Any further condition on the request."""
    error: tuple[str, str, int] | None = None
    """Answer with this (code, message, HTTP status) instead of calling moto."""
    strip: tuple[str, ...] = ()
    """Remove these response fields (any depth)."""
    times: int | None = None
    """How many matching requests it affects; None: all of them."""
    hits: int = 0
    """Matching requests it has affected so far."""
    raw: tuple[int, str, str] | None = None
    """Answer with this (HTTP status, content type, body) as is: something other than AWS."""

    def matches(self, request: AwsRequest) -> bool:
        """Whether the rule applies to ``request`` (ignoring ``times``)."""
        if self.action is not None and request.action != self.action:
            return False
        if self.account is not None and request.account != self.account:
            return False
        return self.when is None or self.when(request)


class FaultInjector:
    """Delays, errors and stripped fields on the requests moto serves; a context manager."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        """Seconds added to every request before moto handles it."""
        self.faults: list[Fault] = []
        self._calls: list[AwsRequest] = []
        self._lock = threading.Lock()
        self._patch: Any = None

    # ---------------------------------------------------------------- lifecycle

    def __enter__(self) -> FaultInjector:
        import warnings
        from unittest import mock

        from moto.core.responses import BaseResponse

        # moto warns that an injected code is not in the service's error model; AWS
        # sends such codes (Throttling, ExpiredToken) from its front end for every service.
        warnings.filterwarnings("ignore", message=r"Exception\(InjectedError\)")

        original = BaseResponse.call_action
        injector = self

        def call_action(response: Any) -> Any:
            return injector._handle(response, original)

        self._patch = mock.patch.object(BaseResponse, "call_action", call_action)
        self._patch.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._patch is not None:
            self._patch.stop()
            self._patch = None

    # ---------------------------------------------------------------- counting

    @property
    def calls(self) -> list[AwsRequest]:
        """Every request served since the last :meth:`reset_calls`, in arrival order."""
        with self._lock:
            return list(self._calls)

    def count(self, action: str | None = None) -> int:
        """How many requests (of ``action``) were served."""
        return sum(1 for c in self.calls if action is None or c.action == action)

    def by_action(self) -> Counter[str]:
        """Requests served per action."""
        return Counter(c.action for c in self.calls)

    def reset_calls(self) -> None:
        """Forget the requests counted so far."""
        with self._lock:
            self._calls.clear()

    # ---------------------------------------------------------------- rules

    def add(self, fault: Fault) -> Fault:
        """Add a rule; the first rule that matches a request decides its error."""
        with self._lock:
            self.faults.append(fault)
        return fault

    def clear(self) -> None:
        """Remove every rule (the delay stays)."""
        with self._lock:
            self.faults.clear()

    def throttle(
        self, action: str | None = None, *, times: int | None = None, account: str | None = None
    ) -> Fault:
        """Throttle matching requests (``times`` of them, or forever)."""
        code, message = THROTTLING
        return self.add(
            Fault(action=action, account=account, error=(code, message, 400), times=times)
        )

    def deny(
        self, action: str, *, account: str | None = None, when: Matcher | None = None
    ) -> Fault:
        """AccessDenied on ``action`` (in ``account``), as a missing IAM permission gives."""
        message = f"User is not authorized to perform: {action}"
        return self.add(
            Fault(action=action, account=account, when=when, error=("AccessDenied", message, 403))
        )

    def deny_assume_role(self, target_account: str) -> Fault:
        """AccessDenied on ``sts:AssumeRole`` into any role of ``target_account``."""
        marker = f":{target_account}:role/"
        return self.deny(
            "sts:AssumeRole", when=lambda r: marker in str(r.params.get("RoleArn", ""))
        )

    def expire_credentials(self, action: str | None = None, *, account: str | None = None) -> Fault:
        """ExpiredToken on matching requests, as AWS answers a stale session token."""
        code, message = EXPIRED_TOKEN
        return self.add(Fault(action=action, account=account, error=(code, message, 400)))

    def fail(
        self,
        code: str,
        message: str,
        *,
        status: int = 400,
        action: str | None = None,
        account: str | None = None,
        times: int | None = None,
    ) -> Fault:
        """Any AWS error code on matching requests."""
        return self.add(
            Fault(action=action, account=account, error=(code, message, status), times=times)
        )

    def not_aws(
        self,
        status: int,
        body: str,
        *,
        content_type: str = "text/html",
        action: str | None = None,
        times: int | None = None,
    ) -> Fault:
        """Answer matching requests with ``body`` as is, as a proxy's error page would."""
        return self.add(Fault(action=action, raw=(status, content_type, body), times=times))

    def strip(self, fields: Iterable[str], action: str | None = None) -> Fault:
        """Remove ``fields`` (PascalCase names, at any depth) from matching responses."""
        return self.add(Fault(action=action, strip=tuple(fields)))

    # ---------------------------------------------------------------- the wrapper

    def _handle(self, response: Any, original: Callable[[Any], Any]) -> Any:
        request = _request_of(response)
        with self._lock:
            self._calls.append(request)
            answer, strip = self._decide(request)
        if self.delay > 0:
            time.sleep(self.delay)
        if answer is not None and answer.raw is not None:
            status, content_type, text = answer.raw
            return status, {"Content-Type": content_type}, text
        if answer is not None and answer.error is not None:
            return _error_response(response, *answer.error)
        status, headers, body = original(response)
        if strip and 200 <= int(status) < 300:
            body = _strip_fields(body, strip)
            headers.pop("Content-Length", None)
            headers.pop("content-length", None)
        return status, headers, body

    def _decide(self, request: AwsRequest) -> tuple[Fault | None, set[str]]:
        """The first matching rule that answers instead of moto, and the fields to strip."""
        answer: Fault | None = None
        strip: set[str] = set()
        for fault in self.faults:
            if not fault.matches(request):
                continue
            if fault.times is not None and fault.hits >= fault.times:
                continue
            if fault.error is not None or fault.raw is not None:
                if answer is None:
                    answer = fault
                    fault.hits += 1
            else:
                strip.update(fault.strip)
                fault.hits += 1
        return answer, strip


@contextmanager
def injected(delay: float = 0.0) -> Iterator[FaultInjector]:
    """A :class:`FaultInjector` applied for the ``with`` block."""
    with FaultInjector(delay) as faults:
        yield faults


def _request_of(response: Any) -> AwsRequest:
    params: dict[str, Any] = {}
    for key, value in dict(getattr(response, "querystring", {}) or {}).items():
        params[key] = value[0] if isinstance(value, list) and len(value) == 1 else value
    body = getattr(response, "body", None)
    if isinstance(body, bytes | str) and body[:1] in ("{", b"{"):
        try:
            decoded = json.loads(body)
        except ValueError:
            decoded = None
        if isinstance(decoded, dict):
            params.update(decoded)
    return AwsRequest(
        service=str(response.boto3_service_name or ""),
        operation=str(response._get_action() or ""),
        account=str(getattr(response, "current_account", "") or ""),
        region=str(getattr(response, "region", "") or ""),
        params=params,
    )


def _error_response(response: Any, code: str, message: str, status: int) -> Any:
    """The error as the service's protocol serialises it (XML for EC2/STS, JSON, ...)."""
    from moto.core.responses import ActionResult

    exc = _injected_error_class()(code, message)
    result_status, headers, body = response.serialized(ActionResult(exc))
    headers.pop("Content-Length", None)
    headers.pop("content-length", None)
    return status if result_status in (200, 400) else result_status, headers, body


def _injected_error_class() -> Any:
    """A moto ``ServiceException`` defined outside moto (moto would look up a ``core`` model)."""
    global _INJECTED_ERROR  # noqa: PLW0603
    if _INJECTED_ERROR is None:
        from moto.core.exceptions import ServiceException

        _INJECTED_ERROR = type("InjectedError", (ServiceException,), {"__module__": __name__})
    return _INJECTED_ERROR


_INJECTED_ERROR: Any = None


def _strip_fields(body: Any, fields: set[str]) -> Any:
    """``body`` without the elements or keys named in ``fields`` (any depth)."""
    was_bytes = isinstance(body, bytes)
    text = body.decode("utf-8") if was_bytes else str(body)
    if text.lstrip().startswith("{"):
        text = json.dumps(_strip_json(json.loads(text), fields))
    else:
        for name in fields:
            # Query protocols use PascalCase (ELBv2, STS) or camelCase (EC2) element names.
            for tag in {name, name[:1].lower() + name[1:]}:
                text = re.sub(rf"<{tag}>.*?</{tag}>|<{tag}\s*/>", "", text, flags=re.DOTALL)
    return text.encode("utf-8") if was_bytes else text


def _strip_json(value: Any, fields: set[str]) -> Any:
    if isinstance(value, dict):
        return {k: _strip_json(v, fields) for k, v in value.items() if k not in fields}
    if isinstance(value, list):
        return [_strip_json(v, fields) for v in value]
    return value
