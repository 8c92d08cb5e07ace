"""Where the provider looks for the private DNS verification TXT record."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from plcheck.checks.private_dns_txt_record import (
    MULTI_LABEL_SUFFIXES,
    candidate_names,
    lookup_names,
)
from plcheck.facts.provider import ServiceConfig

LABEL = st.from_regex(r"[a-z][a-z0-9-]{0,8}[a-z0-9]", fullmatch=True)
SUFFIXES = st.sampled_from(["com", "example", "co.uk", "com.au", "internal"])


@st.composite
def private_dns_names(draw: st.DrawFn) -> str:
    labels = draw(st.lists(LABEL, min_size=1, max_size=4))
    name = ".".join([*labels, draw(SUFFIXES)])
    if draw(st.booleans()):
        name = "*." + name
    if draw(st.booleans()):
        name = name.upper()
    return name + ("." if draw(st.booleans()) else "")


def service(private_dns_name: str, txt_name: str) -> ServiceConfig:
    return ServiceConfig(
        service_id="vpce-svc-1",
        service_name="com.amazonaws.vpce.us-east-1.vpce-svc-1",
        region="us-east-1",
        state="Available",
        acceptance_required=False,
        load_balancer_arns=(),
        private_dns_name=private_dns_name,
        dns_txt_name=txt_name,
        dns_txt_value="vpce:abc",
    )


def reference(private_dns_name: str, txt_name: str) -> list[str]:
    """The record's label under the domain and each parent, down to a registrable domain."""
    domain = private_dns_name.strip().rstrip(".").lower().removeprefix("*.")
    labels = domain.split(".")
    parents = [".".join(labels[i:]) for i in range(len(labels) - 1)]
    return [f"{txt_name}.{p}" for p in parents if p not in MULTI_LABEL_SUFFIXES]


@settings(max_examples=300, deadline=None)
@given(private_dns_names(), st.from_regex(r"_[a-z0-9]{6,12}", fullmatch=True))
def test_candidates_are_the_domain_and_its_parents_above_the_public_suffix(
    name: str, txt_name: str
) -> None:
    config = service(name, txt_name)
    names = candidate_names(config)
    assert names == reference(name, txt_name)
    domain = name.rstrip(".").lower().removeprefix("*.")
    assert names[0] == f"{txt_name}.{domain}"  # where AWS tells you to publish it
    for candidate in names:
        assert candidate.startswith(txt_name + ".")
        assert "*" not in candidate
        assert candidate == candidate.lower()
        parent = candidate[len(txt_name) + 1 :]
        assert "." in parent  # never a bare TLD
        assert domain == parent or domain.endswith("." + parent)
    assert len(set(names)) == len(names)
    # Also looked up: the bare domain, where the record is often put by mistake.
    assert lookup_names(config) == [*names, domain]


@given(private_dns_names())
def test_nothing_to_look_up_without_a_name_or_label(name: str) -> None:
    assert candidate_names(service(name, "")) == []
    assert candidate_names(service("", "_abc123")) == []
    assert lookup_names(service("", "")) == []
