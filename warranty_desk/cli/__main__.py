"""`python -m warranty_desk.cli …`: the `warranty-desk` command."""

import sys

from . import main

if __name__ == "__main__":  # not when a test walks every module
    sys.exit(main())
