"""Remat of a program that may hold loops: the one entry every path that rematerialises takes.

Under remat a loop's backward sweep is rewritten over about √T checkpoints (graphc.control.
while_checkpoint), on the whole program and once: rewritten again, a segment's recomputation would be
checkpointed too, running the body about log T more times for little memory.  The FLOPs the sweeps
run again are then added to the remat pass's stats (graphc.control.loop_cost), so that every report
of a plan (RematStats, `graphc inspect`, bench_remat) counts the loops' recompute beside the rest.

Who calls it, and with what `remat`:
  * graphc.pipeline, for a program it sees whole (the numpy reference; the compiled targets' programs
    without loops, where the rewrite changes nothing): the remat pass itself;
  * graphc.cli.pipeline's node-by-node judge (`graphc inspect`): the same pass, with its own planner;
  * the compiled backends' control flow (graphc.control.executable, graphc.control.cuda): nothing; each
    segment between the loops is rematerialised later, in the pipeline, where no loop is left.

    program = rematerialize_loops(program, "sqrt", remat=lambda p: rematerialize(p, "sqrt"))
"""

from __future__ import annotations

from collections.abc import Callable

from graphc.program import Program


def rematerialize_loops(program: Program, strategy, remat: Callable[[Program], Program] | None = None) -> Program:
    """`program` with its loops' backward sweeps over checkpoints, then `remat` of that (none: as it is),
    its `remat_stats` counting what the loops recompute.  Strategy "none" rewrites nothing."""
    if strategy == "none":
        return program if remat is None else remat(program)
    from graphc.control.loop_cost import with_loop_recompute
    from graphc.control.while_checkpoint import checkpoint_loops

    looped = checkpoint_loops(program)
    done = looped if remat is None else remat(looped)
    if looped is not program:
        done.remat_stats = with_loop_recompute(done.remat_stats, program, looped, strategy)
    return done


__all__ = ["rematerialize_loops"]
