"""Value of information of a signpost: how much knowing it lowers the expected regret.

Options (strategies or pathways) are scored in every future; regret is the distance from the
best option in that future. Without information the decision maker picks the option with the
least mean regret over all futures. A signpost splits the futures into the groups it can tell
apart (it fired, or not); knowing which group the world is in, the decision maker picks the best
option of that group. The value of the signpost is the fall in expected regret (the expected
value of sample information of decision analysis, Raiffa and Schlaifer 1961, with futures
weighted equally):

    VOI = mean_f regret(chosen, f) - sum_g w_g mean_{f in g} regret(chosen_g, f)

It is never negative; it is 0 when every group would choose what is chosen without the signpost
(a signpost on an input that does not sway the choice), and at most the expected value of
perfect information, ``mean_f regret(chosen, f)``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

__all__ = ["regret_matrix", "value_of_information", "voi_table"]


def regret_matrix(scores: np.ndarray, direction: str = "maximize") -> np.ndarray:
    """Regret of each option (rows) in each future (columns) from ``scores`` of the same shape."""
    scores = np.asarray(scores, dtype=np.float64)
    if direction == "maximize":
        return scores.max(axis=0, keepdims=True) - scores
    return scores - scores.min(axis=0, keepdims=True)


def value_of_information(regret: np.ndarray, groups: np.ndarray) -> float:
    """The fall in expected regret from knowing the group of each future.

    Parameters
    ----------
    regret : ndarray, (options, futures)
    groups : ndarray, (futures,)
        A label per future (e.g. a boolean mask: the signpost fired or not).
    """
    regret = np.asarray(regret, dtype=np.float64)
    groups = np.asarray(groups)
    chosen = int(np.argmin(regret.mean(axis=1)))
    n = regret.shape[1]
    value = 0.0
    for g in np.unique(groups):
        inside = groups == g
        means = regret[:, inside].mean(axis=1)
        better = int(np.argmin(means))
        # Summed group by group, so that a group keeping the same choice adds exactly 0.
        if better != chosen:
            value += inside.sum() / n * float(means[chosen] - means[better])
    return max(0.0, value)

def voi_table(regret: np.ndarray, signposts: Mapping[str, np.ndarray]) -> list[dict]:
    """VOI of each signpost (name to group labels), largest first, with the share it fires."""
    rows = []
    for name, groups in signposts.items():
        groups = np.asarray(groups)
        share = float(np.mean(groups.astype(bool))) if groups.dtype == bool else float("nan")
        rows.append({"signpost": name, "voi": value_of_information(regret, groups), "share_fired": share})
    evpi = float(np.asarray(regret).mean(axis=1).min())
    for row in rows:
        row["share_of_perfect_information"] = row["voi"] / evpi if evpi > 0 else 0.0
    return sorted(rows, key=lambda r: (-r["voi"], r["signpost"]))
