#!/usr/bin/env python3
"""Independent known answers for tests/reports/ope_obd_test.cpp.

IPW and SNIPW of two evaluation policies on the Open Bandit Dataset sample's uniform-random logs
(random/men/men.csv), computed straight from the CSV with the csv module, without the C++ code:
  w_i = pi(a_i | x_i) / propensity_score_i
  IPW = (1/n) sum_i w_i click_i            SNIPW = sum_i w_i click_i / sum_i w_i
Policies: uniform over the 34 items (pi = 1/34), and fixed item 0 (pi = 1 if item_id == 0 else 0);
and, beyond what the issue asks, softmax of the user-item affinities at temperature 0.5 on the same
logs and fixed item 0 on the Thompson-sampling logs (bts/men/men.csv, unequal propensities).
Run: python3 tests/reports/obd_known_answers.py [/work/shared/data/open-bandit-dataset]
"""
import csv
import math
import sys

root = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data/open-bandit-dataset"


def read(policy):
    with open(f"{root}/{policy}/men/men.csv", newline="") as f:
        return list(csv.DictReader(f))


rows = read("random")
with open(f"{root}/random/men/item_context.csv", newline="") as f:
    items = len(list(csv.DictReader(f)))


def softmax_probability(r, temperature=0.5):
    scores = [float(r[f"user-item_affinity_{k}"]) / temperature for k in range(items)]
    top = max(scores)
    z = [math.exp(s - top) for s in scores]
    return z[int(r["item_id"])] / sum(z)


def ipw_snipw(pi, rows=rows):
    weights = [pi(r) / float(r["propensity_score"]) for r in rows]
    clicks = [int(r["click"]) for r in rows]
    weighted = sum(w * c for w, c in zip(weights, clicks))
    return weighted / len(rows), weighted / sum(weights), sum(weights)


print(f"rounds {len(rows)}, items {items}, clicks {sum(int(r['click']) for r in rows)}")
fixed0 = lambda r: 1.0 if int(r["item_id"]) == 0 else 0.0
for name, pi, data in [("random: uniform", lambda r: 1.0 / items, rows), ("random: fixed item 0", fixed0, rows),
                       ("random: softmax T=0.5", softmax_probability, rows), ("bts: fixed item 0", fixed0, read("bts"))]:
    ipw, snipw, total = ipw_snipw(pi, data)
    print(f"{name}: IPW {ipw!r}  SNIPW {snipw!r}  sum of weights {total!r}")
