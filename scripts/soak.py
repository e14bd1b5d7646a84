"""Soak benchmark (not a test): N concurrent visitors for a while, on loopback.

Starts the bot exactly as `make run` does (scripts/run.sh) on spare ports and
runs two loads one after the other, SECONDS each: CLIENTS visitors whose
conversations keep growing (one conversation each, for the whole run), then
CLIENTS visitors who each leave after 10 messages and are replaced by a new
one. It reports, for each, throughput, latency and errors (must be 0), the
ratio of the two throughputs (long conversations should cost no more: the
goal is at least 0.8), and the Rasa server's memory growth.

  python scripts/soak.py [--clients 32] [--seconds 120]
"""

import argparse
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from scripts.loadgen import memory_mb, percentile, run_load  # noqa: E402

FRESH_TURNS = 10  # the second load's visitors leave after this many messages
MESSAGES = [
    "Do therapists really care about their clients?",
    "How can I build trust with my therapist?",
    "is it weird that I feel attached to my counsellor",
    "my therapist seems bored, what now?",
    "how do therapists avoid burnout",
    "hello",
    "thanks",
    "what are your hours?",
    "tell me more",
    "what's the weather tomorrow",
    "i wanna kms",
]


def rasa_pid(port: int) -> int:
    # scripts/run.sh starts `scripts/rasa_server.py run -m models/faq.tar.gz --port PORT ...`
    out = subprocess.run(
        ["pgrep", "-f", f"rasa_server.py run -m models/faq.tar.gz --port {port}"], capture_output=True, text=True
    ).stdout.split()
    return int(out[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--port", type=int, default=5305)
    args = parser.parse_args()
    # The soak's visitors all come from this machine, faster than anyone types:
    # the message limits (channels/rate_limit.py) would stop them, so they are off.
    env = {
        **os.environ,
        "RASA_PORT": str(args.port),
        "WEB_PORT": str(args.port + 3000),
        "RATE_LIMIT_PER_SENDER": "0",
        "RATE_LIMIT_PER_IP": "0",
    }
    server = subprocess.Popen(
        ["bash", "scripts/run.sh"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{args.port}/webhooks/rest/webhook"
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            try:
                import urllib.request

                urllib.request.urlopen(f"http://127.0.0.1:{args.port}/", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        pid = rasa_pid(args.port)
        run_load(url, 4, MESSAGES, seconds=10, prefix="warm-up")
        before = memory_mb(pid)
        growing = run_load(url, args.clients, MESSAGES, seconds=args.seconds, prefix="growing")
        fresh = run_load(url, args.clients, MESSAGES, seconds=args.seconds, turns=FRESH_TURNS, prefix="fresh")
        after = memory_mb(pid)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    rates = {}
    for name, (latencies, errors, elapsed) in (("growing conversations", growing), ("fresh conversations", fresh)):
        rates[name] = len(latencies) / elapsed
        print(
            f"{name}: {args.clients} clients for {elapsed:.0f} s: {len(latencies)} messages, "
            f"{rates[name]:.1f} msg/s; latency p50 {statistics.median(latencies) * 1000:.0f} ms, "
            f"p95 {percentile(latencies, 95) * 1000:.0f} ms; errors: {len(errors)} {sorted(set(errors))[:5]}"
        )
    ratio = rates["growing conversations"] / rates["fresh conversations"]
    print(f"throughput of growing against fresh conversations: {ratio:.2f}x (goal: at least 0.8x)")
    print(f"Rasa server memory: {before:.0f} MB -> {after:.0f} MB ({after - before:+.0f} MB)")


if __name__ == "__main__":
    main()
