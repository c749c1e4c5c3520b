"""The citizens' portal (docs/portal.md): log in with the national eID, see one's statuses,
entitlements and health-insurance cover, add them to a wallet or download the PDF, see what was
issued and revoke it. Server-rendered (Jinja2), FR/NL/DE/EN, mounted at ``/portal``."""

from issuer.portal._app import CITIZEN_ACTOR, create_portal_app
from issuer.portal._i18n import LANGUAGES
from issuer.portal._sessions import PortalSession, PortalSessions

__all__ = ["CITIZEN_ACTOR", "LANGUAGES", "PortalSession", "PortalSessions", "create_portal_app"]
