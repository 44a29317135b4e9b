#!/usr/bin/env python3
"""The "must show" figures of the bundle and pricing policies (docs/policies.md) from a report of
scenarios/complements.json:

  bundlesim run scenarios/complements.json --out complements.sqlite
  python3 tests/policies/complements_report.py complements.sqlite [--last-days 7]

For every arm: revenue and margin per visitor over the whole run with 95% intervals, the difference
from the control arm (Welch interval and two-sided p-value: arms are independent in design "ab"),
and the same per-visitor figures over the last `--last-days` days (the end of the learning curve,
from the report's per-day `timeseries`), as a ratio to each oracle arm (policy `oracle`, or
`bundle_price_optimizer` with oracle: true) with a delta-method interval; and each learner's ratio to
its class oracle, the oracle arm whose choices are a superset of the learner's (class_oracle below).

Assumes every visitor has one session (the scenario's segments never return), so a day's
revenue_sumsq_delta is the sum of its new visitors' squared revenue.
"""

import argparse
import json
import math
import sqlite3
import sys

Z = 1.959963984540054


def normal_p(z):
    return math.erfc(abs(z) / math.sqrt(2))


def p_text(p):
    return "<1e-300" if p == 0 else f"{p:.1e}"


def window(conn, run, arm, first_day, column):
    """Mean per visitor and its standard error over days >= first_day."""
    rows = conn.execute(
        f"SELECT visitors, {column}, {column}_sumsq_delta FROM timeseries WHERE run_id = ? AND arm_index = ? AND day >= ?",
        (run, arm, first_day)).fetchall()
    n = sum(r[0] for r in rows)
    total = sum(r[1] for r in rows)
    if n < 2 or any(r[2] is None for r in rows):
        return float("nan"), float("nan"), n
    squares = sum(r[2] for r in rows)
    mean = total / n
    variance = max(squares / n - mean * mean, 0.0) * n / (n - 1)
    return mean, math.sqrt(variance / n), n


ORACLE_DEFAULTS = {"discounts": [0, 0.05, 0.1, 0.15], "max_items": 3, "max_bundles": 2, "discount_on": "bundle"}


def class_oracle(f, oracles):
    """The oracle arm restricted to the learner's own decision class (docs/policies.md, "Class
    oracles"), or None: for the kit learners, the kit oracle on the same kits; for the composers,
    the `oracle` whose discounts are the learner's own and whose bundles can hold the learner's."""
    p = f["params"]
    if f["policy"] in ("bandit_discount", "bundle_price_optimizer"):
        kits = sorted(sorted(b) for b in p.get("bundles", []))
        for o in oracles:
            if o["policy"] == "bundle_price_optimizer" and sorted(sorted(b) for b in o["params"].get("bundles", [])) == kits:
                return o
        return None
    if f["policy"] == "rl_bundler":
        discounts = p.get("discounts", [p.get("discount", 0.05)])
        size, bundles = p.get("max_items", 3), p.get("max_bundles", 2)
    elif f["policy"] in ("copurchase", "content", "matrix_factorization"):
        discounts = [p.get("discount", 0.1)]
        if f["policy"] == "copurchase":
            size = 2 if p.get("mode") == "catalogue" else 1 + p.get("complements", 1)
        elif f["policy"] == "content":
            size = 1 + p.get("add_ons", 2)
        else:
            size = 1 + p.get("complements", 2)
        bundles = p.get("max_bundles", 2)
    else:
        return None
    for o in oracles:
        q = {**ORACLE_DEFAULTS, **o["params"]}
        if (o["policy"] == "oracle" and sorted(q["discounts"]) == sorted(discounts) and q["max_items"] >= size
                and q["max_bundles"] == bundles and q["discount_on"] == p.get("discount_on", "bundle")):
            return o
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("report")
    parser.add_argument("--run", type=int, default=0, help="run id (default: the latest)")
    parser.add_argument("--last-days", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()

    conn = sqlite3.connect(args.report)
    run = args.run or conn.execute("SELECT MAX(id) FROM runs").fetchone()[0]
    horizon = conn.execute("SELECT horizon_days FROM runs WHERE id = ?", (run,)).fetchone()[0]
    days = math.ceil(horizon)
    first_day = max(0, days - args.last_days)
    arms = conn.execute("SELECT arm_index, name, policy, params_json, is_control FROM arms WHERE run_id = ? ORDER BY arm_index",
                        (run,)).fetchall()

    def metric(arm, name):
        value, low, high = conn.execute("SELECT value, ci_low, ci_high FROM metrics WHERE run_id = ? AND arm_index = ? AND metric = ?",
                                        (run, arm, name)).fetchone()
        return value, (high - low) / (2 * Z)

    figures = []
    for index, name, policy, params, is_control in arms:
        params = json.loads(params)
        is_oracle = policy == "oracle" or (policy == "bundle_price_optimizer" and params.get("oracle") is True)
        f = {"arm": name, "policy": policy, "params": params, "control": bool(is_control), "oracle": is_oracle}
        for key, column in (("revenue", "revenue"), ("margin", "margin")):
            f[key] = metric(index, f"{column}_per_visitor")
            f[key + "_end"] = window(conn, run, index, first_day, column)[:2]
        figures.append(f)

    control = next(f for f in figures if f["control"])
    oracles = [f for f in figures if f["oracle"]]
    for f in figures:
        for key in ("revenue", "margin"):
            (m, se), (mc, sec) = f[key], control[key]
            d, sd = m - mc, math.hypot(se, sec)
            f[key + "_vs_control"] = {"difference": d, "ci": [d - Z * sd, d + Z * sd], "p": normal_p(d / sd) if sd > 0 else float("nan")}
            for o in oracles:
                (a, sa), (b, sb) = f[key + "_end"], o[key + "_end"]
                r = a / b
                sr = r * math.hypot(sa / a, sb / b)
                f.setdefault(key + "_end_vs_oracle", {})[o["arm"]] = {"ratio": r, "ci": [r - Z * sr, r + Z * sr]}
        c = None if f["oracle"] or f["control"] else class_oracle(f, oracles)
        f["class_oracle"] = c["arm"] if c else None

    if args.json:
        json.dump({"run": run, "last_days": args.last_days, "arms": figures}, sys.stdout, indent=2)
        print()
        return

    money = lambda x: f"${x:,.2f}"
    print(f"run {run}: {days} days; \"end\" = days {first_day + 1}-{days}; 95% intervals; vs control: Welch, two-sided p")
    print(f"{'arm':22} {'revenue/visitor':>22} {'vs control':>30} {'p':>8} {'margin/visitor':>20} "
          f"{'end revenue':>20} {'end margin':>20}")
    for f in figures:
        rv, mv = f["revenue"], f["margin"]
        vc = f["revenue_vs_control"]
        er, em = f["revenue_end"], f["margin_end"]
        print(f"{f['arm']:22} {money(rv[0]):>11} ±{money(Z * rv[1]):>9} "
              f"{vc['difference']:+11,.2f} [{vc['ci'][0]:+8,.2f}, {vc['ci'][1]:+8,.2f}] {p_text(vc['p']):>8} "
              f"{money(mv[0]):>9} ±{money(Z * mv[1]):>8} {money(er[0]):>9} ±{money(Z * er[1]):>8} "
              f"{money(em[0]):>9} ±{money(Z * em[1]):>8}")
    for o in oracles:
        print(f"\nend of run (last {args.last_days} days) as a share of oracle \"{o['arm']}\" "
              f"(revenue {money(o['revenue_end'][0])}, margin {money(o['margin_end'][0])} per visitor):")
        for f in figures:
            if f is o:
                continue
            r, m = f["revenue_end_vs_oracle"][o["arm"]], f["margin_end_vs_oracle"][o["arm"]]
            print(f"  {f['arm']:22} revenue {r['ratio']:7.1%} [{r['ci'][0]:6.1%}, {r['ci'][1]:6.1%}]"
                  f"   margin {m['ratio']:7.1%} [{m['ci'][0]:6.1%}, {m['ci'][1]:6.1%}]")
    print(f"\neach learner against the oracle of its own decision class, end margin per visitor:")
    for f in figures:
        if f["oracle"] or f["control"]:
            continue
        if not f["class_oracle"]:
            print(f"  {f['arm']:22} no oracle arm of its class")
            continue
        m = f["margin_end_vs_oracle"][f["class_oracle"]]
        print(f"  {f['arm']:22} {m['ratio']:7.1%} [{m['ci'][0]:6.1%}, {m['ci'][1]:6.1%}] of \"{f['class_oracle']}\"")


if __name__ == "__main__":
    main()
