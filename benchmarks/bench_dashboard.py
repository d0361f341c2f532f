"""Benchmark: moving between dashboard pages after the first load of a large org (issue 6).

Target: every page change under 2 s once the org is loaded (100,000 people by default).

1. setup (timed, not part of the target): ``generate_org(N)`` and ``api.audit`` with the
   null model off, as the Upload page would run it once;
2. measured: the audit result is put into an AppTest session exactly as the Upload page
   leaves it, then every page is opened twice (first visit fills the session's memos:
   org-chart HTML, power-map layout or unit aggregation; the second is a plain page
   change). AppTest times the server-side script run, which is what a page change costs
   before the browser draws.

    .venv/bin/python benchmarks/bench_dashboard.py                   # 100,000 people
    .venv/bin/python benchmarks/bench_dashboard.py --people 20000
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "orgpower" / "dashboard" / "app.py"
PAGES = ("overview", "org", "power_map", "decisions", "resources", "representation", "compare", "report")
TARGET_SECONDS = 2.0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--archetype", default="mixed")
    args = parser.parse_args(argv)

    from streamlit.testing.v1 import AppTest

    from orgpower import api
    from orgpower.dashboard.state import LoadedOrg
    from orgpower.report.config import AuditConfig

    started = time.perf_counter()
    model = api.generate_org(args.people, args.archetype, seed=0)
    result = api.audit(model, config=AuditConfig(null_samples=0))
    setup = time.perf_counter() - started
    print(f"setup: generate + audit of {args.people:,} people in {setup:.1f} s", flush=True)

    at = AppTest.from_file(str(APP), default_timeout=600)
    at.session_state["orgpower_org"] = LoadedOrg(
        label=f"synthetic {args.people}", origin="sample", input_hash=f"bench-{args.people}",
        model=model, result=result, seconds=setup,
    )
    at.run()
    worst = 0.0
    for visit in ("first", "again"):
        for page in PAGES:
            at.switch_page(f"pages/{page}.py")
            t = time.perf_counter()
            at.run()
            seconds = time.perf_counter() - t
            failed = [e.value for e in at.exception]
            print(f"{visit:>6} {page:<15} {seconds:6.2f} s" + (f"  EXCEPTION {failed[0][:200]}" if failed else ""), flush=True)
            if visit == "again":
                worst = max(worst, seconds)
            if failed:
                return 1
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"page changes after the first visit: worst {worst:.2f} s (target {TARGET_SECONDS} s); peak memory {peak_mib:,.0f} MiB")
    return 0 if worst < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
