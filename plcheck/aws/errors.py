"""Map botocore exceptions to plcheck's error kinds."""

from __future__ import annotations

from typing import Any

from plcheck.errors import AwsCallError, AwsErrorKind, UsageError

ACCESS_DENIED_CODES = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "UnauthorizedAccess",
        "AuthorizationError",
        "NotAuthorized",
    }
)
THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestLimitExceeded",
        "RequestThrottled",
        "RequestThrottledException",
        "TooManyRequestsException",
        "SlowDown",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
    }
)
EXPIRED_CODES = frozenset(
    {"ExpiredToken", "ExpiredTokenException", "RequestExpired", "TokenRefreshRequired"}
)
BAD_CREDENTIAL_CODES = frozenset(
    {"AuthFailure", "InvalidClientTokenId", "UnrecognizedClientException", "SignatureDoesNotMatch"}
)


def classify(exc: Exception, action: str, endpoint_url: str = "") -> AwsCallError:
    """Classify a botocore exception raised by ``action`` sent to ``endpoint_url``."""
    import botocore.exceptions as bx
    from botocore.parsers import ResponseParserError

    if isinstance(exc, ResponseParserError):
        body = _first_line(_unquoted(str(exc).partition("\n")[2])) or "an empty body"
        message = f"a body that is neither XML nor JSON: {body}"
        return AwsCallError(
            AwsErrorKind.NOT_AWS, action, "ResponseParserError", message, endpoint_url
        )
    if isinstance(exc, bx.ClientError):
        error = exc.response.get("Error") or {}
        code = str(error.get("Code") or "")
        message = str(error.get("Message", ""))
        if not_from_aws(code):
            return AwsCallError(
                AwsErrorKind.NOT_AWS, action, code or "Unknown", _not_aws_reply(exc), endpoint_url
            )
        if code in ACCESS_DENIED_CODES:
            kind = AwsErrorKind.ACCESS_DENIED
        elif code in THROTTLING_CODES:
            kind = AwsErrorKind.THROTTLED
        elif code in EXPIRED_CODES:
            kind = AwsErrorKind.EXPIRED_CREDENTIALS
        elif code in BAD_CREDENTIAL_CODES:
            kind = AwsErrorKind.NO_CREDENTIALS
        elif code.endswith(("NotFound", ".NotFound")) or (
            code.startswith("Invalid") and ("NotFound" in code or "Name" in code)
        ):
            kind = AwsErrorKind.NOT_FOUND
        elif code.endswith(".Malformed") or code.startswith(("InvalidParameter", "Validation")):
            kind = AwsErrorKind.INVALID_INPUT
        else:
            kind = AwsErrorKind.OTHER
        return AwsCallError(kind, action, code, message)
    if isinstance(exc, bx.NoCredentialsError | bx.PartialCredentialsError):
        return AwsCallError(AwsErrorKind.NO_CREDENTIALS, action, type(exc).__name__, str(exc))
    if isinstance(exc, bx.ConnectTimeoutError | bx.ReadTimeoutError):
        return AwsCallError(AwsErrorKind.TIMEOUT, action, type(exc).__name__, str(exc))
    if isinstance(exc, bx.EndpointConnectionError | bx.ConnectionClosedError):
        return AwsCallError(AwsErrorKind.UNREACHABLE, action, type(exc).__name__, str(exc))
    if isinstance(exc, bx.TokenRetrievalError | bx.SSOTokenLoadError):
        return AwsCallError(AwsErrorKind.EXPIRED_CREDENTIALS, action, type(exc).__name__, str(exc))
    if isinstance(exc, bx.ParamValidationError):
        return AwsCallError(AwsErrorKind.INVALID_INPUT, action, "ParamValidation", str(exc))
    return AwsCallError(AwsErrorKind.OTHER, action, type(exc).__name__, str(exc))


def not_from_aws(code: str) -> bool:
    """Whether an error code says the answer held no AWS error document.

    AWS names every error (``Throttling``, ``InternalError``...). botocore puts the HTTP
    status in place of the code when a 5xx body is empty or an HTML page, and no code
    at all when the body is something else it cannot read.
    """
    return not code or code == "Unknown" or code.isdigit()


def _not_aws_reply(exc: Exception) -> str:
    """``HTTP 502 Bad Gateway, no AWS error document`` from a botocore ``ClientError``."""
    import http

    response = getattr(exc, "response", {}) or {}
    status = (response.get("ResponseMetadata") or {}).get("HTTPStatusCode")
    if not isinstance(status, int):
        return "no AWS error document"
    try:
        phrase = http.HTTPStatus(status).phrase
    except ValueError:
        phrase = ""
    return f"HTTP {status} {phrase}".rstrip() + ", no AWS error document"


def _unquoted(body: str) -> str:
    """The text of a body botocore could not parse (it quotes it as ``b'...'``)."""
    import ast

    if body[:2] in ("b'", 'b"'):
        try:
            value = ast.literal_eval(body)
        except (ValueError, SyntaxError):
            return body
        if isinstance(value, bytes):
            return value.decode("utf-8", "replace")
    return body


def _first_line(text: str, limit: int = 80) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def usage_error_for(exc: Exception) -> UsageError | None:
    """The user's mistake behind a botocore exception, if it is one (exit 2)."""
    import botocore.exceptions as bx

    if isinstance(exc, bx.ProfileNotFound):
        return UsageError(f"unknown AWS profile {exc.kwargs.get('profile')!r}")
    if isinstance(exc, bx.NoRegionError):
        return UsageError("no AWS region: pass --region or set AWS_REGION")
    if isinstance(exc, bx.InvalidRegionError):
        return UsageError(f"invalid AWS region {exc.kwargs.get('region_name')!r}")
    if isinstance(exc, bx.InvalidConfigError | bx.ConfigParseError):
        return UsageError(f"invalid AWS configuration: {exc}")
    return None


def refuse_foreign_bodies(response_dict: dict[str, Any], **_: Any) -> None:
    """Botocore ``before-parse`` hook: a 2xx answer that no AWS API sends is not parsed.

    botocore reads an HTML page (a captive portal, a proxy's login page) as an empty
    answer for EC2, Route 53 and Organizations, and fails with a bare KeyError for STS and
    ELB: "no zones" or "no such service" would be reported as facts. AWS's Describe, List
    and Get answers are XML or JSON documents, so anything else raises ResponseParserError,
    which :func:`classify` reports as not from AWS.
    """
    from botocore.parsers import ResponseParserError

    status = int(response_dict.get("status_code") or 0)
    body = response_dict.get("body")
    if not 200 <= status < 300 or not isinstance(body, bytes) or not body.strip():
        return
    # Judged by the body, not the Content-Type header: some servers label JSON text/html.
    content_type = str((response_dict.get("headers") or {}).get("content-type", "")).lower()
    start = body.lstrip()[:64].lower()
    if start.startswith((b"<!doctype html", b"<html")) or start[:1] not in (b"<", b"{"):
        first = body.strip().splitlines()[0][:200].decode("utf-8", "replace")
        raise ResponseParserError(
            f"HTTP {status} {content_type or 'without a content type'}, not an AWS document\n"
            f"{first}"
        )
