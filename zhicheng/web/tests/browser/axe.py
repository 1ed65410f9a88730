"""axe-core (vendored, MPL-2.0: vendor/axe.min.js) run inside the page under test; never served by the app.

The source is evaluated through the browser's debugging protocol, which the page's Content-Security-Policy does
not govern, so the page is audited with its real policy in force.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from playwright.sync_api import Page

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
SERIOUS = ("serious", "critical")


@cache
def _source() -> str:
    return AXE.read_text(encoding="utf-8")


def axe_violations(page: Page, *, impacts: tuple[str, ...] = SERIOUS) -> list[dict]:
    """The WCAG 2.x A/AA violations of the current page at the given impacts: rule id, impact, help and targets."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_source() + "\n;undefined")
    result = page.evaluate(
        """async () => {
            const r = await window.axe.run(document, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                           targets: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
        }"""
    )
    return [v for v in result if v["impact"] in impacts]


def assert_no_serious_violations(page: Page, where: str = "") -> None:
    found = axe_violations(page)
    assert found == [], f"axe: serious or critical violations on {where or page.url}: {found}"
