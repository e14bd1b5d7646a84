"""One BLAS thread for a serving process; call install() before anything
imports numpy.

OpenBLAS starts a worker thread per core in every process and keeps it
spinning for a while after each matrix product. The servers' products are
tiny (one message at a time: the risk classifier's heads, language
identification, the intent classifier), so the worker does no useful work,
yet on this 2-core machine it took ~40 % of a core in each server under load
(top -H), CPU the visitors' messages needed. A server answers many visitors
at once; one message never needs two cores. Training keeps its threads.
"""

import os


def install() -> None:
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
