"""botocore's service models trimmed to the operations plcheck calls, cached per version.

EC2's full model has ~830 operations: ~0.1 s of CPU to load and ~30 ms to build each
client class from (issue 14). A model trimmed to what plcheck calls, generated from the
installed botocore's own models, is put first on the loader's search path.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

#: Operations plcheck calls, by botocore service. A client is built from a model trimmed
#: to these. Any other operation falls back to the full model.
#: ``tests/test_aws_context.py`` holds this in step with ``plcheck.iam``.
TRIMMED_OPERATIONS: dict[str, tuple[str, ...]] = {
    "ec2": (
        "DescribeAvailabilityZones",
        "DescribeDhcpOptions",
        "DescribeInstances",
        "DescribeNetworkAcls",
        "DescribeNetworkInterfaces",
        "DescribeRegions",
        "DescribeSecurityGroups",
        "DescribeSubnets",
        "DescribeVpcAttribute",
        "DescribeVpcEndpointConnections",
        "DescribeVpcEndpointServiceConfigurations",
        "DescribeVpcEndpointServicePermissions",
        "DescribeVpcEndpointServices",
        "DescribeVpcEndpoints",
        "DescribeVpcs",
    ),
    "elbv2": (
        "DescribeListeners",
        "DescribeLoadBalancerAttributes",
        "DescribeLoadBalancers",
        "DescribeTargetGroupAttributes",
        "DescribeTargetGroups",
        "DescribeTargetHealth",
    ),
    # Smaller models, but each client class still costs 10-17 ms of CPU to build in full.
    "route53": ("ListHostedZonesByVPC", "ListResourceRecordSets"),
    "route53resolver": ("ListResolverRuleAssociations", "ListResolverRules"),
    "organizations": ("DescribeAccount", "ListAccounts", "ListParents"),
}
#: IAM action prefixes where they differ from the botocore client name.
IAM_PREFIX = {"elbv2": "elasticloadbalancing"}
#: Services kept in the trimmed endpoints.json (by endpoint prefix); the 1.2 MB original
#: costs ~25 ms of CPU to parse per run. A service not listed is resolved by its
#: endpoint ruleset as usual.
TRIMMED_ENDPOINTS = (
    "ec2",
    "elasticloadbalancing",
    "route53",
    "organizations",
    "sts",
    "portal.sso",
    "oidc",
)
#: What the cache holds besides the models; a change here makes a new cache directory.
_LAYOUT = ("service-2", "paginators-1")
#: Environment variable: ``0`` builds every client from botocore's full models.
TRIM_ENV = "PLCHECK_TRIM_MODELS"


def create_loader(*, trimmed: bool = True) -> Any:
    """A botocore data loader; with ``trimmed``, the trimmed models come first when available."""
    import botocore.loaders

    loader = botocore.loaders.create_loader()
    models = trimmed_models() if trimmed else None
    if models is not None:
        loader.search_paths.insert(0, str(models))
    return loader


def trimmed_models() -> Path | None:
    """A botocore data directory with :data:`TRIMMED_OPERATIONS`' models, made on first use.

    It lives in the user's cache (``$XDG_CACHE_HOME/plcheck``), one directory per botocore
    version and operation list, generated from the installed botocore's own models; None
    when trimming is off or the cache cannot be written (then the full models are used).
    """
    if os.environ.get(TRIM_ENV, "").strip() == "0":
        return None
    import hashlib

    import botocore

    wanted = [TRIMMED_OPERATIONS, TRIMMED_ENDPOINTS, _LAYOUT]
    digest = hashlib.sha256(json.dumps(wanted, sort_keys=True).encode()).hexdigest()
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    root = base / "plcheck" / f"botocore-{botocore.__version__}-{digest[:12]}"
    if (root / "complete").exists():
        return root
    try:
        _write_trimmed_models(root)
    except OSError:
        return None
    return root


def _write_trimmed_models(root: Path) -> None:
    """Write the trimmed models under ``root`` atomically (several runs may race)."""
    import tempfile

    import botocore.loaders

    loader = botocore.loaders.create_loader()
    root.mkdir(parents=True, exist_ok=True)

    def write(target: Path, data: Any) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", dir=target.parent, suffix=".tmp", delete=False, encoding="utf-8"
        ) as out:
            json.dump(data, out)
        os.replace(out.name, target)

    for service, operations in TRIMMED_OPERATIONS.items():
        version = loader.determine_latest_version(service, "service-2")
        model = loader.load_service_model(service, "service-2", version)
        write(root / service / version / "service-2.json", trim_model(model, operations))
        pages = loader.load_service_model(service, "paginators-1", version)
        kept = {k: v for k, v in pages.get("pagination", {}).items() if k in operations}
        write(root / service / version / "paginators-1.json", {**pages, "pagination": kept})
    endpoints = loader.load_data("endpoints")
    for partition in endpoints.get("partitions", []):
        services = partition.get("services", {})
        partition["services"] = {k: services[k] for k in TRIMMED_ENDPOINTS if k in services}
    write(root / "endpoints.json", endpoints)
    (root / "complete").touch()


def trim_model(model: dict[str, Any], operations: Sequence[str]) -> dict[str, Any]:
    """``model`` with only ``operations`` and the shapes they reach."""
    kept = {name: model["operations"][name] for name in operations if name in model["operations"]}
    shapes = model["shapes"]
    reached: set[str] = set()
    todo = [
        ref["shape"]
        for op in kept.values()
        for ref in (op.get("input"), op.get("output"), *op.get("errors", []))
        if ref
    ]
    while todo:
        name = todo.pop()
        if name in reached:
            continue
        reached.add(name)
        shape = shapes[name]
        refs = [*shape.get("members", {}).values()]
        refs += [shape[k] for k in ("member", "key", "value") if k in shape]
        todo.extend(ref["shape"] for ref in refs)
    return {**model, "operations": kept, "shapes": {n: shapes[n] for n in sorted(reached)}}
