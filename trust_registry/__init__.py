"""The civicred trust registry: institutions, issuers, certificates, accreditations, signed trust
lists, the EU Resolver API and the offline bundle (see docs/registry.md and docs/trust-list.md)."""
