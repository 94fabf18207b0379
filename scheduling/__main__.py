"""Entry point of `python -m scheduling`."""

import sys

from scheduling.command_line import main

if __name__ == "__main__":  # guarded: portfolio workers are spawned and re-import this module
    sys.exit(main())
