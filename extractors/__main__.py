"""`python -m extractors`: check every rule file against its schema."""

import sys

from .rules import main

sys.exit(main())
