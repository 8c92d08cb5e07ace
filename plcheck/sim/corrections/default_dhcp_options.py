"""VPCs get the Region's default DHCP options set."""

from __future__ import annotations

from typing import Any
from unittest import mock

from plcheck.sim.corrections._base import Correction, Patch
from plcheck.sim.corrections._state import SimState


def _patches(state: SimState) -> list[Patch]:
    """VPCs get the account's default DHCP options set.

    AWS associates new VPCs with the region's default ``dopt-...`` set
    (``domain-name`` ``ec2.internal`` in us-east-1, else
    ``<region>.compute.internal``; ``domain-name-servers`` ``AmazonProvidedDNS``),
    which DescribeDhcpOptions returns. moto reports ``DhcpOptionsId``
    ``default``, which DescribeDhcpOptions does not know.
    """
    from moto.ec2.models.vpcs import VPCBackend

    orig_create_vpc = VPCBackend.create_vpc

    def create_vpc(self: Any, *args: Any, **kwargs: Any) -> Any:
        vpc = orig_create_vpc(self, *args, **kwargs)
        if vpc.dhcp_options is None:
            default = self.__dict__.get("_plcheck_default_dhcp")
            if default is None:
                region = self.region_name
                domain = "ec2.internal" if region == "us-east-1" else f"{region}.compute.internal"
                default = self.create_dhcp_options(
                    domain_name_servers=["AmazonProvidedDNS"], domain_name=[domain]
                )
                self._plcheck_default_dhcp = default
            self.associate_dhcp_options(default, vpc)
        return vpc

    return [mock.patch.object(VPCBackend, "create_vpc", create_vpc)]


CORRECTION = Correction(
    id="default-dhcp-options",
    moto="reports DhcpOptionsId 'default', which DescribeDhcpOptions does not know",
    aws=(
        "associates new VPCs with the Region's default dopt- set (ec2.internal or "
        "<region>.compute.internal, AmazonProvidedDNS)"
    ),
    docs_url="https://docs.aws.amazon.com/vpc/latest/userguide/DHCPOptionSetConcepts.html",
    patches=_patches,
)
