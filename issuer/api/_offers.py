"""The operator's side of OpenID4VCI: making a credential offer for a subject (admin token)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field

from issuer.api._deps import Admin, Services
from issuer.api._oid4vci import no_store_json

router = APIRouter()


class OfferOrder(BaseModel):
    model_config = ConfigDict(extra="forbid")

    #: The pseudonymous subject id of the authentic source (``person_id``), never a national
    #: number.
    subject_id: str = Field(min_length=1, max_length=128)
    credential_configuration_ids: list[str] = Field(min_length=1, max_length=10)
    #: Require a transaction code, handed to the citizen on a second channel (§4.1.1).
    tx_code: bool = True


@router.post("/operator/offers", status_code=201)
def create_offer(order: OfferOrder, services: Services, actor: Admin) -> Response:
    """201 with the offer by value and by reference, and the transaction code apart from them:
    the operator gives the citizen the QR code and the code on different channels."""
    offer = services.oid4vci.create_offer(
        subject_id=order.subject_id,
        configuration_ids=order.credential_configuration_ids,
        tx_code=order.tx_code,
        actor=actor,
    )
    body: dict[str, Any] = {
        "grant_reference": offer.grant_reference,
        "credential_offer": offer.credential_offer,
        "credential_offer_uri": offer.credential_offer_uri,
        "offer_by_value": offer.by_value,
        "offer_by_reference": offer.by_reference,
        "tx_code": offer.tx_code,
        "expires_at": offer.expires_at.isoformat(),
    }
    return no_store_json(body, status=201)
