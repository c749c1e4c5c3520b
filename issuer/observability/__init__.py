"""The issuer's operability: metrics (:mod:`issuer.observability.metrics`), readiness checks,
and their wiring on the app (:func:`install_operations`). JSON logging, the request-timing
middleware and the health endpoints are :mod:`servicekit.observability`."""

from issuer.observability._readiness import readiness_checks
from issuer.observability._wiring import ACCESS_LOG, DevDelayMiddleware, install_operations

__all__ = ["ACCESS_LOG", "DevDelayMiddleware", "install_operations", "readiness_checks"]
