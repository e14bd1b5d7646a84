"""`rasa` (same commands and arguments: run, shell, train, ...) with the
project's patches installed and without JAX.

- rasa_patches/: the action server timeout, the quicker check of its replies,
  the SQLite settings, the redaction of visitors' words from the logs and
  the garbage collector's freeze of what the server loaded.
  The project's Rasa server refuses to start without them, so start it here
  (`make run`, `make shell`, `make train`, the tests and the benchmark do).
- Library deprecation warnings go to the DEBUG log (rasa_patches/quiet_warnings.py).
- TensorFlow 2.12, which Rasa imports whatever the pipeline, imports JAX
  whenever it is installed (it is: TensorFlow requires it) only so that TFLite
  could convert JAX models, which Rasa never does. Without it each Rasa
  server uses ~65 MB less memory and starts ~1 s sooner (docs/performance.md).
- `run` and `shell` of a model whose prediction graph needs no TensorFlow
  (the project's) start without TensorFlow at all, ~300 MB less
  (rasa_patches/no_tensorflow.py: stand-ins that fail loudly if used;
  RASA_SERVER_TENSORFLOW=1 keeps it).

  .venv/bin/python scripts/rasa_server.py run -m models/faq.tar.gz ...
"""

import sys
from pathlib import Path

sys.modules["jax"] = None  # type: ignore[assignment]  # `import jax` raises ImportError; TFLite expects that
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository: rasa_patches, components

from scripts import one_blas_thread  # noqa: E402

if sys.argv[1:2] in (["run"], ["shell"]):
    one_blas_thread.install()  # before numpy is imported

from rasa_patches import install_all, no_tensorflow, quiet_warnings  # noqa: E402

quiet_warnings.install()  # first: importing Rasa warns
no_tensorflow.install_if_unneeded(sys.argv[1:])  # before anything imports Rasa
install_all()

from rasa.__main__ import main  # noqa: E402  (after the lines above, on purpose)

if __name__ == "__main__":
    main()
