"""The PrivateLink resources plcheck reads from a plan, and the reader of each type.

The types themselves live by side: :mod:`plcheck.gate.tf_common` (what every resource
has), :mod:`plcheck.gate.tf_consumer` (endpoints, subnets, VPCs, security groups, DNS)
and :mod:`plcheck.gate.tf_provider` (endpoint services, load balancers); this module
names them all in one place.
"""

from __future__ import annotations

from plcheck.gate.tf_common import PlannedResource, Reader
from plcheck.gate.tf_consumer import (
    CONSUMER_READERS,
    DnsOptions,
    PlannedEndpoint,
    PlannedHostedZone,
    PlannedResolverRule,
    PlannedResolverRuleAssociation,
    PlannedRuleResource,
    PlannedSecurityGroup,
    PlannedSgRule,
    PlannedSubnet,
    PlannedSubnetAssociation,
    PlannedVpc,
    SubnetConfiguration,
    ZoneVpc,
)
from plcheck.gate.tf_provider import (
    PROVIDER_READERS,
    HealthCheck,
    PlannedAllowedPrincipal,
    PlannedListener,
    PlannedLoadBalancer,
    PlannedService,
    PlannedTargetGroup,
    SubnetMapping,
)

__all__ = [
    "READERS",
    "DnsOptions",
    "HealthCheck",
    "PlannedAllowedPrincipal",
    "PlannedEndpoint",
    "PlannedHostedZone",
    "PlannedListener",
    "PlannedLoadBalancer",
    "PlannedResolverRule",
    "PlannedResolverRuleAssociation",
    "PlannedResource",
    "PlannedRuleResource",
    "PlannedSecurityGroup",
    "PlannedService",
    "PlannedSgRule",
    "PlannedSubnet",
    "PlannedSubnetAssociation",
    "PlannedTargetGroup",
    "PlannedVpc",
    "Reader",
    "SubnetConfiguration",
    "SubnetMapping",
    "ZoneVpc",
]

#: The managed resource types plcheck reads, and how.
READERS: dict[str, Reader] = {**CONSUMER_READERS, **PROVIDER_READERS}
