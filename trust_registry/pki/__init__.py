"""The registry's certificate authority: the dev root CA and the registry signing key."""

from trust_registry.pki._authority import CertificateAuthority, PkiError

__all__ = ["CertificateAuthority", "PkiError"]
