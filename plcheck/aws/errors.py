"""Map botocore exceptions to plcheck's error kinds."""

from __future__ import annotations

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


def classify(exc: Exception, action: str) -> AwsCallError:
    """Classify a botocore exception raised by ``action``."""
    import botocore.exceptions as bx

    if isinstance(exc, bx.ClientError):
        error = exc.response.get("Error", {})
        code = str(error.get("Code", "Unknown"))
        message = str(error.get("Message", ""))
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
