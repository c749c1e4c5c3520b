"""Citizens' login through an OpenID Connect provider (docs/portal.md, "Login")."""

from issuer.login._attempts import AUTHORIZE, PORTAL, LoginAttempts
from issuer.login._dev_provider import (
    CLIENT_ID,
    SAMPLE_USERS,
    ProviderUnavailable,
    SampleUser,
    running_provider,
)
from issuer.login._provider import OidcProvider, ProviderMetadata
from issuer.login._service import CALLBACK_PATH, CitizenIdentity, CitizenLogin, LoginRedirect

__all__ = [
    "AUTHORIZE",
    "CALLBACK_PATH",
    "CLIENT_ID",
    "PORTAL",
    "SAMPLE_USERS",
    "CitizenIdentity",
    "CitizenLogin",
    "LoginAttempts",
    "LoginRedirect",
    "OidcProvider",
    "ProviderMetadata",
    "ProviderUnavailable",
    "SampleUser",
    "running_provider",
]
