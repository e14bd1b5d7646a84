"""Benchmark: risk detector time per message (median, p99) over the crisis corpus.

Usage: make bench-detector   (not a timed test: numbers depend on the machine)
"""
import statistics
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from safety.risk_detector import RiskDetector  # noqa: E402

ROUNDS = 5


def main() -> None:
    started = time.perf_counter()
    detector = RiskDetector.load()
    load_seconds = time.perf_counter() - started
    corpus = yaml.safe_load((ROOT / "tests" / "data" / "crisis_corpus.yml").read_text())
    texts = [e["text"] for e in corpus["risk"] + corpus["benign"] + corpus["negated"]]
    detector.assess(texts[0])  # warm-up
    timings = []
    for _ in range(ROUNDS):
        for text in texts:
            start = time.perf_counter()
            detector.assess(text)
            timings.append(time.perf_counter() - start)
    timings.sort()
    huge = "tell me about therapy. " * 4350  # ~100,000 characters
    start = time.perf_counter()
    detector.assess(huge)
    huge_seconds = time.perf_counter() - start
    print(f"load (lexicon + spaCy pipeline): {load_seconds:.2f} s")
    print(f"messages: {len(texts)} x {ROUNDS} rounds")
    print(f"per message: median {statistics.median(timings) * 1000:.3f} ms, "
          f"p99 {timings[int(len(timings) * 0.99)] * 1000:.3f} ms, max {timings[-1] * 1000:.3f} ms")
    print(f"one 100,000-character message: {huge_seconds * 1000:.0f} ms")


if __name__ == "__main__":
    main()
