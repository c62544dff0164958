import sys

from scripts.reconciliation.cli import main

sys.exit(main())
