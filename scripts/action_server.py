"""The action server (`python -m rasa_sdk`, same arguments) with library
deprecation warnings kept in the DEBUG log (rasa_patches/quiet_warnings.py).

  .venv/bin/python scripts/action_server.py --actions actions --port 5055
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository: actions, practice, safety

from scripts import one_blas_thread  # noqa: E402

one_blas_thread.install()  # before numpy is imported

from rasa_patches import quiet_warnings  # noqa: E402

quiet_warnings.install()  # before rasa_sdk and the actions import what warns

from rasa_sdk.__main__ import main  # noqa: E402

if __name__ == "__main__":
    main()
