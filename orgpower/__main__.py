import sys

from orgpower.cli import main

sys.exit(main())
