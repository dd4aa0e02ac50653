"""Logger, tracer and metrics, created once per process and shared by every videogen module."""

from __future__ import annotations

import os
import warnings

from aws_lambda_powertools import Logger, Metrics, Tracer

# The service name and metrics namespace come from POWERTOOLS_SERVICE_NAME and
# POWERTOOLS_METRICS_NAMESPACE, which template.yaml sets per function; LOG_LEVEL too.
# Powertools emits the cold-start metric even when metrics are disabled; locally it is only noise.
CAPTURE_COLD_START_METRIC = os.environ.get("ENVIRONMENT", "local") != "local"

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
