"""`python -m privlint` runs the command line."""

import sys

from privlint.cli import main

sys.exit(main())
