"""``python -m coolhead``: the same as the ``coolhead`` command."""

import sys

from coolhead.cli.main import main

sys.exit(main())
