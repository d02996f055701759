"""Graph passes over specialised Programs: simplify → rematerialize → fuse → plan memory.

    from graphc.passes import run_passes, simplify, plan_memory, plan_program_memory
    program = simplify(program)                 # every registered rewrite, all phases
    program = run_passes(program, phases=("canonicalize",), disabled={"cse"}, trace=show)
    plan = plan_program_memory(program)         # liveness-based arena for a node-by-node run

`run_passes` and the registration decorators are in `graphc.passes.registry`;
the simplifications in `graphc.passes.simplify`; the arena planner in
`graphc.passes.memory_plan`.
"""

from graphc.passes import matmul_pieces as _matmul_pieces  # noqa: F401 - registers part_of_matmul_product
from graphc.passes import simplify as _simplify_rewrites  # noqa: F401 - registers the rewrites
from graphc.passes import sparse_update as _sparse_update  # noqa: F401 - registers fold_sparse_updates
from graphc.passes.memory_plan import MemoryPlan, Step, plan_memory, plan_program_memory
from graphc.passes.registry import (
    PHASES,
    count_nodes,
    register_pass,
    register_rewrite,
    registered_passes,
    run_passes,
)
from graphc.passes.simplify import simplify

__all__ = ["PHASES", "MemoryPlan", "Step", "count_nodes", "plan_memory", "plan_program_memory", "register_pass",
           "register_rewrite", "registered_passes", "run_passes", "simplify"]
