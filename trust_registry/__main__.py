"""``python -m trust_registry init|serve`` = ``civicred registry init|serve``."""

import sys

from trust_registry.cli import main

sys.exit(main())
