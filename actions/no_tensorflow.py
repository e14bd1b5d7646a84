"""Keeps TensorFlow out of the action server.

The risk detector uses spaCy, and spaCy's thinc imports TensorFlow whenever it
is installed (it is, for Rasa), only to offer TensorFlow models the detector
never uses: that cost the action server ~400 MB of memory and seconds of
start-up (`make bench`, docs/performance.md). thinc is imported here while
`import tensorflow` fails, so it records "no TensorFlow"; TensorFlow itself
stays importable for anything that really needs it later.
"""

import sys

if "tensorflow" not in sys.modules and "thinc.compat" not in sys.modules:
    sys.modules["tensorflow"] = None  # type: ignore[assignment]  # makes `import tensorflow` raise ImportError
    try:
        import thinc.compat  # noqa: F401
    finally:
        del sys.modules["tensorflow"]
