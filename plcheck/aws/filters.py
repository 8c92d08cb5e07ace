"""EC2 describe calls filtered over many values: at most 200 filter values a call.

EC2 refuses a request whose filters hold more than 200 values, with ``FilterLimitExceeded``
("The maximum number of filter values specified on a single call is 200"). The EC2 API
reference's ``Filter`` (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Filter.html)
does not state the number: it is AWS's own error message, which users of other tools met
at 200 instance IDs (github.com/convox/rack/issues/2205, github.com/gjbae1212/gossm/issues/47).
A plan names thousands of services, an organisation hundreds of VPCs: one filter over them
all would fail every check that needs the call. The values are counted over all of a call's
filters, the stricter reading of "specified on a single call".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from plcheck.aws.context import AwsContext
    from plcheck.aws.scope import Scope

#: Most filter values EC2 takes in one request; more is refused with FilterLimitExceeded.
MAX_FILTER_VALUES = 200


def paginate_filtered(
    ctx: AwsContext,
    scope: Scope,
    service: str,
    operation: str,
    name: str,
    values: Iterable[str],
    *,
    also: Sequence[Mapping[str, Any]] = (),
    **params: Any,
) -> dict[str, Any]:
    """Every page of ``operation`` filtered by ``name`` over ``values``, in one response.

    The ``also`` filters go with every call. One call per :data:`MAX_FILTER_VALUES`
    values (less the ``also`` filters' values), run concurrently when there are several;
    their result lists are joined. The first failed call is the read's failure.
    """
    wanted = list(values)
    if not wanted:
        # A filter with no values would match everything, not nothing: nothing to ask.
        return {}
    size = MAX_FILTER_VALUES - sum(len(f.get("Values", ())) for f in also)
    if size < 1:
        raise ValueError(f"{operation}: the other filters hold {MAX_FILTER_VALUES} values or more")
    chunks = [wanted[i : i + size] for i in range(0, len(wanted), size)]

    def one(chunk: list[str]) -> dict[str, Any]:
        filters = [*also, {"Name": name, "Values": chunk}]
        return ctx.paginate(scope, service, operation, Filters=filters, **params)

    if len(chunks) == 1:
        return one(chunks[0])
    joined: dict[str, Any] = {}
    for outcome in ctx.gather([lambda chunk=chunk: one(chunk) for chunk in chunks]):  # type: ignore[misc]
        for key, value in outcome.get().items():
            if isinstance(value, list):
                joined.setdefault(key, []).extend(value)
            else:
                joined.setdefault(key, value)
    return joined
