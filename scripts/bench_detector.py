"""Benchmark: the whole risk assessment, time per message (median, p99), one thread.

Each stage on its own, then all of it: the two lexicons (English and Spanish,
with their spaCy pipelines), language identification, the sentence encoder
and classifier, and the context step (a message assessed with four earlier
turns' verdicts), over the crisis corpus and the independent writers' lines.

Usage: make bench-detector   (not a timed test: numbers depend on the machine)
"""

import statistics
import sys
import time
from pathlib import Path
from typing import Callable, List

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from safety import language  # noqa: E402
from safety.assessment import RiskAssessor  # noqa: E402

ROUNDS = 1  # thousands of messages already: one pass is enough for a p99


def messages() -> List[str]:
    corpus = yaml.safe_load((ROOT / "tests" / "data" / "crisis_corpus.yml").read_text())
    texts = [e["text"] for e in corpus["risk"] + corpus["benign"] + corpus["negated"]]
    for path in sorted((ROOT / "data" / "risk").glob("*.yml")):
        texts += [e["text"] for e in yaml.safe_load(path.read_text(encoding="utf-8"))["examples"]]
    return texts


def timed(stage: Callable[[str], object], texts: List[str]) -> List[float]:
    stage(texts[0])  # warm-up
    timings = []
    for _ in range(ROUNDS):
        for text in texts:
            start = time.perf_counter()
            stage(text)
            timings.append(time.perf_counter() - start)
    return sorted(timings)


def report(name: str, timings: List[float]) -> None:
    print(
        f"{name:<40} median {statistics.median(timings) * 1000:6.2f} ms   "
        f"p99 {timings[int(len(timings) * 0.99)] * 1000:6.2f} ms   max {timings[-1] * 1000:6.2f} ms"
    )


def main() -> None:
    started = time.perf_counter()
    assessor = RiskAssessor.load()
    print(f"load (lexicons, spaCy pipelines, encoder, classifier): {time.perf_counter() - started:.2f} s")
    texts = messages()
    print(f"messages: {len(texts)} x {ROUNDS} rounds, one thread")
    earlier = [
        assessor.assess(t).as_dict() for t in ("I've been having a hard time", "what's the point", "ok", "thanks")
    ]
    report("English lexicon", timed(assessor.english.assess, texts))
    report("Spanish lexicon", timed(assessor.spanish.assess, texts))
    report("language identification", timed(language.identify, texts))
    report("encoder + classifier", timed(assessor.classifier.score, texts))
    report("whole assessment", timed(assessor.assess, texts))
    report("whole assessment + context (4 turns)", timed(lambda t: assessor.assess_in_context(t, earlier), texts))
    huge = "tell me about therapy. " * 4350  # ~100,000 characters
    start = time.perf_counter()
    assessor.assess(huge)
    print(f"one 100,000-character message: {(time.perf_counter() - start) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
