"""`python -m coach` does what the `coach` command does."""

import sys

from coach.cli import main

if __name__ == "__main__":
    sys.exit(main())
