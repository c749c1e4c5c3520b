"""Operability shared by the services: JSON logs without personal data, Prometheus metrics
(one process or several workers), request timing by route template, health and readiness."""

from servicekit.observability._health import (
    OK,
    Check,
    NotReady,
    add_shutdown_hook,
    install_health,
    run_checks,
)
from servicekit.observability._logging import (
    EXCEPTION_FIELD,
    REDACTED,
    REQUEST_FIELDS,
    SAFE_FIELDS,
    JsonFormatter,
    configure_logging,
    logging_config,
    safe_value,
)
from servicekit.observability._metrics import (
    MULTIPROCESS_DIR_VARIABLE,
    exposition,
    metrics_endpoint,
    multiprocess_mode,
    prepare_multiprocess_dir,
)
from servicekit.observability._requests import (
    DURATION_LABELS,
    RequestObservationMiddleware,
    status_class,
)

__all__ = [
    "DURATION_LABELS",
    "EXCEPTION_FIELD",
    "MULTIPROCESS_DIR_VARIABLE",
    "OK",
    "REDACTED",
    "REQUEST_FIELDS",
    "SAFE_FIELDS",
    "Check",
    "JsonFormatter",
    "NotReady",
    "RequestObservationMiddleware",
    "add_shutdown_hook",
    "configure_logging",
    "exposition",
    "install_health",
    "logging_config",
    "metrics_endpoint",
    "multiprocess_mode",
    "prepare_multiprocess_dir",
    "run_checks",
    "safe_value",
    "status_class",
]
