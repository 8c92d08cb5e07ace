"""Region names: which region a scope uses, and whether botocore knows it.

Names are validated against botocore's small partitions data, not the 1.2 MB
``endpoints.json`` behind ``Session.get_available_regions`` (issue 14).
"""

from __future__ import annotations

import functools
import json
import os
import re
from pathlib import Path

from plcheck.errors import UsageError
from plcheck.service_names import REGION

#: Region environment variables, highest precedence first. The SDKs and the AWS CLI v2 read
#: ``AWS_REGION`` before ``AWS_DEFAULT_REGION`` (and both before the profile's ``region``):
#: https://docs.aws.amazon.com/sdkref/latest/guide/feature-region.html and
#: https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-envvars.html.
#: botocore itself reads only ``AWS_DEFAULT_REGION``.
REGION_ENV = ("AWS_REGION", "AWS_DEFAULT_REGION")


def resolve_region(given: str | None, profile_region: str | None, profile: str | None) -> str:
    """The region to use: ``given`` (the flag), the environment's, the profile's; validated."""
    region = given
    if region is None:
        region = next((os.environ[n] for n in REGION_ENV if os.environ.get(n)), None)
    if region is None:
        region = profile_region
    if region is None:
        where = f"profile {profile!r}" if profile else "the environment"
        raise UsageError(f"no AWS region in {where}: pass --region or set AWS_REGION")
    validate_region(region)
    return region


@functools.lru_cache(maxsize=1)
def _partitions() -> tuple[tuple[str, re.Pattern[str], tuple[str, ...]], ...]:
    """(id, region regex, listed regions) per partition, from botocore's partitions.json.

    That file is 7 KB; the endpoints.json behind ``Session.get_available_regions`` is
    1.2 MB and took 0.1-0.3 s of CPU to parse.
    """
    import botocore

    path = Path(botocore.__file__).parent / "data" / "partitions.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    return tuple(
        (
            str(p["id"]),
            re.compile(str(p["regionRegex"])),
            tuple(r for r in p.get("regions", {}) if re.fullmatch(REGION, r)),
        )
        for p in data["partitions"]
    )


def validate_region(region: str) -> None:
    """A usage error (exit 2) unless ``region`` is a region botocore's partitions list."""
    import difflib

    partitions = _partitions()
    if re.fullmatch(REGION, region) and any(region in listed for _, _, listed in partitions):
        return
    known = [r for _, _, listed in partitions for r in listed]
    # An empty or far-off name still gets a list to choose from.
    near = difflib.get_close_matches(region, known, n=4, cutoff=0.6) or (
        difflib.get_close_matches(region or "us-east-1", known, n=4, cutoff=0.0)
    )
    matching = [name for name, pattern, _ in partitions if pattern.fullmatch(region)]
    newer = (
        f" (it has the form of a region of partition {matching[0]}: if it is new, upgrade botocore)"
        if matching
        else ""
    )
    raise UsageError(f"unknown region {region!r}; nearest known regions: {', '.join(near)}{newer}")
