"""Quick memory benchmark: the project's Rasa server against stock Rasa, in one run.

`make bench` (scripts/bench.py) takes ~20 minutes, most of it training DIET.
This serves models trained beforehand, one server after the other:
  - project: the project's model on the project's server (scripts/rasa_server.py
    run, the project's endpoints and action server), as `make run` serves it;
  - stock: Rasa's default pipeline on plain `rasa run` with Rasa's own SQL
    store, REST channel and responses (tests/conftest.py, Servers(stock_rasa=True)).
For each: start-up to the first reply, resident memory after the first reply,
peak resident memory while answering (sampled, as `make bench` does) and the
high-water mark of the whole life (VmHWM, start-up included), the action
server's peak (the same action server for both), 1-client p50
and p95 over the benchmark's messages (hold-out questions, one crisis message
in eight), and whether TensorFlow is loaded. Then the project's ratios to stock.

A model of the default pipeline with 1 epoch per TensorFlow component serves
like the 100-epoch one (same layers, same weights' shapes) and trains in ~3
minutes instead of ~60 on a busy 2-core machine:
  sed 's/epochs: 100/epochs: 1/' configs/rasa_default.yml > /tmp/default-1-epoch.yml
  .venv/bin/rasa train --config /tmp/default-1-epoch.yml --fixed-model-name default --out build/bench

  python scripts/bench_memory.py [--project-model models/faq.tar.gz]
      [--stock-model build/bench/default.tar.gz] [--messages 240] [--clients 8 --seconds 20]
      [--keep-tensorflow] [--only project|stock]
"""

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from rasa_patches.no_tensorflow import KEEP_TENSORFLOW  # noqa: E402
from scripts.bench import TURNS, messages, start_servers  # noqa: E402
from scripts.loadgen import memory_mb, percentile, run_load, sample_memory  # noqa: E402
from tests.conftest import BASE_ENV  # noqa: E402

FIGURES = [
    ("start-up to first reply (s)", "startup_s", "{:.1f}"),
    ("memory after the first reply (MB)", "rss_start_mb", "{:.0f}"),
    ("memory, peak while answering (MB)", "rss_peak_mb", "{:.0f}"),
    ("memory, high-water mark (MB)", "hwm_mb", "{:.0f}"),
    ("action server memory, peak (MB)", "actions_peak_mb", "{:.0f}"),
    ("1 client p50 (ms)", "p50_ms", "{:.0f}"),
    ("1 client p95 (ms)", "p95_ms", "{:.0f}"),
    ("concurrent clients: messages/s", "rate", "{:.1f}"),
    ("concurrent clients: p95 (ms)", "concurrent_p95_ms", "{:.0f}"),
    ("errors", "errors", "{:.0f}"),
]


def measure(name: str, model: Path, texts: List[str], args: argparse.Namespace) -> Dict[str, float]:
    stock = name == "stock"
    env = {**BASE_ENV, **({KEEP_TENSORFLOW: "1"} if args.keep_tensorflow and not stock else {})}
    with tempfile.TemporaryDirectory(prefix=f"bench-memory-{name}-") as tmp:
        servers = start_servers(f"bench-memory-{name}", model, Path(tmp), stock, rasa_env=env)
        try:
            servers.bot.say(f"{name}-first", texts[1])
            result: Dict[str, float] = {"startup_s": time.monotonic() - servers.rasa_started}
            pid = servers.rasa.pid
            result["rss_start_mb"] = memory_mb(pid)
            peak = sample_memory(lambda: [pid], every=0.2)
            actions_peak = sample_memory(lambda: [servers.actions.pid], every=0.2)
            latencies, errors, _ = run_load(
                servers.bot.webhook, 1, texts, per_client=args.messages, turns=TURNS, prefix=f"{name}-one"
            )
            result["p50_ms"] = percentile(latencies, 50) * 1000
            result["p95_ms"] = percentile(latencies, 95) * 1000
            if args.clients:
                many, more_errors, elapsed = run_load(
                    servers.bot.webhook, args.clients, texts, seconds=args.seconds, turns=TURNS, prefix=f"{name}-c"
                )
                result["rate"] = len(many) / elapsed
                result["concurrent_p95_ms"] = percentile(many, 95) * 1000
                errors += more_errors
            result["errors"] = len(errors)
            result["rss_peak_mb"], result["actions_peak_mb"] = peak(), actions_peak()
            result["hwm_mb"] = memory_mb(pid, peak=True)
            maps = Path(f"/proc/{pid}/maps").read_text()
            result["tensorflow_loaded"] = float("tensorflow" in maps)
        finally:
            servers.stop()
    print(f"  {name}: {json.dumps({k: round(v, 1) for k, v in result.items()})}", flush=True)
    return result


def table(results: Dict[str, Dict[str, float]]) -> str:
    project, stock = results.get("project", {}), results.get("stock", {})
    lines = ["| figure | project | stock Rasa | ratio |", "|---|---|---|---|"]
    for label, key, fmt in FIGURES:
        if key not in project and key not in stock:
            continue
        p, s = project.get(key), stock.get(key)
        ratio = f"{p / s:.2f}×" if p is not None and s else ""
        cells = [fmt.format(v) if v is not None else "" for v in (p, s)]
        lines.append(f"| {label} | {cells[0]} | {cells[1]} | {ratio} |")
    loaded = ["yes" if r.get("tensorflow_loaded") else "no" if r else "" for r in (project, stock)]
    lines.append(f"| TensorFlow loaded | {loaded[0]} | {loaded[1]} | |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--project-model", type=Path, default=ROOT / "models" / "faq.tar.gz")
    parser.add_argument("--stock-model", type=Path, default=ROOT / "build" / "bench" / "default.tar.gz")
    parser.add_argument("--messages", type=int, default=240, help="single-client messages (default 240)")
    parser.add_argument("--clients", type=int, default=0, help="then this many concurrent clients (default none)")
    parser.add_argument("--seconds", type=float, default=20, help="for this long (default 20)")
    parser.add_argument(
        "--keep-tensorflow", action="store_true", help=f"the project's server with {KEEP_TENSORFLOW}=1 (before)"
    )
    parser.add_argument("--only", choices=["project", "stock"])
    args = parser.parse_args()
    texts = messages()
    load = os.getloadavg()[0]
    print(f"Memory benchmark, load average {load:.1f}, {os.cpu_count()} cores", flush=True)
    models = {"project": args.project_model, "stock": args.stock_model}
    results = {name: measure(name, model, texts, args) for name, model in models.items() if args.only in (None, name)}
    print()
    print(table(results))


if __name__ == "__main__":
    main()
