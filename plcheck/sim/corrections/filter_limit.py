"""EC2 refuses more than 200 filter values in one request."""

from __future__ import annotations

from typing import Any
from unittest import mock

from plcheck.sim.corrections._base import Correction, Patch
from plcheck.sim.corrections._state import SimState

#: The most filter values one EC2 request may hold (``plcheck.aws.filters``).
LIMIT = 200


def _patches(state: SimState) -> list[Patch]:
    """A describe whose filters hold more than :data:`LIMIT` values fails.

    AWS answers ``FilterLimitExceeded``: "The maximum number of filter values specified on a
    single call is 200" (its own message, as users of other tools met it:
    github.com/convox/rack/issues/2205). moto takes any number. The values are counted over
    all of the request's filters, the stricter reading, so the tests hold plcheck to it.
    """
    from moto.ec2.exceptions import EC2ClientError
    from moto.ec2.responses._base_response import EC2BaseResponse

    original = EC2BaseResponse._get_param

    def get_param(self: Any, name: str, *args: Any, **kwargs: Any) -> Any:
        value = original(self, name, *args, **kwargs)
        if name in ("Filters", "Filter") and isinstance(value, list):
            count = sum(len(f.get("Values") or ()) for f in value if isinstance(f, dict))
            if count > LIMIT:
                raise EC2ClientError(
                    "FilterLimitExceeded",
                    f"The maximum number of filter values specified on a single call is {LIMIT}",
                )
        return value

    # Every EC2 action reads its filters through _get_param (some without
    # _filters_from_querystring), inside the action, where an error becomes AWS's response.
    return [mock.patch.object(EC2BaseResponse, "_get_param", get_param)]


CORRECTION = Correction(
    id="filter-limit",
    moto="takes any number of filter values in one describe request",
    aws=(
        "refuses more than 200 filter values in one request with FilterLimitExceeded (the "
        "number is AWS's error message; the EC2 API reference does not state it)"
    ),
    docs_url="https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Filter.html",
    patches=_patches,
)
