"""The document types the registry accredits, in one place: the signed QR documents by ``sid``
(their table is the verifier's, :mod:`verifier.qr`) and the SD-JWT VCs by ``vct``."""

from __future__ import annotations

from verifier.qr import CIVICRED_EHIC_SID, CIVICRED_SSH_SID, EESSI_PRC_SID

SOCIAL_STATUS_VCT = "urn:civicred:social-status:1"
EHIC_VCT = "urn:eudi:ehic:1"
EHIC_PRC_VCT = "urn:civicred:ehic-prc:1"

#: Decided by the social-security authentic source.
SOCIAL_STATUS_TYPES: tuple[str, ...] = (SOCIAL_STATUS_VCT, CIVICRED_SSH_SID)
#: The EU's portable document "EHIC" (eEHIC, ePRC; DOMAIN §1.8), issued by health-insurance funds.
EHIC_TYPES: tuple[str, ...] = (EESSI_PRC_SID, CIVICRED_EHIC_SID, EHIC_VCT, EHIC_PRC_VCT)
