"""axe-core in the browser tests: a page must have no serious or critical violation.

The pinned axe-core comes from npm (``make install-dev`` puts it in ``.tools``); without it the
check is skipped with the reason, or fails when ``CI`` is set, like the other missing tools.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

AXE_JS = Path(__file__).resolve().parents[2] / ".tools/node_modules/axe-core/axe.min.js"
BLOCKING = ("serious", "critical")
#: Waits (at most 2 s) for the page's finite animations and transitions to end.
SETTLED = """async () => {
    const finite = document.getAnimations().filter(
        (a) => a.effect && a.effect.getTiming().iterations !== Infinity
    );
    const done = Promise.all(finite.map((a) => a.finished.catch(() => null)));
    await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 2000))]);
}"""


def axe_violations(page, *, impacts: tuple[str, ...] = BLOCKING) -> list[dict]:
    """The page's accessibility violations of the given impacts, as axe-core reports them."""
    if not AXE_JS.exists():
        message = f"axe-core is not installed ({AXE_JS}); run make install-dev"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the browser's debugging protocol: the app's CSP (rightly) refuses
        # an injected <script>, and the check must not weaken it.
        page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;undefined")
    # The page at rest: a toast fading in has, for a moment, the contrast of its half-opacity.
    page.evaluate(SETTLED)
    result = page.evaluate(
        "async () => await window.axe.run(document, {resultTypes: ['violations']})"
    )
    return [v for v in result["violations"] if v.get("impact") in impacts]


def assert_accessible(page, *, impacts: tuple[str, ...] = BLOCKING) -> None:
    """Fail with axe-core's own words for each serious or critical violation on the page."""
    found = axe_violations(page, impacts=impacts)
    assert not found, "\n".join(
        f"{v['impact']} {v['id']}: {v['help']} — "
        + json.dumps([n["target"] for n in v["nodes"][:5]], ensure_ascii=False)
        for v in found
    )
