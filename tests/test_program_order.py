"""Program.nodes(): the execution order, walked once while the program's roots stay the same
(passes, fusion and the planners each ask for it), and walked again when they change."""

import graphc as gc
import graphc.program as program_module
from graphc.ir import toposort
from graphc.program import Program, specialize


def small_program():
    x = gc.placeholder((4,), gc.float32)
    y = gc.exp(x) * 2.0
    return specialize([x], [y, gc.tanh(y)], [], [(4,)])


def test_nodes_are_the_toposort_of_the_roots_and_walked_once(monkeypatch):
    made = small_program()  # specialize hands over the walk it made (see the next test): a program of its own
    program = Program(inputs=list(made.inputs), variables=list(made.variables), outputs=list(made.outputs),
                      updated=list(made.updated), new_values=list(made.new_values))
    walks = []
    monkeypatch.setattr(program_module, "toposort", lambda roots: walks.append(1) or toposort(roots))
    first, second = program.nodes(), program.nodes()
    assert first == second == toposort(program.roots)
    assert len(walks) == 1
    first.clear()  # each caller gets a list of its own
    assert program.nodes() == second



def test_a_specialised_program_keeps_the_walk_specialisation_made(monkeypatch):
    program = small_program()
    walks = []
    monkeypatch.setattr(program_module, "toposort", lambda roots: walks.append(1) or toposort(roots))
    assert program.nodes() == toposort(program.roots)
    assert walks == []

def test_changed_outputs_are_walked_again():
    program = small_program()
    before = program.nodes()
    program.outputs = program.outputs[:1]  # the tanh is no longer fetched
    after = program.nodes()
    assert after == toposort(program.roots) and len(after) == len(before) - 1
    program.outputs.append(before[-1])  # changed in place: walked again too
    assert program.nodes() == before
