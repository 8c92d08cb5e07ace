"""A simulated AWS world for plcheck: moto behind real boto3 clients, corrected for PrivateLink.

Importing this package imports neither boto3 nor moto; they are loaded when a
:class:`~plcheck.sim.world.SimulatedWorld` is entered.

Layout:

* :mod:`plcheck.sim.world` -- lifecycle, environment, profiles and knobs.
* :mod:`plcheck.sim.corrections` -- patches to moto where it differs from AWS.
* :mod:`plcheck.sim.scenarios` -- scenarios built through the AWS API.
"""

from __future__ import annotations

from plcheck.sim.world import DEFAULT_ACCOUNTS, SimulatedWorld

__all__ = ["DEFAULT_ACCOUNTS", "SimulatedWorld"]
