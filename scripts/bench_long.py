"""Long conversations (`make bench-long`): does a message cost the same at the
200th turn as at the first?

Serves one model twice, in one run, each with a fresh action server and an
empty SQLite conversation store:
  - project: the project's server (scripts/rasa_server.py, the project's
    conversation store and response generator, endpoints as `make run`);
  - stock: plain `rasa run` with Rasa's own SQL tracker store, REST channel
    and responses, what a Rasa user gets.
One visitor sends --messages messages (default 200) in one conversation,
each after the reply to the one before: the NLU hold-out texts and the
out-of-scope hold-out, no crisis messages, so every turn is a normal answer.
Each measured window is the same ten messages (sent once by another visitor
first, to warm up), so that only the conversation's length differs.
Reports, for messages 1-10, 91-100 and 191-200, the median latency and the
Rasa server's CPU per message (steadier on a busy machine), and the ratio of
the last window to the first. Writes the table to reports/bench_long.md.

  python scripts/bench_long.py [--model models/faq.tar.gz] [--messages 200]
                               [--only project|stock] [--repeat 1]

With --repeat N (`make bench` and `make bench-long` use 3), each server is
started N times and the report adds the median of the runs, window by window:
one conversation's ten-message medians swing by about ±0.2x between runs on
this machine.
"""

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Tuple

import requests
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from scripts.bench import machine, start_servers  # noqa: E402
from scripts.loadgen import FAILURE_REPLIES, cpu_seconds  # noqa: E402
from tests.conftest import Servers  # noqa: E402

REPORT = ROOT / "reports" / "bench_long.md"
KINDS = ("project", "stock")
# A crisis reply's openings (content/crisis_resources.yml): not expected here, counted if it happens.
CRISIS_START = ("I'm really glad you told me", "Thank you for looking out for them")


def messages() -> List[str]:
    """The NLU hold-out texts and the out-of-scope hold-out in a fixed order,
    without those the risk assessment finds any risk in (a few are soft, and
    soft turns in context may escalate): every turn gets a normal answer."""
    from safety.assessment import RiskAssessor
    from safety.risk_detector import NONE

    assessor = RiskAssessor.load()
    texts: List[str] = []
    for name in ("nlu_holdout.yml", "nlu_holdout_conversation.yml"):
        for item in yaml.safe_load((ROOT / "tests" / "data" / name).read_text())["nlu"]:
            if item["intent"] != "crisis":
                texts += [line[2:].strip() for line in item["examples"].splitlines() if line.startswith("- ")]
    texts += [
        line.strip()
        for line in (ROOT / "tests" / "data" / "out_of_scope_holdout.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    random.Random(15).shuffle(texts)
    return [text for text in texts if assessor.assess(text).tier == NONE]


def windows(count: int) -> List[Tuple[int, int]]:
    """Messages 1-10, the ten around the middle ending on a hundred (91-100) and the last ten."""
    middle = max(10, (count // 2) // 10 * 10)
    return [(1, 10), (middle - 9, middle), (count - 9, count)]


def conversation(texts: List[str], count: int) -> List[str]:
    """`count` messages: the same ten in each measured window (a message's cost
    depends on its text), the other texts in between."""
    measured, others = texts[:10], texts[10:]
    sequence = [others[i % len(others)] for i in range(count)]
    for first, _ in windows(count):
        sequence[first - 1 : first + 9] = measured
    return sequence


def converse(servers: Servers, texts: List[str], count: int, sender: str) -> Dict[str, List[float]]:
    """One visitor, `count` messages in one conversation: latency (ms) and Rasa CPU (ms) per message."""
    pid = servers.processes[-1].pid
    latencies: List[float] = []
    cpu: List[float] = []
    unexpected: List[str] = []
    with requests.Session() as http:
        for i in range(count):
            before = cpu_seconds(pid)
            started = time.perf_counter()
            response = http.post(servers.bot.webhook, json={"sender": sender, "message": texts[i]}, timeout=60)
            latencies.append((time.perf_counter() - started) * 1000)
            cpu.append((cpu_seconds(pid) - before) * 1000)
            response.raise_for_status()
            replies = [m.get("text") or "" for m in response.json()]
            if not replies:
                unexpected.append(f"{i + 1}: no reply")
            elif any(failure in r for r in replies for failure in FAILURE_REPLIES):
                unexpected.append(f"{i + 1}: Rasa's own reply (the action server did not answer)")
            elif any(r.startswith(CRISIS_START) for r in replies):
                unexpected.append(f"{i + 1}: a crisis reply")
    if unexpected:
        print(f"  {servers.logs[-1].stem}: unexpected replies to messages {'; '.join(unexpected)}", flush=True)
    return {"latency": latencies, "cpu": cpu, "unexpected": [len(unexpected)]}


def measure(kind: str, model: Path, texts: List[str], count: int, run: int) -> Dict[str, List[float]]:
    with tempfile.TemporaryDirectory(prefix=f"bench-long-{kind}-") as tmp:
        servers = start_servers(f"bench-long-{kind}", model, Path(tmp), kind == "stock")
        try:
            # Warm-up, another visitor: a server's first message loads lazily, and
            # the risk lexicon caches what it found in each word.
            for text in texts[:10]:
                servers.bot.say("bench-long-warm-up", text)
            return converse(servers, conversation(texts, count), count, f"bench-long-visitor-{run}")
        finally:
            servers.stop()


def summarise(result: Dict[str, List[float]], count: int) -> List[float]:
    """Per window: median latency and mean Rasa CPU per message; then the ratios last/first."""
    cells = []
    for first, last in windows(count):
        cells.append(statistics.median(result["latency"][first - 1 : last]))
    for first, last in windows(count):
        cells.append(statistics.mean(result["cpu"][first - 1 : last]))
    return cells


def table(rows: Dict[str, List[float]], count: int) -> List[List[str]]:
    names = [f"{a}–{b}" for a, b in windows(count)]
    header = (
        ["server"]
        + [f"p50 ms {n}" for n in names]
        + [f"p50 ratio {names[-1]} / {names[0]}"]
        + [f"CPU ms {n}" for n in names]
        + ["CPU ratio", "unexpected replies"]
    )
    lines = [header]
    for name, cells in rows.items():
        p50, cpu, unexpected = cells[:3], cells[3:6], cells[6]
        lines.append(
            [name]
            + [f"{v:.0f}" for v in p50]
            + [f"{p50[2] / p50[0]:.2f}×"]
            + [f"{v:.1f}" for v in cpu]
            + [f"{cpu[2] / cpu[0]:.2f}×", f"{unexpected:.0f}"]
        )
    return lines


def against_stock(rows: Dict[str, List[float]]) -> List[List[str]]:
    """Each run's project figures over stock Rasa's, window by window."""
    lines = []
    for name, project in rows.items():
        stock = rows.get(name.replace("project", "stock"))
        if name.startswith("project") and stock:
            label = name.replace("project", "project / stock")
            p50 = [p / s for p, s in zip(project[:3], stock[:3])]
            cpu = [p / s for p, s in zip(project[3:6], stock[3:6])]
            ratios = (
                (project[2] / project[0]) / (stock[2] / stock[0]),
                (project[5] / project[3]) / (stock[5] / stock[3]),
            )
            lines.append(
                [label]
                + [f"{v:.2f}×" for v in p50]
                + [f"{ratios[0]:.2f}×"]
                + [f"{v:.2f}×" for v in cpu]
                + [f"{ratios[1]:.2f}×", ""]
            )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "faq.tar.gz", help="served by both")
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--only", choices=KINDS)
    parser.add_argument("--repeat", type=int, default=1, help="conversations per server, one server each")
    parser.add_argument("--report", type=Path, default=REPORT)
    args = parser.parse_args()
    if args.messages < 20:
        parser.error("--messages must be at least 20")
    started = time.monotonic()
    about = machine()
    print(f"Long conversations: {about}", flush=True)
    texts = messages()
    rows: Dict[str, List[float]] = {}
    for run in range(args.repeat):
        for kind in [args.only] if args.only else KINDS:
            result = measure(kind, args.model, texts, args.messages, run)
            name = kind if args.repeat == 1 else f"{kind} #{run + 1}"
            rows[name] = summarise(result, args.messages) + result["unexpected"]
            line = plain(table({name: rows[name]}, args.messages))
            print(f"[{time.monotonic() - started:4.0f} s] {line}", flush=True)
    if args.repeat > 1:  # one conversation's ten-message medians swing by ±0.2x between runs
        for kind in [args.only] if args.only else KINDS:
            runs = [cells for name, cells in rows.items() if name.startswith(f"{kind} #")]
            rows[f"{kind}, median of {args.repeat} runs"] = [statistics.median(c) for c in zip(*runs)]
    lines = table(rows, args.messages) + against_stock(rows)
    print()
    print(plain(lines))
    if args.only:
        return
    report = (
        "# Long conversations: the cost of a message as the conversation grows\n\n"
        f"Written by `make bench-long` (scripts/bench_long.py): {about}; took {time.monotonic() - started:.0f} s.\n"
        f"Model `{args.model.relative_to(ROOT) if args.model.is_relative_to(ROOT) else args.model}`, "
        f"served by the project's server and by stock Rasa (plain `rasa run`, Rasa's SQL store); one visitor, "
        f"{args.messages} messages in one conversation. p50: median latency over the REST webhook; CPU: the Rasa "
        "server's CPU time per message (mean of the window). `project / stock`: the project's figure over stock "
        "Rasa's in the same run.\n\n"
        + "\n".join(["| " + " | ".join(r) + " |" for r in lines[:1]] + ["|" + "---|" * len(lines[0])])
        + "\n"
        + "\n".join("| " + " | ".join(r) + " |" for r in lines[1:])
        + "\n"
    )
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(report)
    print(f"\nWritten to {args.report}.")


def plain(lines: List[List[str]]) -> str:
    widths = [max(len(r[i]) for r in lines) for i in range(len(lines[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in lines)


if __name__ == "__main__":
    main()
