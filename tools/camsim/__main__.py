"""``python -m camsim`` (with PYTHONPATH=tools)."""

import sys

from .cli import main

sys.exit(main())
