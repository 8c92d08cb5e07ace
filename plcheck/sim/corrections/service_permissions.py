"""Allowed principals of an endpoint service carry their type."""

from __future__ import annotations

import secrets
from typing import Any
from unittest import mock

from plcheck.sim.corrections._base import Correction, Patch
from plcheck.sim.corrections._state import SimState


def _patches(state: SimState) -> list[Patch]:
    """Allowed principals carry their type.

    AWS's DescribeVpcEndpointServicePermissions returns ``PrincipalType``
    (All / Account / Role / User ...), ``ServiceId`` and
    ``ServicePermissionId`` with each principal; moto only the ARN. AWS also
    accepts a principal only once.
    """
    from moto.ec2.responses.vpc_service_configuration import VPCEndpointServiceConfiguration

    def principal_type(principal: str) -> str:
        if principal == "*":
            return "All"
        if principal.endswith(":root"):
            return "Account"
        # An organization or an OU: the API's only type for either is
        # OrganizationUnit (there is no "Organization" value).
        if principal.startswith("arn:aws:organizations:") and (
            ":organization/" in principal or ":ou/" in principal
        ):
            return "OrganizationUnit"
        if ":role/" in principal:
            return "Role"
        if ":user/" in principal:
            return "User"
        return "Service"

    def describe(self: Any) -> Any:
        from moto.core.responses import ActionResult

        service_id = self._get_param("ServiceId")
        config = self.ec2_backend.describe_vpc_endpoint_service_configurations([service_id])[0]
        ids = config.__dict__.setdefault("_plcheck_permission_ids", {})
        allowed = []
        for principal in sorted(config.principals):
            perm_id = ids.setdefault(principal, "vpce-svc-perm-" + secrets.token_hex(9)[:17])
            allowed.append(
                {
                    "PrincipalType": principal_type(principal),
                    "Principal": principal,
                    "ServicePermissionId": perm_id,
                    "ServiceId": service_id,
                }
            )
        return ActionResult({"AllowedPrincipals": allowed})

    return [
        mock.patch.object(
            VPCEndpointServiceConfiguration, "describe_vpc_endpoint_service_permissions", describe
        )
    ]


CORRECTION = Correction(
    id="service-permissions",
    moto="DescribeVpcEndpointServicePermissions returns only each principal's ARN",
    aws=(
        "returns PrincipalType (All | Service | OrganizationUnit | Account | User | Role), "
        "ServiceId and ServicePermissionId with each principal"
    ),
    docs_url="https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_AllowedPrincipal.html",
    patches=_patches,
)
