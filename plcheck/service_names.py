"""Endpoint service names and IDs: the one place that knows their shapes.

An endpoint service has an ID (``vpce-svc-0123456789abcdef0``) and a name that
consumers use (``com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0``). AWS's
own services have names too (``com.amazonaws.us-east-1.s3``,
``aws.sagemaker.us-east-1.notebook``).
"""

from __future__ import annotations

import re

#: What a region code looks like in every partition (``us-east-1``, ``us-gov-west-1``,
#: ``cn-north-1``, ``eusc-de-east-1``); which codes exist is botocore's partitions data.
REGION = r"[a-z]{2,4}(?:-[a-z]+)+-\d{1,2}"

#: An endpoint service ID (8 or 17 hex digits).
SERVICE_ID = re.compile(r"vpce-svc-[0-9a-f]{8}(?:[0-9a-f]{9})?")

#: The name of an endpoint service someone runs: region and ID in groups.
ENDPOINT_SERVICE_NAME = re.compile(
    rf"com\.amazonaws\.vpce\.(?P<region>{REGION})\.(?P<id>vpce-svc-[0-9a-f]+)"
)

#: The region inside an AWS service's name (``com.amazonaws.<region>.…``).
_AWS_SERVICE_REGION = re.compile(rf"(?:[a-z0-9-]+\.)?com\.amazonaws\.(?P<region>{REGION})\.")

#: Any service name: dotted lower-case labels.
_SERVICE_NAME = re.compile(r"[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)+")


def is_service_name(text: str) -> bool:
    """Whether ``text`` has the shape of a service name (endpoint or AWS service)."""
    return _SERVICE_NAME.fullmatch(text) is not None and SERVICE_ID.fullmatch(text) is None


def region_in_service_name(name: str) -> str:
    """The region a service name names, or "" when it names none."""
    match = ENDPOINT_SERVICE_NAME.match(name) or _AWS_SERVICE_REGION.match(name)
    return match.group("region") if match else ""


def service_id_in_name(name: str) -> str | None:
    """The ``vpce-svc-…`` ID inside a service name or ID; None for AWS services."""
    match = SERVICE_ID.search(name)
    return match.group(0) if match else None


def verification_domain(private_dns_name: str) -> str:
    """The domain verified for a private DNS name (a wildcard's ``*.`` dropped)."""
    name = private_dns_name.strip().rstrip(".").lower()
    return name[2:] if name.startswith("*.") else name
