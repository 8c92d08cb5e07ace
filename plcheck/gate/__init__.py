"""The pre-deploy gate: ``plcheck check`` over a config file and ``plcheck plan`` over a plan.

* :mod:`plcheck.gate.config` -- ``plcheck.toml``: links, consumers, probes and ignores,
  validated with the file and line of every mistake.
* :mod:`plcheck.gate.ignores` -- turning ignored findings into ``skip`` and expired
  ignores into warnings.
* :mod:`plcheck.gate.runner` -- every link's provider, consumer and probe checks,
  concurrently across accounts, in one AWS context.
* :mod:`plcheck.gate.terraform` -- reading ``terraform show -json`` output (pure).
* :mod:`plcheck.gate.planned` -- judging a plan's endpoints against the live accounts.

Nothing here imports boto3 at module level.
"""
