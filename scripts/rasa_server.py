"""`rasa` (same commands and arguments: run, shell, ...) without loading JAX.

TensorFlow 2.12, which Rasa imports whatever the pipeline, imports JAX
whenever it is installed (it is: TensorFlow requires it) only so that TFLite
could convert JAX models, which Rasa never does. Without it each Rasa server
uses ~65 MB less memory and starts ~1 s sooner (README "Performance").
`make run`, the tests and the benchmark start Rasa through this file; plain
`rasa run` works the same, with JAX loaded.

  .venv/bin/python scripts/rasa_server.py run -m models/faq.tar.gz ...
"""
import sys

sys.modules["jax"] = None  # type: ignore[assignment]  # `import jax` raises ImportError; TFLite expects that

from rasa.__main__ import main  # noqa: E402  (after the line above, on purpose)

if __name__ == "__main__":
    main()
