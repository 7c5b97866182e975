"""Form accessibility read from a page's HTML: every <label> names one control (by a
``for`` matching a control's id, or by wrapping it), every visible control has a name
a screen reader can say (a label, or aria-label), and a group of radio buttons or
checkboxes sharing a name sits in a <fieldset> with a <legend>."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser

CONTROLS = {"input", "select", "textarea"}
UNLABELLED_INPUTS = {"hidden", "submit", "button", "reset", "image"}


@dataclass
class _Label:
    for_id: str | None
    wrapped: list[str] = field(default_factory=list)  # ids (or "") of controls inside
    text: str = ""


@dataclass
class _Control:
    tag: str
    type: str
    name: str
    id: str
    aria: bool
    wrapped: bool
    fieldsets: list[int]  # the open fieldsets around it, innermost last


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.labels: list[_Label] = []
        self.controls: list[_Control] = []
        self.open_label: _Label | None = None
        self.fieldsets: list[int] = []
        self.legends: set[int] = set()
        self.count = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "label":
            self.open_label = _Label(for_id=a.get("for"))
            self.labels.append(self.open_label)
        elif tag == "fieldset":
            self.count += 1
            self.fieldsets.append(self.count)
        elif tag == "legend" and self.fieldsets:
            self.legends.add(self.fieldsets[-1])
        elif tag in CONTROLS:
            kind = a.get("type", "text") if tag == "input" else tag
            if kind in UNLABELLED_INPUTS:
                return
            control = _Control(
                tag=tag,
                type=kind,
                name=a.get("name", ""),
                id=a.get("id", ""),
                aria=bool(a.get("aria-label") or a.get("aria-labelledby")),
                wrapped=self.open_label is not None,
                fieldsets=list(self.fieldsets),
            )
            self.controls.append(control)
            if self.open_label is not None:
                self.open_label.wrapped.append(control.id)

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.open_label = None
        elif tag == "fieldset" and self.fieldsets:
            self.fieldsets.pop()

    def handle_data(self, data: str) -> None:
        if self.open_label is not None:
            self.open_label.text += data.strip()


def label_problems(html: str) -> list[str]:
    """What is wrong with the page's labels and groups, in words; [] when nothing."""
    parser = _Parser()
    parser.feed(html)
    ids = {c.id for c in parser.controls if c.id}
    problems = []
    for label in parser.labels:
        if label.for_id:
            if label.for_id not in ids:
                problems.append(f"<label for={label.for_id}>{label.text}: no control has that id")
        elif not label.wrapped:
            problems.append(f"<label>{label.text}</label>: neither for= nor a control inside")
    named = {label.for_id for label in parser.labels if label.for_id}
    for c in parser.controls:
        if not (c.wrapped or c.aria or (c.id and c.id in named)):
            problems.append(f"<{c.tag} name={c.name} id={c.id}>: no label")
    groups = Counter(c.name for c in parser.controls if c.type in ("radio", "checkbox"))
    for c in parser.controls:
        grouped = c.type in ("radio", "checkbox") and groups[c.name] > 1
        if grouped and (not c.fieldsets or c.fieldsets[-1] not in parser.legends):
            problems.append(f"{c.type} group {c.name}: not in a fieldset with a legend")
    return sorted(set(problems))
