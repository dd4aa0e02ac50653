"""Logger, tracer and metrics, created once per process and shared by every videogen module."""

from __future__ import annotations

import os
import warnings

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.metrics.provider.cloudwatch_emf.cloudwatch import AmazonCloudWatchEMFProvider

from videogen import errortracking


def captures_cold_start(environment: str) -> bool:
    """Whether handlers publish Powertools' ColdStart metric in this environment."""
    # Powertools emits the cold-start metric even when metrics are disabled; locally it is only noise.
    return environment != "local"


# The service name and metrics namespace come from POWERTOOLS_SERVICE_NAME and
# POWERTOOLS_METRICS_NAMESPACE, which template.yaml sets per function; LOG_LEVEL too.
CAPTURE_COLD_START_METRIC = captures_cold_start(os.environ.get("ENVIRONMENT", "local"))

# A request that records no business metric is normal, not worth a warning per invocation.
warnings.filterwarnings("ignore", message="No application metrics to publish")

logger = Logger(
    service=os.environ.get("POWERTOOLS_SERVICE_NAME", "videogen"),
    level=os.environ.get("LOG_LEVEL", "INFO"),
    log_uncaught_exceptions=True,
)
# Patch only what videogen calls: patching everything imports requests, sqlite3 and more at cold start.
tracer = Tracer(patch_modules=("botocore", "pynamodb"))
metrics = Metrics()

# Read here, like the logger's settings, so every function reports without a line of its own; without a
# DSN sentry_sdk is never imported.
errortracking.init(os.environ.get("SENTRY_DSN"), os.environ.get("ENVIRONMENT", "local"))


def emit_metric(name: str, unit: MetricUnit, value: float, **dimensions: str) -> None:
    """Publish one metric now, counted both per service and per ``dimensions`` (e.g. an error code).

    The shared ``metrics`` object keeps one dimension set for everything a handler records, so a metric
    with dimensions of its own goes out as its own EMF record. Unlike Powertools' ``single_metric``, this
    honours POWERTOOLS_METRICS_DISABLED.
    """
    if not metrics.namespace:
        # Nowhere to publish (a process outside the template's environment): a metric must never fail
        # the work it measures.
        return
    record = AmazonCloudWatchEMFProvider(namespace=metrics.namespace, service=metrics.service)
    record.add_metric(name=name, unit=unit, value=value)
    if dimensions:
        # A second dimension set: the total (by service) and the breakdown come from one record.
        service = {"service": str(metrics.service)} if metrics.service else {}
        record.add_dimensions(**service, **dimensions)
    record.flush_metrics()
