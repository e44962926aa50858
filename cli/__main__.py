"""``python -m township_atlas.cli``: the ``township-atlas`` command."""

import sys

from . import main

sys.exit(main())
