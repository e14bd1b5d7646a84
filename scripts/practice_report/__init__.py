"""The practice's report (`make report`, scripts/report.py) in parts, each with one job:

- period.py: the date range (--since/--until, inclusive, UTC);
- store.py: the conversation store's settings and the few columns read from it (never message text);
- referrals.py: the crisis referral counts (practice/referrals.py), in the date range;
- labels.py: readable names for intents, risk categories, tiers, kinds and channels;
- figures.py: every figure of the report, from those rows alone;
- plots.py: the plots, as PNG images embedded in the page;
- render.py: one self-contained HTML page (templates/practice-report.html.j2).
"""
