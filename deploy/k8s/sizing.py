"""The sizing arithmetic of docs/operations.md, from the numbers the manifests use.

python deploy/k8s/sizing.py           # print the table
python deploy/k8s/sizing.py --check   # exit 1 when docs/operations.md disagrees
"""

from __future__ import annotations

import argparse
import math
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
DOC = HERE.parents[1] / "docs" / "operations.md"
BEGIN, END = "<!-- sizing:begin -->", "<!-- sizing:end -->"


def table() -> str:
    cfg = tomllib.loads((HERE / "sizing.toml").read_text())
    load, cap, kafka, svc = cfg["load"], cfg["capacity"], cfg["kafka"], cfg["services"]
    seconds = load["window_days"] * 86400
    confirmations = load["graduates"] * load["photos_per_graduate"]
    avg = confirmations / seconds
    peak = avg * load["peak_factor"]
    logins_peak = load["graduates"] / seconds * load["peak_factor"]
    reads_peak = peak * load["requests_per_confirmation"]
    photos_pods = math.ceil(peak * load["headroom"] / cap["photos_confirmations_per_s"])
    identity_pods = math.ceil(logins_peak * load["headroom"] / cap["identity_logins_per_s"])
    records_pods = math.ceil(reads_peak * 0.2 * load["headroom"] / cap["records_reads_per_s"])
    rows = [
        (
            "confirmations in the window",
            f"{load['graduates']:,} × {load['photos_per_graduate']}",
            f"{confirmations:,}",
        ),
        (
            "average confirmations/s",
            f"{confirmations:,} / ({load['window_days']} × 86,400 s)",
            f"{avg:.1f}",
        ),
        ("peak confirmations/s", f"{avg:.1f} × {load['peak_factor']}", f"{peak:.0f}"),
        (
            "peak logins/s (one per graduate per day of activity)",
            f"{load['graduates']:,} / {seconds:,} × {load['peak_factor']}",
            f"{logins_peak:.0f}",
        ),
        (
            "peak API requests/s",
            f"{peak:.0f} × {load['requests_per_confirmation']}",
            f"{reads_peak:.0f}",
        ),
        (
            "photos pods at peak",
            f"⌈{peak:.0f} × {load['headroom']} / {cap['photos_confirmations_per_s']}⌉ (max {svc['photos']['max']})",
            str(photos_pods),
        ),
        (
            "identity pods at peak",
            f"⌈{logins_peak:.0f} × {load['headroom']} / {cap['identity_logins_per_s']}⌉ (max {svc['identity']['max']})",
            str(identity_pods),
        ),
        (
            "records pods at peak",
            f"⌈{reads_peak:.0f} × 0.2 × {load['headroom']} / {cap['records_reads_per_s']}⌉ (max {svc['records']['max']})",
            str(records_pods),
        ),
        (
            "Kafka partitions per topic",
            f"≥ the busiest consumer group's pods (photos, HPA max {svc['photos']['max']}); {kafka['brokers']} brokers, RF {kafka['replication']}",
            str(kafka["partitions"]),
        ),
        ("events/s at peak (confirm + notification)", f"{peak:.0f} × 2", f"{peak * 2:.0f}"),
    ]
    if kafka["partitions"] < svc["photos"]["max"]:
        raise SystemExit("sizing.toml: fewer partitions than photos consumer pods")
    lines = ["| quantity | arithmetic | value |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    expected = table()
    if not args.check:
        print(expected)
        return 0
    text = DOC.read_text()
    current = text.split(BEGIN, 1)[1].split(END, 1)[0].strip() if BEGIN in text else ""
    if current != expected:
        print(
            "docs/operations.md sizing table disagrees with deploy/k8s/sizing.toml", file=sys.stderr
        )
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
