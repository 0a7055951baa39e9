"""``python -m evals``: the eval suite (same as ``pulje eval``)."""

import sys

from evals.suite import main

sys.exit(main())
