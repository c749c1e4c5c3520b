"""``python -m issuer serve|migrate|check`` (see :func:`issuer.cli.main`)."""

import sys

from issuer.cli import main

sys.exit(main())
