"""Run the command line: `python -m tinygrad_cnn --help`."""
import sys

try:
    from .cli import main
except KeyboardInterrupt:   # Ctrl-C while the library is still loading: stop quietly, as later
    sys.exit(130)

sys.exit(main())
