"""Running the command line on a list of arguments, with plcheck's exit codes.

Every expected failure becomes one line on stderr and a documented exit code,
never a traceback. :mod:`plcheck.cli` runs the app through :func:`invoke`, and so
does ``plcheck demo`` for each of its steps (with the root command it runs in).
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

import typer

from plcheck.errors import AwsCallError, UsageError
from plcheck.model import ExitCode, Status

if TYPE_CHECKING:
    from types import ModuleType

    from plcheck.model import Report

#: botocore's names for "found no credentials at all" (anything else is a rejected one).
_MISSING_CREDENTIALS = frozenset({"NoCredentialsError", "PartialCredentialsError", "NoCredentials"})


def invoke(command: Any, args: list[str], *, announce_interrupt: bool = True) -> int:
    """Run the click ``command`` on ``args`` and return the exit code.

    Typer turns Ctrl-C into a silent exit 130; it is announced here (unless the caller,
    like the demo running its steps, announces it once itself).
    """
    errors = _click_exceptions()
    try:
        result = command.main(args=args, prog_name="plcheck", standalone_mode=False)
    except errors.NoArgsIsHelpError as exc:
        print(exc.ctx.get_help() if exc.ctx else str(exc))
        return 0
    except errors.UsageError as exc:
        return _fail(_usage_line(exc), ExitCode.USAGE)
    except errors.ClickException as exc:
        return _fail(exc.format_message(), ExitCode.USAGE)
    except UsageError as exc:
        return _fail(str(exc), ExitCode.USAGE)
    except AwsCallError as exc:
        return _fail(f"{exc.describe()}: {exc.advice}", ExitCode.INCOMPLETE)
    except (typer.Abort, KeyboardInterrupt):
        return _fail("interrupted", ExitCode.INTERRUPTED)
    except BrokenPipeError:
        return ExitCode.BROKEN_PIPE  # the reader went away: nothing to say, nobody to hear
    except SystemExit:
        # Typer catches EPIPE itself, wraps stdout in click's PacifyFlushWrapper and exits 1,
        # which would read as "findings": a broken pipe is 141 whatever the format.
        if type(sys.stdout).__name__ == "PacifyFlushWrapper":
            return ExitCode.BROKEN_PIPE
        raise
    except Exception as exc:
        if os.environ.get("PLCHECK_DEBUG"):
            raise
        return _fail(
            f"internal error: {type(exc).__name__}: {exc} (set PLCHECK_DEBUG=1 for a traceback)",
            ExitCode.INTERNAL,
        )
    code = int(result or 0)
    if code == ExitCode.INTERRUPTED and announce_interrupt:
        return _fail("interrupted", ExitCode.INTERRUPTED)
    return code


def _click_exceptions() -> ModuleType:
    """Exceptions of the click that Typer runs on (vendored as ``typer._click`` since 0.29)."""
    try:
        import typer._click.exceptions as vendored
    except ImportError:
        import click.exceptions

        return click.exceptions
    return vendored


def _usage_line(exc: Any) -> str:
    command = exc.ctx.command_path if exc.ctx else "plcheck"
    return f"{_from_environment(exc)}{exc.format_message()} (see `{command} --help`)"


def _from_environment(exc: Any) -> str:
    """``PLCHECK_X='value': `` when the bad value came from a ``PLCHECK_*`` variable."""
    param, ctx = getattr(exc, "param", None), exc.ctx
    if param is None or ctx is None or not param.name:
        return ""
    source = ctx.get_parameter_source(param.name)
    if source is None or source.name != "ENVIRONMENT":
        return ""
    name = param.envvar if isinstance(param.envvar, str) else None
    if name is None and ctx.auto_envvar_prefix:
        name = f"{ctx.auto_envvar_prefix}_{param.name.upper()}"
    return f"{name}={os.environ.get(name or '', '')!r}: " if name else ""


def _fail(message: str, code: int) -> int:
    sys.stderr.write(f"plcheck: error: {message}\n")
    return code


def credentials_problem(report: Report) -> str | None:
    """One line for stderr when missing or rejected credentials kept checks from running.

    The report still lists each check's ``error``; this says once what to do about it.
    """
    failed = [
        f.details
        for f in report.findings
        if f.status is Status.ERROR
        and f.details.get("error_kind") in ("no-credentials", "expired-credentials")
    ]
    if not failed:
        return None
    runs = f"{len(failed)} check{'s' if len(failed) > 1 else ''} could not run"
    codes = sorted({str(d.get("code", "")) for d in failed})
    if any(d["error_kind"] == "expired-credentials" for d in failed):
        problem = (
            "the AWS credentials have expired: run `aws sso login` (with --profile NAME for "
            "a named profile) or renew AWS_SESSION_TOKEN, then run again"
        )
    elif set(codes) <= _MISSING_CREDENTIALS:
        problem = (
            "no AWS credentials were found: pass --profile NAME (a profile in "
            "~/.aws/config), run `aws sso login --profile NAME` for an SSO profile, or set "
            "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
        )
    else:
        rejected = ", ".join(c for c in codes if c not in _MISSING_CREDENTIALS)
        problem = (
            f"AWS rejected the credentials ({rejected}): check the access key of the profile "
            "or of AWS_ACCESS_KEY_ID, or run `aws sso login --profile NAME`"
        )
    return f"plcheck: {problem} ({runs})"
