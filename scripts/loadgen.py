"""Load generation over the REST webhook and process memory, shared by the
soak (scripts/soak.py) and the benchmark (scripts/bench.py).

run_load() sends messages from concurrent visitors, each in its own
conversation, each waiting for its reply before sending the next message.
"""

import asyncio
import os
import time
from pathlib import Path
from typing import Callable, List, Optional, Sequence, Tuple

import aiohttp

# A reply that is not an answer: Rasa's own apology or fail-closed crisis
# reply, sent when the action server did not answer in time (domain.yml).
FAILURE_REPLIES = ("Sorry, I can't answer right now", "I'm an automated assistant and I want you to get help")


def reply_error(status: int, body) -> Optional[str]:
    """Why a REST reply counts as an error, or None if it is an answer."""
    if status != 200:
        return f"HTTP {status}"
    if not body:
        return "no reply"
    for message in body:
        # `in`, not startswith: a conversation's first reply may start with the notice.
        if any(failure in (message.get("text") or "") for failure in FAILURE_REPLIES):
            return "action server did not answer"
    return None


async def _visitor(
    session: aiohttp.ClientSession,
    url: str,
    name: str,
    texts: Sequence[str],
    count: Optional[int],
    turns: int,
    until: float,
    latencies: List[float],
    errors: List[str],
) -> None:
    i = 0
    while (count is None or i < count) and time.monotonic() < until:
        # After `turns` messages the visitor leaves and a new one arrives.
        sender = f"{name}-{i // turns}"
        start = time.monotonic()
        try:
            async with session.post(
                url, json={"sender": sender, "message": texts[i % len(texts)]}, timeout=aiohttp.ClientTimeout(total=30)
            ) as response:
                body = await response.json(content_type=None)
                error = reply_error(response.status, body)
        except Exception as exception:  # noqa: BLE001 - every failure counts
            error = type(exception).__name__
        latencies.append(time.monotonic() - start)
        if error:
            errors.append(error)
        i += 1


async def _load(
    url: str, clients: int, texts: Sequence[str], per_client: Optional[int], seconds: float, turns: int, prefix: str
) -> Tuple[List[float], List[str], float]:
    latencies: List[float] = []
    errors: List[str] = []
    started = time.monotonic()
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        await asyncio.gather(
            *(
                # Each visitor starts at a different place in the list of messages.
                _visitor(
                    session,
                    url,
                    f"{prefix}-{n}",
                    rotate(texts, n * len(texts) // clients),
                    per_client,
                    turns,
                    started + seconds,
                    latencies,
                    errors,
                )
                for n in range(clients)
            )
        )
    return latencies, errors, time.monotonic() - started


def rotate(items: Sequence[str], n: int) -> List[str]:
    n %= len(items)
    return list(items[n:]) + list(items[:n])


def run_load(
    url: str,
    clients: int,
    texts: Sequence[str],
    per_client: Optional[int] = None,
    seconds: float = 3600,
    turns: int = 10**9,
    prefix: str = "load",
) -> Tuple[List[float], List[str], float]:
    """`clients` concurrent visitors, each sending `per_client` messages (or
    until `seconds` have passed) and starting a new conversation every `turns`
    messages. Returns (latencies in seconds, errors, elapsed seconds)."""
    return asyncio.run(_load(url, clients, texts, per_client, seconds, turns, prefix))


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p from 0 to 100) of a non-empty sequence."""
    ordered = sorted(values)
    rank = -(-p * len(ordered) // 100)  # ceil
    return ordered[max(1, min(int(rank), len(ordered))) - 1]


# --- Memory -------------------------------------------------------------------


def _status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def children(pid: int) -> List[int]:
    """All descendants of a process (Sanic's worker processes, for example)."""
    kids: List[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            kids += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            pass
    return kids + [grandchild for kid in kids for grandchild in children(kid)]


def memory_mb(pid: int, peak: bool = False) -> float:
    """Resident memory (peak: the high-water mark) of a process and its descendants, MB."""
    field = "VmHWM" if peak else "VmRSS"
    return sum(_status_kb(p, field) for p in [pid] + children(pid)) / 1024


def sample_memory(pids: Callable[[], Sequence[int]], every: float = 0.5) -> Callable[[], float]:
    """Polls the summed RSS of pids() in a thread; the returned function stops it and gives the peak MB."""
    import threading

    peak = [0.0]
    stop = threading.Event()

    def poll() -> None:
        while not stop.is_set():
            try:
                peak[0] = max(peak[0], sum(memory_mb(p) for p in pids()))
            except OSError:
                pass
            stop.wait(every)

    thread = threading.Thread(target=poll, daemon=True)
    thread.start()

    def finish() -> float:
        stop.set()
        thread.join()
        return peak[0]

    return finish


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by a process and its descendants."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for p in [pid] + children(pid):
        fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total
