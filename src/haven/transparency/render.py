"""The transparency report written out: JSON (the record), CSV (one figure a row, for the
spreadsheet of the harmonised template) and an HTML page with charts that a person can read
(self-contained: inline SVG, no script, no request to anywhere)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

CSV_COLUMNS = ["section", "part", "category", "dimension", "metric", "value"]
BAR_COLOURS = {"human": "#3b6ea8", "automated": "#d98c2b"}


def to_json(report: dict[str, Any]) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def _rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Every figure of the report as (section, part, category, dimension, metric, value)."""
    out: list[dict[str, Any]] = []

    def add(
        section: str, metric: str, value: Any, part: str = "", cat: str = "", dim: str = ""
    ) -> None:
        out.append(
            {
                "section": section,
                "part": part,
                "category": cat,
                "dimension": dim,
                "metric": metric,
                "value": "" if value is None else value,
            }
        )

    s = report["sections"]
    for part, orders in s["orders"].items():
        for metric in (
            "total",
            "median_hours_to_acknowledge",
            "median_hours_to_give_effect",
            "not_yet_given_effect",
        ):
            add("orders", metric, orders[metric], part)
        for cell in orders["by_member_state_and_category"]:
            add("orders", "count", cell["count"], part, cell["category"], cell["member_state"])
    notices = s["notices"]
    for metric, value in notices.items():
        if metric != "by_category":
            add("notices", metric, value)
    for row in notices["by_category"]:
        for metric, value in row.items():
            if metric != "category":
                add("notices", metric, value, "by_category", row["category"])
    own = s["own_initiative"]
    add("own_initiative", "total", own["total"])
    add("own_initiative", "detected_automatically", own["detected_automatically"])
    for cell in own["by_category_detection_and_restriction"]:
        add(
            "own_initiative",
            "count",
            cell["count"],
            cell["restriction"],
            cell["category"],
            cell["detection"],
        )
    complaints = s["complaints"]
    for metric in ("total", "upheld", "reversed", "open", "median_hours_to_decide"):
        add("complaints", metric, complaints[metric])
    for kind, n in complaints["by_complainant"].items():
        add("complaints", "received", n, "by_complainant", dim=kind)
    for row in complaints["by_category"]:
        add("complaints", "received", row["received"], "by_category", row["category"])
        add("complaints", "reversed", row["reversed"], "by_category", row["category"])
    add("out_of_court_disputes", "recorded", str(s["out_of_court_disputes"]["recorded"]).lower())
    for metric, value in s["suspensions"].items():
        add("suspensions", metric, value)
    for row in s["automated_means"]["indicators"]:
        for metric, value in row.items():
            if metric != "automation":
                add("automated_means", metric, value, dim=row["automation"])
    recipients = s["active_recipients"]
    add("active_recipients", "average_monthly", recipients["average_monthly"])
    add(
        "active_recipients",
        "average_of_reported_months",
        recipients["average_of_reported_months"],
    )
    for month in recipients["months_missing"]:
        add("active_recipients", "missing", "true", dim=month)
    for row in recipients["months"]:
        add("active_recipients", "recipients", row["recipients"], dim=row["month"])
    return out


def to_csv(report: dict[str, Any]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in _rows(report):
        writer.writerow(row)
    return buffer.getvalue()


def bar_chart(bars: list[dict[str, Any]], *, width: int = 640) -> dict[str, Any]:
    """Horizontal bars laid out for the template: each bar ``{"label", "parts": [(name,
    value)]}``; stacked parts share one bar. Scales to the longest bar."""
    longest = max((sum(v for _, v in bar["parts"]) for bar in bars), default=0) or 1
    label_width, row_height, plot = 300, 26, width - 300 - 60
    rows = []
    for index, bar in enumerate(bars):
        x = label_width
        segments = []
        for name, value in bar["parts"]:
            length = plot * value / longest
            segments.append(
                {
                    "x": round(x, 1),
                    "width": round(length, 1),
                    "name": name,
                    "value": value,
                    "colour": BAR_COLOURS.get(name, "#3b6ea8"),
                }
            )
            x += length
        rows.append(
            {
                "y": index * row_height,
                "label": bar["label"],
                "segments": segments,
                "total": sum(v for _, v in bar["parts"]),
                "end": round(x, 1),
            }
        )
    return {"width": width, "height": max(1, len(rows)) * row_height + 4, "rows": rows}


def _label(code: str) -> str:
    for prefix in ("STATEMENT_CATEGORY_", "DECISION_VISIBILITY_CONTENT_", "DECISION_VISIBILITY_"):
        code = code.removeprefix(prefix)
    return code.replace("_", " ").capitalize()


def _charts(report: dict[str, Any]) -> dict[str, Any]:
    s = report["sections"]
    notices = bar_chart(
        [
            {"label": _label(r["category"]), "parts": [("received", r["received"])]}
            for r in s["notices"]["by_category"]
        ]
    )
    by_category: dict[str, dict[str, int]] = {}
    for cell in s["own_initiative"]["by_category_detection_and_restriction"]:
        counts = by_category.setdefault(cell["category"], {"automated": 0, "human": 0})
        counts[cell["detection"]] += cell["count"]
    own = bar_chart(
        [
            {"label": _label(cat), "parts": [("automated", c["automated"]), ("human", c["human"])]}
            for cat, c in sorted(by_category.items())
        ]
    )
    complaints = s["complaints"]
    outcomes = bar_chart(
        [
            {"label": name.capitalize(), "parts": [(name, complaints[name])]}
            for name in ("upheld", "reversed", "open")
        ]
    )
    recipients = bar_chart(
        [
            {"label": row["month"], "parts": [("recipients", row["recipients"])]}
            for row in s["active_recipients"]["months"]
        ]
    )
    return {"notices": notices, "own": own, "outcomes": outcomes, "recipients": recipients}


_ENVIRONMENT = Environment(
    loader=PackageLoader("haven.transparency", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
_ENVIRONMENT.filters["label"] = _label


def to_html(report: dict[str, Any]) -> str:
    return _ENVIRONMENT.get_template("report.html").render(
        r=report, s=report["sections"], charts=_charts(report)
    )


def write_report(report: dict[str, Any], folder: Path, stem: str) -> dict[str, Path]:
    """Write ``<stem>.json``, ``<stem>.csv`` and ``<stem>.html`` into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {kind: folder / f"{stem}.{kind}" for kind in ("json", "csv", "html")}
    paths["json"].write_text(to_json(report), encoding="utf-8")
    paths["csv"].write_text(to_csv(report), encoding="utf-8")
    paths["html"].write_text(to_html(report), encoding="utf-8")
    return paths
