"""The packaged app's entry point: the desktop window (`arquivo-desktop`)."""

import sys

from desktop.ui.app import main

if __name__ == "__main__":
    sys.exit(main())
