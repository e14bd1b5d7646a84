"""Composes crisis replies from the resources data file (no wording in code).

English by default; Spanish (`language="es"`) with the services that answer in
Spanish where the data file names them for the practice's region, and the
international directory elsewhere.
"""

from typing import Any, Dict, List, Optional, Sequence, Tuple

from practice import content

Link = Dict[str, str]
SPANISH = "es"
LOCAL_EMERGENCY = {"en": "your local emergency number", SPANISH: "el número de emergencias local"}


def _region_name(region: Optional[str]) -> str:
    return (region or content.practice().get("region") or "OTHER").upper()


def region_resources(region: Optional[str] = None, language: str = "en") -> Dict[str, Any]:
    data = content.crisis_resources()
    regions = data["regions"]
    res = regions.get(_region_name(region), regions["OTHER"])
    if language != SPANISH:
        return res
    # Spanish services where verified, the directory otherwise; the region's
    # emergency number either way.
    return {**(res.get(SPANISH) or data["es_elsewhere"]), "emergency": res["emergency"]}


def _messages(language: str) -> Dict[str, Any]:
    # Other languages than Spanish get the English wording.
    return content.crisis_resources()["messages_es" if language == SPANISH else "messages"]


def _emergency_text(res: Dict[str, Any], language: str = "en") -> str:
    return res["emergency"]["number"] or LOCAL_EMERGENCY.get(language, LOCAL_EMERGENCY["en"])


def _line(resource: Dict[str, Any]) -> str:
    return f"• {resource['label']}: {resource['detail']}"


def _link(resource: Dict[str, Any]) -> Optional[Link]:
    """A tappable link whose text says what tapping does: "Call 988 · …"."""
    if not resource or not resource.get("href"):
        return None
    verb = {"tel": "Call", "sms": "Text"}.get(resource["href"].split(":", 1)[0])
    label = (
        f"{verb} {resource['number']} · {resource['label']}" if verb and resource.get("number") else resource["label"]
    )
    return {"label": label, "href": resource["href"]}


def compose(categories: Sequence[str], region: Optional[str] = None, language: str = "en") -> Tuple[str, List[Link]]:
    """The hard-tier reply: text for every channel, plus links to make tappable."""
    res = region_resources(region, language)
    messages = _messages(language)
    practice = content.practice()
    emergency = _emergency_text(res, language)
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


def soft_line(region: Optional[str] = None, language: str = "en") -> str:
    """After a soft risk or an earlier escalation: support is there any time."""
    res = region_resources(region, language)
    return _messages(language)["soft_line"].format(call=res["call"]["detail"], emergency=_emergency_text(res, language))


def safety_line(region: Optional[str] = None, language: str = "en") -> str:
    """One short crisis line, ending every reply that is not an answer."""
    res = region_resources(region, language)
    return _messages(language)["safety_line"].format(line=res["line"], emergency=_emergency_text(res, language))


def widget_texts(region: Optional[str] = None) -> Dict[str, str]:
    """The widget's header and offline notice for the practice's region."""
    res = region_resources(region)
    values = {"line": res["line"], "emergency": _emergency_text(res)}
    messages = _messages("en")
    return {
        "header": messages["widget_header"].format(**values),
        "offline": messages["widget_offline"].format(**values),
    }


def other_language_reply(language: str, region: Optional[str] = None) -> str:
    """'I can only answer in English', with a crisis line in the visitor's
    language where the data file has one (Spanish), the directory otherwise."""
    if language == SPANISH:
        return f"{_messages(SPANISH)['other_language']} {safety_line(region, SPANISH)}"
    res = region_resources(region)
    return _messages("en")["other_language"].format(emergency=_emergency_text(res))
