"""What every page of the portal must pass, as each role sees it.

``audit`` runs on a page once it shows what its user came for:
- the visible text holds no raw field keys (snake_case words), ISO timestamps or bare UUIDs;
- axe-core (web/node_modules/axe-core, injected) finds no serious or critical violation;
- nothing broke the CSP, threw, or logged an error in the console;
- a screenshot at desktop and at phone size lands in .stack/screenshots/<name>-{desktop,phone}.png.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, BrowserContext, Page

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}

RAW_KEY = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
ISO_TIME = re.compile(r"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.I)

SETTLED = (
    "() => Promise.all(document.getAnimations()"
    ".filter((a) => a.effect?.getComputedTiming().iterations !== Infinity)"
    ".map((a) => a.finished.catch(() => null)))"
)
AXE_RUN = (
    "async () => JSON.stringify("
    "(await axe.run(document, {resultTypes: ['violations']})).violations)"
)
VISIBLE_TEXT = (
    "() => [document.body.innerText,"
    " [...document.querySelectorAll('code, pre')].map((e) => e.innerText).filter(Boolean)]"
)
# Collected in the page from its first script on: CSP violations and uncaught errors.
WATCH = """
window.__portalProblems = [];
document.addEventListener('securitypolicyviolation', (e) =>
  window.__portalProblems.push('CSP ' + e.violatedDirective + ' ' + e.blockedURI));
"""


@dataclass
class Watched:
    page: Page
    problems: list[str] = field(default_factory=list)


def raw_text_findings(text: str, code: Sequence[str] = ()) -> list[str]:
    """What a person should never have to read: keys, machine timestamps, UUIDs. E-mail
    addresses are people's words (test accounts are named like ``college_staff-…@…``), and
    a field name set as code (``code``: the text of ``<code>``/``<pre>`` elements, e.g. the
    event catalogue's ``account_id``) is shown as code on purpose: neither is a raw key."""
    as_code = Counter(RAW_KEY.findall(" ".join(code)))
    found = []
    for key in RAW_KEY.findall(EMAIL.sub(" ", text)):
        if as_code[key] > 0:
            as_code[key] -= 1
        else:
            found.append(f"raw key {key}")
    found += [f"ISO time {m}" for m in ISO_TIME.findall(text)]
    found += [f"UUID {m}" for m in UUID.findall(text)]
    return found


async def open_page(browser: Browser, *, phone: bool = False, **context_args: Any) -> Watched:
    """A new page in its own context (own sessionStorage), watched for errors and CSP."""
    context: BrowserContext = await browser.new_context(
        viewport=PHONE if phone else DESKTOP, locale="zh-CN", **context_args
    )
    await context.add_init_script(WATCH)
    page = await context.new_page()
    watched = Watched(page)
    page.on("pageerror", lambda e: watched.problems.append(f"page error {e}"))
    page.on(
        "console",
        lambda m: (
            watched.problems.append(f"console {m.text}")
            if m.type == "error" and "status of 4" not in m.text
            else None
        ),
    )
    return watched


async def sign_in(page: Page, base: str, email: str, password: str) -> None:
    """Log in through the login page, as a person would; lands on the role's home."""
    await page.goto(f"{base}/login")
    await page.get_by_label("电子邮箱（用户名）").fill(email)
    await page.get_by_label("密码", exact=True).fill(password)
    await page.get_by_role("button", name="登录", exact=True).click()
    await page.wait_for_url(lambda url: "/login" not in url)


async def audit(watched: Watched, name: str, shots: Path) -> None:
    page = watched.page
    await page.wait_for_load_state("networkidle")
    # a dialog or drawer fading in is half transparent: axe would measure its contrast mid-way
    await page.evaluate(SETTLED)
    text, code = await page.evaluate(VISIBLE_TEXT)
    assert not raw_text_findings(text, code), f"{name}: {raw_text_findings(text, code)}"

    # evaluated through the DevTools protocol: a <script> tag would be (rightly) refused by the
    # gateway's CSP (script-src 'self', no inline scripts)
    await page.evaluate(AXE.read_text())
    result = await page.evaluate(AXE_RUN)
    violations = [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in json.loads(result)
        if v["impact"] in ("serious", "critical")
    ]
    assert not violations, f"{name}: axe {violations}"

    watched.problems += await page.evaluate("window.__portalProblems || []")
    assert not watched.problems, f"{name}: {watched.problems}"

    await asyncio.to_thread(shots.mkdir, parents=True, exist_ok=True)
    size = page.viewport_size or DESKTOP
    for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        await page.set_viewport_size(viewport)
        await page.wait_for_timeout(150)  # a relayout frame, not a wait for the server
        await page.screenshot(path=str(shots / f"{name}-{label}.png"), full_page=True)
    await page.set_viewport_size(size)
