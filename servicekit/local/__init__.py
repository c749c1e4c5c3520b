"""Local servers for the main job and the integration tests (loopback only), and an in-process
client for an app."""

from servicekit.local._servers import (
    LOCALHOST,
    ServerError,
    app_thread,
    asgi_client,
    free_port,
    port_in_use,
    server_process,
    wait_healthy,
)

__all__ = [
    "LOCALHOST",
    "ServerError",
    "app_thread",
    "asgi_client",
    "free_port",
    "port_in_use",
    "server_process",
    "wait_healthy",
]
