"""Composes crisis replies from the resources data file (no wording in code)."""
from typing import Any, Dict, List, Optional, Sequence, Tuple

from actions import content

Link = Dict[str, str]


def region_resources(region: Optional[str] = None) -> Dict[str, Any]:
    regions = content.crisis_resources()["regions"]
    region = (region or content.practice().get("region") or "OTHER").upper()
    return regions.get(region, regions["OTHER"])


def _emergency_text(res: Dict[str, Any]) -> str:
    number = res["emergency"]["number"]
    return number or "your local emergency number"


def _line(resource: Dict[str, Any]) -> str:
    return f"• {resource['label']}: {resource['detail']}"


def _link(resource: Dict[str, Any]) -> Optional[Link]:
    """A tappable link whose text says what tapping does: "Call 988 · …"."""
    if not resource or not resource.get("href"):
        return None
    verb = {"tel": "Call", "sms": "Text"}.get(resource["href"].split(":", 1)[0])
    label = f"{verb} {resource['number']} · {resource['label']}" if verb and resource.get("number") else resource["label"]
    return {"label": label, "href": resource["href"]}


def compose(categories: Sequence[str], region: Optional[str] = None) -> Tuple[str, List[Link]]:
    """The hard-tier reply: text for every channel, plus links to make tappable."""
    res = region_resources(region)
    messages = content.crisis_resources()["messages"]
    practice = content.practice()
    emergency = _emergency_text(res)
    primary = categories[0] if categories else None

    paragraphs: List[str] = []
    if primary == "medical_emergency":
        paragraphs.append(messages["emergency_first"].format(emergency=emergency))
    opening = messages["opening_third_person" if primary == "third_person" else "opening"]
    resources = [r for r in (res["call"], res["text"]) if r]
    extra = [r for c in categories for r in res.get("by_category", {}).get(c, [])]
    paragraphs.append("\n".join([opening] + [_line(r) for r in resources + extra]))
    for category in categories:
        if category in messages["by_category"]:
            paragraphs.append(messages["by_category"][category].format(emergency=emergency))
    if primary != "medical_emergency":
        paragraphs.append(messages["emergency_last"].format(emergency=emergency))
    paragraphs.append(messages["practice_contact"].format(**practice))
    paragraphs.append(messages["keep_talking"])

    links = [_link(res["emergency"])] + [_link(r) for r in resources + extra]
    return "\n\n".join(paragraphs), [link for link in links if link]


def soft_line(region: Optional[str] = None) -> str:
    res = region_resources(region)
    return content.crisis_resources()["messages"]["soft_line"].format(
        call=res["call"]["detail"], emergency=_emergency_text(res)
    )
