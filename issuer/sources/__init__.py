"""Authentic sources: where the facts come from (adapters behind one protocol)."""

from issuer.sources._dev import AuthenticSource, DevAuthenticSource

__all__ = ["AuthenticSource", "DevAuthenticSource"]
