"""The verifier desk: a scanning web page for the people who check credentials.

``civicred desk serve`` (docs/desk.md) serves one purpose (a policy of :mod:`verifier.policies`)
to a museum desk, a pharmacy or an insurer's clerk: the page reads a QR code with the device
camera (zxing-wasm, served by the desk itself), a photo or PDF, pasted text, or a wallet's
answer to its OpenID4VP request; the desk verifies it offline with the verifier library against
a pinned trust bundle, answers valid, invalid or undetermined with the reason in French, Dutch,
German or English, shows only the claims the purpose needs, and keeps nothing. Server-rendered
(FastAPI, Jinja2), no front-end build step.

Modules: :mod:`desk.settings` (one settings class), :mod:`desk.trust` (the bundle, its pin,
background refresh), :mod:`desk.identity` (the key and certificate that sign wallet requests),
:mod:`desk.sources` (where a presentation comes from), :mod:`desk.verdicts` (verification under
the policy, as a verdict to show), :mod:`desk.wallet` (OpenID4VP transactions, without HTTP),
:mod:`desk.i18n` (languages and texts), :mod:`desk.app` and :mod:`desk.wallet_routes` (HTTP),
:mod:`desk.cli`.
"""
