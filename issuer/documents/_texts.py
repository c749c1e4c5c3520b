"""Printed wording that is not a payload field (field labels come from the doc-type data).

Headings follow the Decision S2 PRC model (Annex 2) as laid out by the EU PoC
(``Flossed/qrgen`` ``services/pdfService.js``; DOMAIN §1.7). The FR/NL/DE wording follows the
EU institutional terms used in the doc-type labels (NL *orgaan*, DE *Träger*); it still has to be
checked word for word against the Official Journal versions of Decision S2 (open point).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

_TEXTS: dict[str, dict[str, str]] = {
    "article": {
        "en": "(Article 25 of Regulation (EC) No 987/2009)",
        "fr": "(article 25 du règlement (CE) n° 987/2009)",
        "nl": "(artikel 25 van Verordening (EG) nr. 987/2009)",
        "de": "(Artikel 25 der Verordnung (EG) Nr. 987/2009)",
    },
    "regulations": {
        "en": "Regulation (EC) No 883/2004 and Regulation (EC) No 987/2009",
        "fr": "Règlement (CE) n° 883/2004 et règlement (CE) n° 987/2009",
        "nl": "Verordening (EG) nr. 883/2004 en Verordening (EG) nr. 987/2009",
        "de": "Verordnung (EG) Nr. 883/2004 und Verordnung (EG) Nr. 987/2009",
    },
    "block_state": {
        "en": "Issuing Member State",
        "fr": "État membre émetteur",
        "nl": "Uitgevende lidstaat",
        "de": "Ausstellender Mitgliedstaat",
    },
    "block_holder": {
        "en": "Card holder-related information",
        "fr": "Informations relatives au titulaire de la carte",
        "nl": "Gegevens over de kaarthouder",
        "de": "Angaben zum Karteninhaber",
    },
    "block_institution": {
        "en": "Competent institution",
        "fr": "Institution compétente",
        "nl": "Bevoegd orgaan",
        "de": "Zuständiger Träger",
    },
    "block_card": {
        "en": "Card-related information",
        "fr": "Informations relatives à la carte",
        "nl": "Gegevens over de kaart",
        "de": "Angaben zur Karte",
    },
    "block_validity": {
        "en": "Certificate validity period and delivery date",
        "fr": "Période de validité du certificat et date de délivrance",
        "nl": "Geldigheidsduur en datum van afgifte van het certificaat",
        "de": "Gültigkeitsdauer und Ausstellungsdatum der Bescheinigung",
    },
    "block_coverage": {
        "en": "Coverage and issue",
        "fr": "Couverture et délivrance",
        "nl": "Dekking en afgifte",
        "de": "Versicherungsschutz und Ausstellung",
    },
    "signature": {
        "en": "Signature and/or stamp of the institution",
        "fr": "Signature et/ou cachet de l'institution",
        "nl": "Handtekening en/of stempel van het orgaan",
        "de": "Unterschrift und/oder Stempel des Trägers",
    },
    "esigned": {
        "en": "Electronically signed: the QR code holds the data of this document, signed by the "
        "institution; the PDF file carries an electronic seal (PAdES).",
        "fr": "Signé électroniquement : le code QR contient les données de ce document, signées "
        "par l'institution ; le fichier PDF porte un cachet électronique (PAdES).",
        "nl": "Elektronisch ondertekend: de QR-code bevat de gegevens van dit document, "
        "ondertekend door het orgaan; het pdf-bestand draagt een elektronisch zegel (PAdES).",
        "de": "Elektronisch signiert: der QR-Code enthält die Daten dieses Dokuments, signiert "
        "vom Träger; die PDF-Datei trägt ein elektronisches Siegel (PAdES).",
    },
    "notes_title": {
        "en": "Notes and information",
        "fr": "Notes et informations",
        "nl": "Opmerkingen en informatie",
        "de": "Hinweise und Informationen",
    },
    "prc_notes": {
        "en": "As defined in Annex 2 to Decision No S2 concerning the technical specifications of "
        "the European Health Insurance Card. All norms applicable to the eye-readable data "
        "included in the European Health Insurance Card also apply to this certificate.",
        "fr": "Tel que défini à l'annexe 2 de la décision n° S2 concernant les spécifications "
        "techniques de la carte européenne d'assurance maladie. Toutes les normes applicables "
        "aux données lisibles à l'œil nu de la carte s'appliquent aussi à ce certificat.",
        "nl": "Zoals vastgesteld in bijlage 2 bij Besluit nr. S2 betreffende de technische "
        "specificaties van de Europese ziekteverzekeringskaart. Alle normen voor de met het "
        "blote oog leesbare gegevens van de kaart gelden ook voor dit certificaat.",
        "de": "Gemäß Anhang 2 des Beschlusses Nr. S2 über die technischen Merkmale der "
        "Europäischen Krankenversicherungskarte. Alle Normen für die mit bloßem Auge lesbaren "
        "Daten der Karte gelten auch für diese Bescheinigung.",
    },
    "ehic_notes": {
        "en": "Present this card to a healthcare provider during a stay in another EU/EEA country "
        "or Switzerland. The provider can check it by scanning the QR code.",
        "fr": "Présentez cette carte à un prestataire de soins lors d'un séjour dans un autre pays "
        "de l'UE/EEE ou en Suisse. Le prestataire peut la vérifier en scannant le code QR.",
        "nl": "Toon deze kaart aan een zorgverlener tijdens een verblijf in een ander EU/EER-land "
        "of Zwitserland. De zorgverlener kan ze controleren door de QR-code te scannen.",
        "de": "Legen Sie diese Karte bei einem Aufenthalt in einem anderen EU/EWR-Land oder der "
        "Schweiz einem Leistungserbringer vor. Er kann sie durch Scannen des QR-Codes prüfen.",
    },
    "block_ssh_holder": {"en": "Holder", "fr": "Titulaire", "nl": "Houder", "de": "Inhaber"},
    "block_ssh_validity": {
        "en": "Validity",
        "fr": "Validité",
        "nl": "Geldigheid",
        "de": "Gültigkeit",
    },
    "block_ssh_issuer": {"en": "Issuer", "fr": "Émetteur", "nl": "Uitgever", "de": "Aussteller"},
    "ssh_notes": {
        "en": "Show this document together with an identity document. It only states the "
        "entitlement to a reduced tariff; by design it does not say why.",
        "fr": "Présentez ce document avec une pièce d'identité. Il indique uniquement le droit au "
        "tarif réduit ; il n'en indique volontairement pas la raison.",
        "nl": "Toon dit document samen met een identiteitsbewijs. Het vermeldt enkel het recht op "
        "een verminderd tarief; de reden wordt bewust niet vermeld.",
        "de": "Zeigen Sie dieses Dokument zusammen mit einem Ausweis vor. Es bescheinigt nur den "
        "Anspruch auf einen ermäßigten Tarif; den Grund nennt es bewusst nicht.",
    },
    "scan": {
        "en": "Scan to verify",
        "fr": "Scanner pour vérifier",
        "nl": "Scan om te verifiëren",
        "de": "Zum Prüfen scannen",
    },
}

TEXTS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {key: MappingProxyType(value) for key, value in _TEXTS.items()}
)


def text(key: str, language: str) -> str:
    """The wording ``key`` in ``language`` (``en``/``fr``/``nl``/``de``)."""
    return TEXTS[key][language]
