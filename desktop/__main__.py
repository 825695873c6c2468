"""`python -m desktop` starts the desktop app (`make run` does this)."""

import sys

from desktop.ui.app import main

sys.exit(main())
