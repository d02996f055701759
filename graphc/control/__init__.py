"""Control flow as graph ops: `cond`, `while_loop`, `scan` and `fori_loop` (docs/control_flow.md).

Each construct is one node whose bodies are subgraphs traced once from Python functions
(graphc/control/subgraph.py); its results are `control_result` nodes.  Derivatives of
every construct are constructs again, so any order of either mode works.
"""

from graphc.control import while_checkpoint  # noqa: F401  (registers the ops remat builds: files may hold them)
from graphc.control.cond import cond
from graphc.control.loop_api import fori_loop, scan, while_loop

__all__ = ["cond", "while_loop", "scan", "fori_loop"]
