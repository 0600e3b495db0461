"""What a saved page's own style sheets hide from its reader.

A breadcrumb or a widget that the page's `<style>` sets to `display:none` is
not part of what its reader saw (a browser's innerText leaves it out), so
the HTML importer leaves it out too. Selectors are matched by cssselect, the
selector library lxml itself uses; the cascade is decided as a browser
decides it. A saved page holds no linked style sheets, so only its own
`<style>` elements and `style` attributes are read.
"""

from __future__ import annotations

import re

import cssselect
import lxml.html

_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_RULE = re.compile(r"([^{}@;]+)\{([^{}]*)\}")
_DISPLAY = re.compile(r"(?:^|;)\s*display\s*:\s*([a-z-]+)\s*(!\s*important)?", re.IGNORECASE)
_SCREEN = re.compile(r"^\s*(?:screen|all)?\s*$", re.IGNORECASE)
_INLINE = (1, 0, 0, 0)  # a `style` attribute outweighs any selector
_ATTRIBUTE = (-1, 0, 0, 0)  # `hidden` gives way to any rule


def hidden_elements(root: lxml.html.HtmlElement) -> set[lxml.html.HtmlElement]:
    """The elements a browser does not show: `display` decided as the cascade
    decides it (important first, then the inline style, then the most specific
    selector, then the last rule), the `hidden` attribute counting below any
    rule. Selectors a page could only match while used (`:hover`) are not read."""
    best: dict[lxml.html.HtmlElement, tuple[tuple, str]] = {}

    def offer(element: lxml.html.HtmlElement, key: tuple, value: str) -> None:
        if element not in best or key >= best[element][0]:
            best[element] = (key, value)

    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.get("hidden") is not None:
            offer(element, (False, _ATTRIBUTE, -1), "none")
        inline = _DISPLAY.findall(";" + (element.get("style") or ""))
        if inline:
            value, important = inline[-1]
            offer(element, (bool(important), _INLINE, 0), value.lower())
    translator = cssselect.HTMLTranslator()
    for order, (text, value, important) in enumerate(style_rules(root)):
        try:
            (selector,) = cssselect.parse(text)
            matched = root.xpath(translator.selector_to_xpath(selector))
        except (cssselect.SelectorError, ValueError, lxml.etree.XPathError):
            continue
        for element in matched:
            offer(element, (important, (0, *selector.specificity()), order), value)
    return {element for element, (_, value) in best.items() if value == "none"}


def style_rules(root: lxml.html.HtmlElement) -> list[tuple[str, str, bool]]:
    """(selector, display, important) of every rule that sets `display` in the
    page's screen style sheets, in order. Rules inside at-rules (`@media`,
    `@supports`) are left out: their conditions are not read."""
    rules = []
    for style in root.iter("style"):
        if style.text and _SCREEN.match(style.get("media") or ""):
            for selectors, declarations in _RULE.findall(_top_level(style.text)):
                display = _DISPLAY.findall(declarations)
                if display:
                    value, important = display[-1]
                    rules += [
                        (s.strip(), value.lower(), bool(important))
                        for s in selectors.split(",")
                        if s.strip()
                    ]
    return rules


def _top_level(sheet: str) -> str:
    """The sheet without comments and without its at-rules and their blocks."""
    kept, depth, skipping = [], 0, False
    for char in _COMMENT.sub("", sheet):
        if char == "@" and depth == 0:
            skipping = True
        if char == ";" and depth == 0 and skipping:
            skipping = False
            continue
        if char == "{":
            depth += 1
        if not skipping:
            kept.append(char)
        if char == "}":
            depth = max(0, depth - 1)
            if depth == 0 and skipping:
                skipping = False
    return "".join(kept)
