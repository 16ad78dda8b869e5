"""``python -m flows.cli``: the ``publish`` command without its installed script."""

import sys

from flows.cli import main

sys.exit(main())
