"""The pre-deploy gate's inputs: ``plcheck.toml`` for ``plcheck check``, a plan for ``plan``.

* :mod:`plcheck.gate.config` -- ``plcheck.toml``: links, consumers, probes and ignores,
  validated with the file and line of every mistake.
* :mod:`plcheck.gate.ignores` -- turning ignored findings into ``skip``; the ignores as
  facts for the config-ignore-expired check.
* :mod:`plcheck.gate.terraform` -- reading ``terraform show -json`` output (pure).

The runs that use them are :mod:`plcheck.runs.check` and :mod:`plcheck.runs.plan`.
Nothing here talks to AWS.
"""
