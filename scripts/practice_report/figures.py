"""Every figure of the report, from the rows read: no database, no plotting, no text.

A conversation is one conversation session: a visitor's messages between two
`session_started` events (Rasa starts a new session after
`session_expiration_time`, domain.yml). A conversation is counted in the week
of its first message in the period.
"""

from collections import Counter
from datetime import date, datetime, timedelta, timezone
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from practice import referrals as counts
from scripts.practice_report import labels
from scripts.practice_report.period import Period, utc_date, week_of
from scripts.practice_report.referrals import Referral
from scripts.practice_report.store import SESSION_STARTED, USER, Event

# Rasa's own command to start a session (`/session_start`): not a visitor's question.
NOT_A_MESSAGE = ("session_start",)


def messages(events: Iterable[Event]) -> List[Event]:
    return [e for e in events if e.type_name == USER and e.intent not in NOT_A_MESSAGE]


def conversation_starts(events: Sequence[Event]) -> List[float]:
    """The time of each conversation's first message (events: each visitor's in stored order)."""
    starts: List[float] = []
    visitor, open_session = None, False
    for event in events:
        if event.visitor != visitor:
            visitor, open_session = event.visitor, False
        if event.type_name == SESSION_STARTED or event.intent in NOT_A_MESSAGE:
            open_session = False
        elif event.type_name == USER and not open_session:
            starts.append(event.timestamp)
            open_session = True
    return starts


def share(part: int, whole: int) -> Optional[float]:
    return part / whole if whole else None


def span(period: Period, timestamps: Sequence[float], today: date) -> Optional[Tuple[date, date]]:
    """The days the report covers: the period, with open ends closed by the data and today."""
    first = period.since or (utc_date(min(timestamps)) if timestamps else None)
    if first is None:
        return None
    last = min(period.until, today) if period.until else today
    return first, max(first, last)


def weeks(first: date, last: date) -> List[date]:
    monday, found = week_of(first), []
    while monday <= last:
        found.append(monday)
        monday += timedelta(days=7)
    return found


def weekly(starts: Sequence[float], asked: Sequence[Event], days: Optional[Tuple[date, date]]) -> List[Dict[str, Any]]:
    if days is None:
        return []
    conversations = Counter(week_of(utc_date(t)) for t in starts)
    per_week = Counter(week_of(utc_date(e.timestamp)) for e in asked)
    return [
        {"week": monday, "conversations": conversations[monday], "messages": per_week[monday]}
        for monday in weeks(*days)
    ]


def topics(asked: Sequence[Event]) -> List[Dict[str, Any]]:
    """Messages per intent, most asked first."""
    found = Counter(e.intent for e in asked)
    return [
        {
            "intent": intent or labels.NO_INTENT,
            "label": labels.intent(intent),
            "group": labels.group(intent),
            "count": n,
            "share": share(n, len(asked)),
        }
        for intent, n in sorted(found.items(), key=lambda item: (-item[1], item[0] or ""))
    ]


def not_answered(asked: Sequence[Event]) -> Dict[str, Any]:
    """Not understood, out of scope, and practice questions with no answer in content/practice.yml today."""
    found = Counter(e.intent for e in asked)
    practice = [
        {
            "intent": intent,
            "label": labels.intent(intent),
            "field": spec["field"],
            "asked": found[intent],
            "answered_today": labels.answered_today(intent),
        }
        for intent, spec in labels.practice_questions().items()
    ]
    unanswered_practice = sum(q["asked"] for q in practice if not q["answered_today"])
    total = found[labels.FALLBACK] + found[labels.OUT_OF_SCOPE] + unanswered_practice
    return {
        "messages": len(asked),
        "fallback": found[labels.FALLBACK],
        "out_of_scope": found[labels.OUT_OF_SCOPE],
        "practice": practice,
        "practice_unanswered": unanswered_practice,
        "total": total,
        "share": share(total, len(asked)),
    }


def contact(asked: Sequence[Event]) -> List[Dict[str, Any]]:
    found = Counter(e.intent for e in asked)
    return [
        {"intent": i, "label": labels.intent(i), "count": found[i], "share": share(found[i], len(asked))}
        for i in labels.CONTACT_INTENTS
    ]


def breakdown(values: Iterable[str], name: Any, always: Sequence[str] = ()) -> List[Dict[str, Any]]:
    """Counts by value, most first; the values in `always` listed even at zero."""
    found = Counter(values)
    keys = list(always) + sorted(set(found) - set(always), key=lambda k: (-found[k], k))
    return [{"key": k, "label": name(k), "count": found[k]} for k in keys]


def referral_breakdowns(referrals: Sequence[Referral]) -> Dict[str, List[Dict[str, Any]]]:
    return {
        "category": breakdown((r.category for r in referrals), labels.category),
        "tier": breakdown((r.tier for r in referrals), labels.tier, ("hard", "soft")),
        "kind": breakdown((r.kind for r in referrals), labels.kind, counts.KINDS),
        "channel": breakdown((r.channel for r in referrals), labels.channel),
    }


def year_of(timestamp: float) -> int:
    return datetime.fromtimestamp(timestamp, timezone.utc).year


def kinds_of(referrals: Sequence[Referral]) -> List[str]:
    """Every known kind of referral, then any other kind found in the file."""
    return list(counts.KINDS) + sorted({r.kind for r in referrals} - set(counts.KINDS))


def yearly(referrals: Sequence[Referral], years: Sequence[int]) -> List[Dict[str, Any]]:
    """Per calendar year: referrals by category (rows) and kind (columns), with totals that add up."""
    kinds = kinds_of(referrals)
    tables = []
    for year in years:
        found = Counter((r.category, r.kind) for r in referrals if year_of(r.timestamp) == year)
        per_category = {c: [found[c, k] for k in kinds] for c, _ in found}
        categories = sorted(per_category, key=lambda c: (-sum(per_category[c]), c))
        rows = [
            {"category": labels.category(c), "counts": per_category[c], "total": sum(per_category[c])}
            for c in categories
        ]
        tables.append(
            {
                "year": year,
                "rows": rows,
                "totals": [sum(found[c, k] for c in categories) for k in kinds],
                "total": sum(found.values()),
            }
        )
    return tables


def compute(events: Sequence[Event], referrals: Sequence[Referral], period: Period, today: date) -> Dict[str, Any]:
    """Everything the report shows, as plain numbers and labels."""
    asked = messages(events)
    starts = conversation_starts(events)
    requests = contact(asked)
    days = span(period, [e.timestamp for e in asked] + [r.timestamp for r in referrals], today)
    years = list(range(days[0].year, days[1].year + 1)) if days else []
    return {
        "period": period.describe(),
        "days": days,
        "conversations": len(starts),
        "messages": len(asked),
        "weeks": weekly(starts, asked, days),
        "topics": topics(asked),
        "not_answered": not_answered(asked),
        "contact": requests,
        "contact_total": sum(c["count"] for c in requests),
        "referrals": len(referrals),
        "referrals_by": referral_breakdowns(referrals),
        "years": yearly(referrals, years),
        "kinds": [labels.kind(k) for k in kinds_of(referrals)],
    }
