"""Request and response bodies (pydantic, strict about unknown members in requests)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from trust_registry.domain._validation import (
    COUNTRY_PATTERN,
    DOCUMENT_TYPE_PATTERN,
    OFFICIAL_ID_PATTERN,
)

Role = Literal[
    "competent_institution",
    "liaison_body",
    "authentic_source",
    "institution_of_residence",
    "institution_of_stay",
]
Use = Literal["document_signing", "status_signing"]
OfficialId = Annotated[str, Field(pattern=OFFICIAL_ID_PATTERN, examples=["BE:0120"])]
Url = Annotated[str, Field(min_length=8, max_length=1024)]
Country = Annotated[str, Field(pattern=COUNTRY_PATTERN)]


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Names(Input):
    en: str = Field(min_length=1, max_length=256)
    fr: str | None = Field(default=None, max_length=256)
    nl: str | None = Field(default=None, max_length=256)
    de: str | None = Field(default=None, max_length=256)


class InstitutionIn(Input):
    official_id: OfficialId
    role: Role
    names: Names
    country: Country | None = None


class InstitutionPatch(Input):
    role: Role | None = None
    names: Names | None = None


class AccreditationIn(Input):
    document_type: str = Field(pattern=DOCUMENT_TYPE_PATTERN, examples=["urn:eudi:ehic:1"])
    valid_from: date
    valid_until: date | None = None


class AccreditationOut(BaseModel):
    document_type: str
    valid_from: date
    valid_until: date | None


class InstitutionOut(BaseModel):
    official_id: str
    country: str
    role: str
    names: dict[str, str]
    accreditations: list[AccreditationOut]


class IssuerIn(Input):
    id: OfficialId
    names: Names
    credential_issuer: Url
    country: Country | None = None
    signs_for: list[str] = Field(default_factory=list, max_length=1000)
    status_lists: list[str] = Field(default_factory=list, max_length=1000)
    revocation_lists: list[str] = Field(default_factory=list, max_length=1000)


class IssuerPatch(Input):
    names: Names | None = None
    credential_issuer: Url | None = None
    signs_for: list[str] | None = Field(default=None, max_length=1000)
    status_lists: list[str] | None = Field(default=None, max_length=1000)
    revocation_lists: list[str] | None = Field(default=None, max_length=1000)


class IssuerOut(BaseModel):
    id: str
    country: str
    names: dict[str, str]
    credential_issuer: str
    signs_for: list[str]
    status_lists: list[str]
    revocation_lists: list[str]


class CertificateRequest(Input):
    """Exactly one of ``public_jwk`` (the registry's dev CA issues), ``csr`` (PKCS#10 PEM, the
    dev CA issues) or ``certificate`` (PEM issued elsewhere under the registry root)."""

    use: Use
    public_jwk: dict[str, Any] | None = None
    csr: str | None = Field(default=None, max_length=16384)
    certificate: str | None = Field(default=None, max_length=16384)
    not_before: AwareDatetime | None = None
    not_after: AwareDatetime | None = None

    @model_validator(mode="after")
    def _one_source(self) -> CertificateRequest:
        given = [n for n in ("public_jwk", "csr", "certificate") if getattr(self, n) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of public_jwk, csr, certificate")
        if self.certificate is not None and (self.not_before or self.not_after):
            raise ValueError("not_before/not_after apply to issued certificates only")
        return self


class CertificateOut(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    issuer_id: str
    use: str
    x5t_s256: str = Field(serialization_alias="x5t#S256")
    state: str
    not_before: AwareDatetime
    not_after: AwareDatetime
    published_at: AwareDatetime
    activated_at: AwareDatetime | None
    retired_at: AwareDatetime | None
    revoked_at: AwareDatetime | None
    certificate_pem: str


class RevokeIn(Input):
    revoked_at: AwareDatetime | None = None


class RotateIn(Input):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    use: Use
    x5t_s256: str = Field(alias="x5t#S256", min_length=43, max_length=43)


class PushedListIn(Input):
    uri: Url
    token: str = Field(min_length=1)
    media_type: str = "application/statuslist+jwt"


class PushedRevocationListIn(Input):
    uri: Url
    token: str = Field(min_length=1)
    media_type: str = "application/jwt"


class ListsPush(Input):
    status_lists: list[PushedListIn] = Field(default_factory=list, max_length=1000)
    revocation_lists: list[PushedRevocationListIn] = Field(default_factory=list, max_length=1000)


class ListsPushed(BaseModel):
    stored: list[str]


class AuditOut(BaseModel):
    id: int
    at: AwareDatetime
    actor: str
    action: str
    target: str
    before: Any
    after: Any
