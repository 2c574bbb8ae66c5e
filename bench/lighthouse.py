"""Lighthouse (mobile) on the pages people open first, signed in, and the bytes of each page's
first state frame.

    make run                                   # in another terminal (http://localhost:3000)
    .venv/bin/python -m bench.lighthouse       # or --base-url URL, --runs N, --pages a,b

Lighthouse 12 (pinned, installed from npm into .tools on first use) runs with its mobile
defaults (a 412 px phone, simulated slow 4G and a 4x slower CPU), cold cache, against
Chromium, with the session cookie of the page's person (signed in through the real sign-in
form). Each page runs ``--runs`` times (3); the median run's scores are printed with the
performance metrics, their values and their weights in the score, and the JavaScript the page
loaded. Then each page is opened once at the protocol level and the size of its first state
frames (the page's data as the server sends it) is printed. No figure is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.support.protocol import Tab, sign_in_cookie

ROOT = Path(__file__).resolve().parents[1]
TOOLS = ROOT / ".tools"
LIGHTHOUSE = "lighthouse@12.8.2"
LIGHTHOUSE_BIN = TOOLS / "node_modules" / ".bin" / "lighthouse"

#: page -> (path, who is signed in; None: nobody)
PAGES = {
    "sign-in": ("/login", None),
    "parent": ("/parent", "parent@demo.school"),
    "learner": ("/learner", "learner@demo.school"),
    "mentor": ("/mentor", "mentor@demo.school"),
}
METRICS = (
    "first-contentful-paint",
    "largest-contentful-paint",
    "total-blocking-time",
    "cumulative-layout-shift",
    "speed-index",
)


def _lighthouse() -> str:
    if not LIGHTHOUSE_BIN.exists():
        subprocess.run(
            [
                "npm",
                "install",
                "--silent",
                "--no-fund",
                "--no-audit",
                "--prefix",
                str(TOOLS),
                LIGHTHOUSE,
            ],
            check=True,
        )
    return str(LIGHTHOUSE_BIN)


def _chromium() -> str:
    found = (
        shutil.which("chromium")
        or shutil.which("chromium-browser")
        or shutil.which("google-chrome")
    )
    if not found:
        sys.exit("Chromium is needed (apt-get install chromium)")
    return found


def run_once(url: str, cookie: str) -> dict:
    with tempfile.TemporaryDirectory() as out:
        report = Path(out) / "report.json"
        command = [
            _lighthouse(),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={report}",
            "--only-categories=performance,accessibility",
            f"--chrome-path={_chromium()}",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        ]
        if cookie:
            command.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
        subprocess.run(command, check=True, env={**os.environ, "CHROME_PATH": _chromium()})
        return json.loads(report.read_text())


def summarise(lhr: dict) -> dict:
    categories = lhr["categories"]
    weights = {ref["id"]: ref["weight"] for ref in categories["performance"]["auditRefs"]}
    audits = lhr["audits"]
    scripts = [
        item
        for item in audits.get("network-requests", {}).get("details", {}).get("items", [])
        if item.get("resourceType") == "Script"
    ]
    return {
        "performance": round(100 * (categories["performance"]["score"] or 0)),
        "accessibility": round(100 * (categories["accessibility"]["score"] or 0)),
        "metrics": {
            m: (audits[m].get("displayValue", ""), weights.get(m, 0))
            for m in METRICS
            if m in audits
        },
        "scripts": len(scripts),
        "script_kib": round(sum(i.get("transferSize", 0) for i in scripts) / 1024),
        "script_raw_kib": round(sum(i.get("resourceSize", 0) for i in scripts) / 1024),
        "final_url": lhr.get("finalDisplayedUrl", lhr.get("finalUrl", "")),
    }


async def first_frame_bytes(base_url: str, path: str, cookie: str) -> int:
    """Bytes of the state frames a page receives in its first two seconds (its data)."""
    tab = await Tab(base_url, path, cookie=cookie).open()
    try:
        await asyncio.sleep(2.0)
        return sum(len(json.dumps(frame, ensure_ascii=False).encode()) for frame in tab.frames)
    finally:
        await tab.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default="http://localhost:3000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pages", default=",".join(PAGES), help="of: " + ", ".join(PAGES))
    args = parser.parse_args()
    base = args.base_url.rstrip("/")
    print(f"Lighthouse {LIGHTHOUSE.split('@')[1]} (mobile, cold cache), median of {args.runs} runs")
    print(
        "| page | performance | accessibility | FCP | LCP | TBT | CLS | SI | JS files | JS KiB (raw) | first frames |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    weights = {}
    for name in args.pages.split(","):
        path, who = PAGES[name]
        cookie = sign_in_cookie(base, who) if who else ""
        runs = [summarise(run_once(base + path, cookie)) for _ in range(args.runs)]
        by_score = sorted(runs, key=lambda r: r["performance"])
        median = by_score[len(by_score) // 2]
        weights = {m: w for m, (_, w) in median["metrics"].items()}
        frames = asyncio.run(first_frame_bytes(base, path, cookie)) if who else 0
        values = [median["metrics"].get(m, ("—", 0))[0] for m in METRICS]
        spread = statistics.pstdev(r["performance"] for r in runs) if len(runs) > 1 else 0
        print(
            f"| {name} | {median['performance']} (± {spread:.0f}) | {median['accessibility']} | "
            + " | ".join(values)
            + f" | {median['scripts']} | {median['script_kib']} ({median['script_raw_kib']}) | "
            + (f"{frames / 1024:.1f} KiB" if who else "—")
            + " |"
        )
    print("Weights in the performance score: " + ", ".join(f"{m} {w}%" for m, w in weights.items()))


if __name__ == "__main__":
    main()
