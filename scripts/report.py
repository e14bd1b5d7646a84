"""The practice's report: one HTML page of counts for the practice owner (`make report`).

Conversations and messages per week, what visitors asked about, what went
unanswered, contact and booking requests, and crisis referrals (per calendar
year too). Counts only: no message text, no sender id. The page is
self-contained (styles and plots inside it) and opens offline.

  python scripts/report.py
  python scripts/report.py --since 2026-01-01 --until 2026-12-31 --output report-2026.html
  python scripts/report.py --endpoints var/endpoints.yml --referrals var/escalations.db

Sources: the conversation store of endpoints.yml (or PostgreSQL from DB_* when
DB_HOST is set, as `make run` uses it; or --endpoints), and the crisis referral
counts (ESCALATION_DB, default var/escalations.db; or --referrals).
"""

import argparse
import os
import sys
from datetime import date, datetime, timezone
from pathlib import Path
from typing import List, Optional

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rasa_patches import quiet_warnings  # noqa: E402  (before the imports that warn)

quiet_warnings.install()

from practice import config as practice_config  # noqa: E402  (run as a script, too)
from practice import referrals as referral_counts  # noqa: E402
from scripts.practice_report import figures, plots, render  # noqa: E402
from scripts.practice_report.period import Period  # noqa: E402
from scripts.practice_report.referrals import ReferralsError, read_referrals  # noqa: E402
from scripts.practice_report.store import Store, StoreError, locate, read_events  # noqa: E402

DEFAULT_OUTPUT = ROOT / "var" / "report" / "practice-report.html"


def day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date like 2026-01-31: {text!r}") from None


def parse_args(argv: Optional[List[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--since", type=day, metavar="YYYY-MM-DD", help="first day counted (UTC, included)")
    parser.add_argument("--until", type=day, metavar="YYYY-MM-DD", help="last day counted (UTC, included)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, metavar="FILE", help="the HTML file to write")
    parser.add_argument(
        "--endpoints",
        type=Path,
        metavar="FILE",
        help="an endpoints file naming the conversation store (default: endpoints.yml, or PostgreSQL from DB_*)",
    )
    parser.add_argument(
        "--referrals",
        type=Path,
        metavar="FILE",
        help="the crisis referral counts (default: ESCALATION_DB, or var/escalations.db)",
    )
    args = parser.parse_args(argv)
    if args.since and args.until and args.since > args.until:
        parser.error(f"--since {args.since} is after --until {args.until}")
    return args


def shown(path: Path) -> str:
    path = path.resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def about(store: Store, referrals_file: Path) -> dict:
    return {
        "practice": practice_config.load_or_exit()["name"],
        "generated": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "command": "make report",
        "store": store.description + (" (not created yet)" if store.missing else ""),
        "store_missing": store.missing,
        "referrals": f"the file {shown(referrals_file)}" + ("" if referrals_file.is_file() else " (not created yet)"),
        "referrals_missing": not referrals_file.is_file(),
    }


def build(args: argparse.Namespace) -> Path:
    """Reads the sources, writes the page, returns its path. StoreError/ReferralsError: one line for the owner."""
    period = Period(args.since, args.until)
    store = locate(args.endpoints)
    referrals_file = args.referrals or referral_counts.db_path()
    events = read_events(store, period)
    found = read_referrals(referrals_file, period)
    today = datetime.now(timezone.utc).date()
    numbers = figures.compute(events, found, period, today)
    html = render.render(numbers, plots.all_plots(numbers), about(store, referrals_file))
    return render.write(args.output, html)


def main(argv: Optional[List[str]] = None) -> None:
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    args = parse_args(argv)
    try:
        path = build(args)
    except (StoreError, ReferralsError) as error:
        sys.exit(str(error))
    print(f"The practice's report: {path.resolve()}")


if __name__ == "__main__":
    main()
