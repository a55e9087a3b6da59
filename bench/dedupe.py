"""Benchmark: precision and recall of the near-duplicate check on the labelled set.

    python bench/dedupe.py [--threshold 0.6]

Reads tests/scraper/fixtures/dedupe (releases and labelled pairs), prints the score of every
pair, then precision and recall for a range of thresholds and for the one in
plugins/press_scraper/dedupe.py (THRESHOLD). "Found" means what the scraper does: the pair is a
candidate of the LSH index (shares a band) and `same_release` accepts it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "plugins"), str(ROOT / "tests" / "scraper")]

from dedupe_fixture import pairs, signed  # noqa: E402

from press_scraper import dedupe  # noqa: E402


def scored(guards: bool = True) -> list[tuple[str, bool, float, bool]]:
    """(label, same, containment, LSH candidate) for every pair; without `guards`, the text
    similarity alone (no date window, edition, issuer, headline or length checks)."""
    out = []
    for a, b, same in pairs():
        sa, da = signed(*a)
        sb, db = signed(*b)
        index = dedupe.DedupeIndex(None)
        index.add("a", sa, "")
        candidate = bool(index.candidates(sb))
        if guards:
            score = dedupe.same_release(sa, sb, da, db, threshold=0.0)
        else:
            score = dedupe.containment(sa, sb)
        out.append((f"{a[0]}{a[1]} ~ {b[0]}{b[1]}", same, score, candidate))
    return out


def measure(rows, threshold: float) -> tuple[float, float, int, int, int]:
    tp = sum(1 for _, same, s, c in rows if same and c and s >= threshold)
    fp = sum(1 for _, same, s, c in rows if not same and c and s >= threshold)
    fn = sum(1 for _, same, s, c in rows if same and not (c and s >= threshold))
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall, tp, fp, fn


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    for guards in (False, True):
        rows = scored(guards)
        print("\n" + ("the whole check (same_release)" if guards else
                      "text similarity alone (containment, no guards)"))
        report(rows, args.verbose)
    p, r, *_ = measure(scored(True), dedupe.THRESHOLD)
    return 0 if p == 1.0 and r == 1.0 else 1


def report(rows, verbose: bool) -> None:
    if verbose:
        for label, same, s, c in sorted(rows, key=lambda r: r[2]):
            print(f"{'same' if same else 'diff'} {s:.3f} {'lsh' if c else '---'} {label}")
    n_same = sum(1 for r in rows if r[1])
    print(f"{len(rows)} pairs: {n_same} same release, {len(rows) - n_same} different")
    top_diff = max((s for _, same, s, _ in rows if not same), default=0)
    low_same = min((s for _, same, s, _ in rows if same), default=0)
    print(f"highest score of a different pair {top_diff:.3f}; lowest of a same pair {low_same:.3f}")
    print("threshold  precision  recall  (tp fp fn)")
    for t in sorted({0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, dedupe.THRESHOLD}):
        p, r, tp, fp, fn = measure(rows, t)
        mark = "  <- dedupe.THRESHOLD" if t == dedupe.THRESHOLD else ""
        print(f"{t:9.2f}  {p:9.3f}  {r:6.3f}  ({tp} {fp} {fn}){mark}")


if __name__ == "__main__":
    sys.exit(main())
