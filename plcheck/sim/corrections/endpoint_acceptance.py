"""Accepting a connection goes pendingAcceptance -> pending -> available; rejecting ends it."""

from __future__ import annotations

from typing import Any
from unittest import mock

from plcheck.sim.corrections._base import Correction, Patch
from plcheck.sim.corrections._endpoints import service_endpoints, settle, settling
from plcheck.sim.corrections._state import SimState


def _patches(state: SimState) -> list[Patch]:
    """AcceptVpcEndpointConnections and RejectVpcEndpointConnections exist.

    moto has neither. AWS accepts only ``pendingAcceptance`` endpoints and
    moves them to ``pending`` while it provisions them, then ``available``
    (the VpcEndpoint ``State`` values are PendingAcceptance | Pending |
    Available | ...). The world's deterministic rule: an accepted endpoint is
    ``pending`` until one read reports it (DescribeVpcEndpoints by its owner,
    or DescribeVpcEndpointConnections by the provider); that read shows
    ``pending`` and later reads show ``available``. Rejecting works from
    ``pendingAcceptance``, ``pending`` and ``available``. Unknown or
    wrong-state endpoints come back in ``Unsuccessful``.
    """
    from moto.core.responses import ActionResult
    from moto.ec2.responses.vpcs import VPCs

    orig_describe = VPCs.describe_vpc_endpoints

    class SettlingResult(ActionResult):
        """A result that completes the ``pending`` endpoints it has just reported."""

        def __init__(self, result: object, reported: list[Any]) -> None:
            super().__init__(result)
            self._reported = reported

        def execute_result(self, context: Any) -> Any:
            response = super().execute_result(context)
            settle(self._reported)
            return response

    def describe_vpc_endpoints(self: Any) -> Any:
        result = orig_describe(self)
        endpoints = result.result.get("VpcEndpoints", []) if isinstance(result.result, dict) else []
        reported = settling(endpoints)
        return SettlingResult(result.result, reported) if reported else result

    def connection_action(self: Any, accept: bool) -> Any:
        from moto.ec2.exceptions import UnknownVpcEndpointService

        service_id = self._get_param("ServiceId")
        config = self.ec2_backend.get_vpc_endpoint_service(service_id)
        if config is None:
            raise UnknownVpcEndpointService(service_id)
        endpoints = {ep.id: ep for ep in service_endpoints(config)}
        allowed_from = (
            ("pendingAcceptance",) if accept else ("pendingAcceptance", "pending", "available")
        )
        unsuccessful = []
        for endpoint_id in self._get_param("VpcEndpointIds", []) or []:
            endpoint = endpoints.get(endpoint_id)
            if endpoint is None:
                error = {
                    "Code": "InvalidVpcEndpointId.NotFound",
                    "Message": f"The Vpc Endpoint Id '{endpoint_id}' does not exist",
                }
            elif endpoint.state not in allowed_from:
                error = {
                    "Code": "InvalidState",
                    "Message": f"Endpoint {endpoint_id} is in state {endpoint.state}",
                }
            else:
                endpoint.state = "pending" if accept else "rejected"
                endpoint._plcheck_settling = accept
                continue
            unsuccessful.append({"Error": error, "ResourceId": endpoint_id})
        return ActionResult({"Unsuccessful": unsuccessful})

    def accept(self: Any) -> Any:
        return connection_action(self, accept=True)

    def reject(self: Any) -> Any:
        return connection_action(self, accept=False)

    return [
        mock.patch.object(VPCs, "describe_vpc_endpoints", describe_vpc_endpoints),
        mock.patch.object(VPCs, "accept_vpc_endpoint_connections", accept, create=True),
        mock.patch.object(VPCs, "reject_vpc_endpoint_connections", reject, create=True),
    ]


CORRECTION = Correction(
    id="endpoint-acceptance",
    moto="has no AcceptVpcEndpointConnections or RejectVpcEndpointConnections",
    aws="moves an accepted endpoint pendingAcceptance -> pending -> available, and a "
    "rejected one to rejected",
    docs_url="https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_VpcEndpoint.html",
    patches=_patches,
)
