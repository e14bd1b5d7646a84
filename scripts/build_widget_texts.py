"""Write web/crisis-line.json: the widget's header and offline notice with the
crisis line and emergency number of the practice's region.

The widget loads it from beside widget.js (the practice's own web server), so
the right numbers show even when the bot's server cannot be reached: 988 and
911 for a US practice, Samaritans and 999 for a UK one. Built from
content/practice.yml and content/crisis_resources.yml by `make install`.

Usage: python scripts/build_widget_texts.py [OUTPUT]
"""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from practice.crisis_resources import widget_texts  # noqa: E402

DEFAULT_OUTPUT = ROOT / "web" / "crisis-line.json"

if __name__ == "__main__":
    output = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUTPUT
    output.write_text(json.dumps(widget_texts(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"Widget texts written to {output}")
