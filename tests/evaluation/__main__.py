"""`python -m tests.evaluation DATASET_DIR [options]`: see `tests.evaluation.cli`."""

import sys

from tests.evaluation.cli import main

sys.exit(main())
