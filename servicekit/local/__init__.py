"""Local servers for the main job and the integration tests (loopback only)."""

from servicekit.local._servers import (
    LOCALHOST,
    ServerError,
    app_thread,
    free_port,
    port_in_use,
    server_process,
    wait_healthy,
)

__all__ = [
    "LOCALHOST",
    "ServerError",
    "app_thread",
    "free_port",
    "port_in_use",
    "server_process",
    "wait_healthy",
]
