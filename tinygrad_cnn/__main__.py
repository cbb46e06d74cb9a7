"""Run the command line: `python -m tinygrad_cnn --help`."""
import sys

from .cli import main

sys.exit(main())
