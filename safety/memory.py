"""Gives memory that was freed while loading models back to the system.

glibc keeps freed heap memory for later allocations instead of returning it.
Loading the sentence encoder frees ~14 MB that way (onnxruntime reads the
model file, prepares its weights, then drops the copies it read; ~60 MB
when the encoder computed in float, before 2026-12-05), and the process
would carry it as resident memory for its whole life. malloc_trim(0)
returns it. Elsewhere than glibc it does nothing.
"""

import ctypes
import ctypes.util
from functools import lru_cache
from typing import Any, Optional


@lru_cache(maxsize=1)
def _malloc_trim() -> Optional[Any]:
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


def give_back_freed_memory() -> None:
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
