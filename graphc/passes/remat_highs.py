"""The optimal planner's solver: a mixed-integer program handed to HiGHS, with a starting schedule when it can take one.

    result = solve_milp(problem, time_limit=10.0, start=x0)   # x0: a feasible 0/1 vector, or None
    result.x, result.optimal, result.infeasible, result.gap, result.started

HiGHS is reached two ways.  `highspy`, HiGHS's own binding (the `remat` extra), takes a
starting solution (`Highs.setSolution`): given the greedy plan as a feasible integer point,
branch and bound starts with it as its incumbent and only looks for cheaper ones, instead of
spending the time limit looking for a first one (on the residual net at 1/4 it found none in
60 s).  `scipy.optimize.milp` (scipy is a dependency) runs the same HiGHS but takes no start;
it is used when highspy is not installed, and the caller then keeps the starting plan itself
when the solver finds nothing better.  Both stop at the same relative gap (1e-4, scipy's).
"""

from __future__ import annotations

import importlib
import os
import sys
import threading
from dataclasses import dataclass

import numpy as np

MIP_REL_GAP = 1e-4  # scipy.optimize.milp's default: both paths stop at the same gap


@dataclass
class Problem:
    """minimise objective @ x  subject to  row_lo <= A x <= row_hi,  lower <= x <= upper,  x[integral] integer;
    A given as coordinates (rows, cols, vals)."""
    objective: np.ndarray
    rows: list[int]
    cols: list[int]
    vals: list[float]
    row_lo: list[float]
    row_hi: list[float]
    lower: list[float]
    upper: list[float]
    integral: list[int]

    def violation(self, x: np.ndarray) -> float:
        """The largest amount by which `x` breaks a row, a bound or integrality (0: feasible)."""
        x = np.asarray(x, dtype=float)
        rows, cols = np.asarray(self.rows, dtype=int), np.asarray(self.cols, dtype=int)
        activity = np.zeros(len(self.row_lo))
        np.add.at(activity, rows, np.asarray(self.vals) * x[cols])
        worst = [0.0]
        if len(activity):
            worst += [float(np.max(np.asarray(self.row_lo) - activity)),
                      float(np.max(activity - np.asarray(self.row_hi)))]
        worst += [float(np.max(np.asarray(self.lower) - x, initial=0.0)),
                  float(np.max(x - np.asarray(self.upper), initial=0.0))]
        integral = np.asarray(self.integral, dtype=bool)
        worst.append(float(np.max(np.abs(x[integral] - np.round(x[integral])), initial=0.0)))
        return max(worst)


@dataclass
class Result:
    x: np.ndarray | None     # the best point found, or None
    optimal: bool            # proved optimal (within MIP_REL_GAP)
    infeasible: bool         # proved to have no feasible point
    gap: float               # relative optimality gap of `x`, 0 to 1 (1 when unknown)
    started: bool            # the starting point was taken as the first incumbent (highspy only)
    solver: str              # "highspy" or "scipy"


def highspy_module():
    """highspy when it is installed, else None (a function, so that tests can take it away)."""
    try:
        return importlib.import_module("highspy")
    except ImportError:
        return None


def solve_milp(problem: Problem, time_limit: float, start: np.ndarray | None = None) -> Result:
    """The best point HiGHS finds in `time_limit` seconds, from `start` (a feasible point) when highspy is there."""
    highspy = highspy_module()
    if highspy is not None:
        return _solve_highspy(highspy, problem, time_limit, start)
    return _solve_scipy(problem, time_limit)


_FIRST_SOLVER = threading.Lock()  # held while the first solver is made: the banner's window, once
_first_made = False


def _quiet(make):
    """`make()`, the first time with the C library's stdout shut: HiGHS prints a banner there when its
    first solver is made, before any option can say otherwise.  Once, under a lock: stdout is the
    whole process's, and two threads swapping it at once could leave it shut for good."""
    global _first_made
    if _first_made:
        return make()
    with _FIRST_SOLVER:
        if _first_made:
            return make()
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            with open(os.devnull, "w") as null:
                os.dup2(null.fileno(), 1)
                made = make()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        _first_made = True
        return made


def _gap(value) -> float:
    return float(min(1.0, max(0.0, value))) if value is not None and np.isfinite(value) else 1.0


def _solve_highspy(highspy, problem: Problem, time_limit: float, start: np.ndarray | None) -> Result:
    from scipy.sparse import coo_array

    n = len(problem.lower)
    h = _quiet(highspy.Highs)
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", max(float(time_limit), 1e-3))
    h.setOptionValue("mip_rel_gap", MIP_REL_GAP)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n, len(problem.row_lo)
    lp.col_cost_ = np.asarray(problem.objective, dtype=float)
    lp.col_lower_, lp.col_upper_ = np.asarray(problem.lower, float), np.asarray(problem.upper, float)
    lp.row_lower_, lp.row_upper_ = np.asarray(problem.row_lo, float), np.asarray(problem.row_hi, float)
    matrix = coo_array((problem.vals, (problem.rows, problem.cols)), shape=(lp.num_row_, n)).tocsc()
    matrix.sum_duplicates()
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = n, lp.num_row_
    lp.a_matrix_.start_ = matrix.indptr.astype(np.int32)
    lp.a_matrix_.index_ = matrix.indices.astype(np.int32)
    lp.a_matrix_.value_ = matrix.data.astype(float)
    lp.integrality_ = [highspy.HighsVarType.kInteger if k else highspy.HighsVarType.kContinuous
                       for k in problem.integral]
    h.passModel(lp)
    started = False
    if start is not None:
        solution = highspy.HighsSolution()
        solution.col_value = [float(v) for v in start]
        solution.value_valid = True
        started = h.setSolution(solution) == highspy.HighsStatus.kOk
    h.run()
    status = h.getModelStatus()
    info = h.getInfo()
    # an int in some highspy versions, an enum in others
    has_point = int(info.primal_solution_status) == int(highspy.SolutionStatus.kSolutionStatusFeasible)
    x = np.asarray(h.getSolution().col_value, dtype=float) if has_point else None
    optimal = status == highspy.HighsModelStatus.kOptimal
    # HiGHS stops at a relative gap of MIP_REL_GAP: "optimal" may be a hair above 0
    gap = _gap(info.mip_gap) if x is not None else 1.0
    return Result(x, optimal and x is not None, status == highspy.HighsModelStatus.kInfeasible,
                  0.0 if optimal and gap == 1.0 else gap, started and x is not None, "highspy")


def _solve_scipy(problem: Problem, time_limit: float) -> Result:
    from scipy.optimize import Bounds, LinearConstraint, milp  # scipy's import is slow: only when solving
    from scipy.sparse import coo_array

    constraints = []
    if problem.row_lo:
        matrix = coo_array((problem.vals, (problem.rows, problem.cols)),
                           shape=(len(problem.row_lo), len(problem.lower))).tocsr()
        constraints = [LinearConstraint(matrix, problem.row_lo, problem.row_hi)]
    result = milp(problem.objective, constraints=constraints, integrality=np.array(problem.integral),
                  bounds=Bounds(problem.lower, problem.upper),
                  options={"time_limit": max(time_limit, 1e-3), "disp": False, "mip_rel_gap": MIP_REL_GAP})
    gap = getattr(result, "mip_gap", None)
    gap = _gap(gap) if gap is not None else (0.0 if result.status == 0 else 1.0)
    return Result(result.x, result.status == 0, result.status == 2, gap, False, "scipy")
