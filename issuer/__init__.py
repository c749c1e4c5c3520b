"""civicred issuer: authentic sources → credential types → signing → delivery → lifecycle."""
