"""Private DNS names of endpoint services must be verified."""

from __future__ import annotations

from typing import Any
from unittest import mock

from plcheck.sim.corrections._base import Correction, Patch
from plcheck.sim.corrections._state import SimState


def _patches(state: SimState) -> list[Patch]:
    """Private DNS names must be verified.

    AWS starts a service's private DNS name in ``pendingVerification`` and asks
    for a TXT record ``_<20 chars>`` = ``vpce:<20 chars>``, stable per name;
    moto reports ``verified`` with a dummy record. The state moves with the
    world's ``set_private_dns_state`` knob.
    """
    from moto.ec2.models.vpc_service_configuration import VPCServiceConfiguration

    def private_dns_name_configuration(self: Any) -> dict[str, str]:
        if not self.private_dns_name:
            return {}
        return {
            "State": self._plcheck_dns_state,
            "Type": "TXT",
            "Value": self._plcheck_dns_txt_value,
            "Name": self._plcheck_dns_txt_name,
        }

    return [
        mock.patch.object(
            VPCServiceConfiguration,
            "private_dns_name_configuration",
            property(private_dns_name_configuration),
        )
    ]


CORRECTION = Correction(
    id="private-dns-verification",
    moto="reports every private DNS name verified, with a dummy TXT record",
    aws=(
        "starts the name pendingVerification and asks for a TXT record _<20 chars> = vpce:<20 "
        "chars>"
    ),
    docs_url="https://docs.aws.amazon.com/vpc/latest/privatelink/manage-dns-names.html",
    patches=_patches,
)
