"""The one AWS layer: sessions, read-only clients, cached and concurrent calls.

Nothing else in plcheck talks to AWS. boto3 is imported here lazily, so commands
that never reach AWS (``--help``, ``checks``, ``explain``) start fast.
"""

from plcheck.aws.context import AwsContext, AwsSettings, CallRecord, Scope
from plcheck.facts.outcome import Outcome

__all__ = ["AwsContext", "AwsSettings", "CallRecord", "Outcome", "Scope"]
