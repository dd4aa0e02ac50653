"""Optional error tracking: unexpected exceptions go to Sentry when a DSN is configured.

sentry_sdk is imported only when a DSN is given, so a deployment without one never loads it. Deployed,
Sentry's AWS Lambda integration reports what escapes a handler; the API catches every exception to answer
with the error envelope, so its handler for unexpected errors reports them through ``capture``.
"""

from __future__ import annotations

import logging
from typing import Any

from videogen import __version__

_enabled = False


def init(dsn: str | None, environment: str, transport: Any = None) -> bool:
    """Start reporting to Sentry when ``dsn`` is set; returns whether reporting is on.

    Args:
        dsn: the project's DSN; None or blank leaves Sentry alone (and unimported).
        environment: reported with every event (dev, prod).
        transport: a sentry_sdk transport replacing the HTTP one (tests).
    """
    global _enabled
    if not dsn or not dsn.strip():
        return False
    try:
        # The optional `sentry` extra (80 ms), absent from the layer unless a DSN is configured.
        import sentry_sdk  # noqa: PLC0415
        from sentry_sdk.integrations.aws_lambda import AwsLambdaIntegration  # noqa: PLC0415
    except ImportError:
        # The DSN is set but the layer lacks the optional package: run, and say why nothing is reported.
        logging.getLogger("videogen").warning("SENTRY_DSN is set but sentry-sdk is not installed")
        return False
    # Sentry's defaults send no personal data (request bodies carry scripts, headers carry tokens).
    options: dict[str, Any] = {
        "dsn": dsn.strip(),
        "environment": environment,
        "release": f"videogen@{__version__}",
        "integrations": [AwsLambdaIntegration(timeout_warning=True)],
        "traces_sample_rate": 0.0,
    }
    if transport is not None:
        options["transport"] = transport
    sentry_sdk.init(**options)
    _enabled = True
    return True


def capture(exc: BaseException) -> None:
    """Report an unexpected exception that videogen handled itself (no-op without Sentry)."""
    if not _enabled:
        return
    import sentry_sdk  # noqa: PLC0415 - the optional extra, loaded once enabled

    sentry_sdk.capture_exception(exc)


def shutdown() -> None:
    """Flush and stop reporting (tests, or a process that ends)."""
    global _enabled
    if not _enabled:
        return
    import sentry_sdk  # noqa: PLC0415 - the optional extra, loaded once enabled

    client = sentry_sdk.get_client()
    client.close(timeout=2)
    _enabled = False
