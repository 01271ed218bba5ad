"""Score Mankowska plans with the validator the 2026 best-known values come from.

    python bench/rounds/validate_uniud.py --hhcrsp DIR PLAN.json [PLAN.json ...]

DIR is a checkout of https://github.com/iolab-uniud/hhcrsp (MIT licence), the repository
published with Ceschia, Di Gaspero, Rosati & Schaerf (ITOR 33(1):38-67, 2026): its
`validator/` (their `validate_solution`) and its `instances/mankowska/*.json` (their
conversion of the instances). Each plan, in the benchmark's exchange JSON (`run.py`
writes one per instance and seed), is turned into their solution format (caregiver ids
`c1..`, patients `p<node>`, services `s<service + 1>`, arrival and departure times, the
duration taken from their instance file) and scored by their code alone, on their instance
file. Prints their total cost beside the objective the plan states, and any assertion
their validator raises; exits 1 if a plan is refused or scores differently (beyond 0.01).

Their validator needs numpy, scipy, pandas, pyparsing and click (all in the project's
environment). Nothing of caremarket is imported: this is a third reading of the model,
written by the authors of the values the benchmark compares with.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
from pathlib import Path
from typing import Any

TOLERANCE = 0.01


def their_solution(instance: dict[str, Any], plan: dict[str, Any]) -> str:
    """The plan in the hhcrsp solution format, as JSON text."""
    duration = {
        (p["id"], need["service"]): float(need["duration"])
        for p in instance["patients"]
        for need in p["required_caregivers"]
    }
    routes = []
    for route in plan["routes"]:
        steps = []
        for visit in route["visits"]:
            patient, service = f"p{visit['node']}", f"s{int(visit['service']) + 1}"
            start = float(visit["start"])
            steps.append(
                {
                    "patient": patient,
                    "service": service,
                    "arrival_time": start,
                    "departure_time": start + duration[(patient, service)],
                }
            )
        routes.append({"caregiver_id": instance["caregivers"][route["carer"]]["id"],
                       "locations": steps})  # fmt: skip
    return json.dumps({"routes": routes})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hhcrsp", type=Path, required=True, help="checkout of iolab-uniud/hhcrsp")
    parser.add_argument("plans", type=Path, nargs="+")
    args = parser.parse_args()
    validator = args.hhcrsp / "validator"
    if not (validator / "solution.py").exists():
        print(f"{validator}/solution.py not found: give --hhcrsp a checkout of "
              "https://github.com/iolab-uniud/hhcrsp", file=sys.stderr)  # fmt: skip
        return 2
    sys.path.insert(0, str(validator))
    from instance import Instance  # type: ignore[import-not-found]
    from solution import Solution, validate_solution  # type: ignore[import-not-found]

    bad = 0
    print(f"{'plan':<44} {'stated':>10} {'theirs':>10}  verdict")
    for path in args.plans:
        plan = json.loads(path.read_text())
        source = args.hhcrsp / "instances" / "mankowska" / f"{Path(plan['instance']).stem}.json"
        text = source.read_text()
        instance = Instance(text)
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                cost = validate_solution(
                    instance, Solution(their_solution(json.loads(text), plan), instance), False
                )
        except AssertionError as refused:
            bad += 1
            print(f"{path.name:<44} {plan['objective']:10.3f} {'-':>10}  REFUSED: {refused}")
            continue
        theirs = float(cost["total_cost"])
        same = abs(theirs - float(plan["objective"])) <= TOLERANCE
        bad += not same
        verdict = "ok" if same else "DIFFERENT objective"
        print(f"{path.name:<44} {plan['objective']:10.3f} {theirs:10.3f}  {verdict}")
    print(f"{len(args.plans) - bad} of {len(args.plans)} plans accepted with the same objective")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
