"""No template needs what the Content-Security-Policy refuses: an inline script, an
on* handler, a javascript: URL or an htmx feature that evaluates a string. Behaviour
lives in static files (shouwang/app.js and the apps' scripts)."""

from __future__ import annotations

import re
from pathlib import Path

import shouwang

# What the policy refuses to run, in a template's source: a <script> without src (a
# JSON data block is not run, and allowed), an on* handler attribute, a javascript:
# URL, and the htmx features that evaluate strings (hx-on, hx-vars, js: in hx-vals, a
# [filter] in hx-trigger; a from:selector[attr] is a CSS selector, not a filter).
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
JS_URL = re.compile(r"javascript:", re.I)
HTMX_EVAL = re.compile(r"\bhx-on\b|\bhx-vars\b|hx-vals=[\"']\s*js:", re.I)
TRIGGER = re.compile(r"hx-trigger=\"([^\"]*)\"", re.I)
TRIGGER_FILTER = re.compile(r"(?:^|[\s,])(?!from:)[\w.:-]*\[")


def template_files() -> list[Path]:
    root = Path(shouwang.__file__).parent
    return sorted(p for p in root.glob("**/templates/**/*.html"))


def offences(source: str) -> list[str]:
    found = [
        m.group(0) for p in (INLINE_SCRIPT, HANDLER, JS_URL, HTMX_EVAL) for m in p.finditer(source)
    ]
    found += [t.group(0) for t in TRIGGER.finditer(source) if TRIGGER_FILTER.search(t.group(1))]
    return found


def test_no_template_needs_an_inline_script() -> None:
    files = template_files()
    assert len(files) > 100
    bad = {str(p): found for p in files if (found := offences(p.read_text()))}
    assert not bad, bad


def test_the_template_check_finds_each_kind() -> None:
    for source in (
        "<script>alert(1)</script>",
        '<script type="module">x()</script>',
        '<img src="a.png" onerror="x()">',
        '<form\n  onsubmit="return confirm()">',
        '<a href="javascript:x()">',
        '<div hx-on:click="x()">',
        '<div hx-on::after-request="x()">',
        "<div hx-vals='js:{a: x()}'>",
        '<div hx-trigger="every 5s [ready()]">',
        "<input hx-trigger=\"keyup[key=='Enter']\">",
    ):
        assert offences(source), source
    for source in (
        '<script src="/static/a.js" defer></script>',
        '<script id="d" type="application/json">{"a": 1}</script>',
        '<form hx-trigger="change, input changed delay:400ms from:input[name=q]">',
        "<p>one=1 and online=yes</p>",
        '<div data-confirm="确定？">',
    ):
        assert not offences(source), source
