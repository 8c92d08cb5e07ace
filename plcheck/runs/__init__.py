"""Runs: one per command, each options → gather → judge → views → :class:`~plcheck.model.Report`.

A run takes a plain, frozen options object (credentials travel in one
:class:`~plcheck.aws.Scope`), gathers facts through the AWS layer and the probes,
lets the checks of its command judge them (:mod:`plcheck.checks.framework`) and
returns the report. Runs know nothing of Typer or rendering: the commands build
options and render reports; the gate and the demo call runs directly.
"""
