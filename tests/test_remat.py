"""Rematerialisation: same gradients bit for bit, much lower planned and measured peaks, robust to later CSE."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import graphc as gc
from graphc.passes import plan_program_memory, simplify
from graphc.passes.remat import analyse, candidates, rematerialize
from graphc.program import specialize

WIDTH, BATCH = 32, 64


def weights(rng, n, width=WIDTH):
    return [gc.variable((rng.standard_normal((width, width)) / np.sqrt(width)).astype(np.float32), name=f"w{i}")
            for i in range(n)]


def tanh_mlp(depth, seed=0):
    rng = np.random.default_rng(seed)
    x = gc.placeholder((None, WIDTH), gc.float32, name="x")
    ws = weights(rng, depth)
    b = gc.variable(np.zeros(WIDTH, np.float32), name="b")
    h = x
    for w in ws:
        h = gc.tanh(h @ w + b)
    loss = gc.mean(h * h)
    return x, [loss, *gc.grad(loss, ws + [b])]


def residual_net(depth, seed=1):
    rng = np.random.default_rng(seed)
    x = gc.placeholder((None, WIDTH), gc.float32, name="x")
    ws = weights(rng, depth)
    h = x
    for w in ws:
        h = h + 0.5 * gc.tanh(h @ w)
    loss = gc.sum(gc.sin(h)) / BATCH
    return x, [loss, *gc.grad(loss, ws)]


def shared_weights_net(depth, seed=2):
    rng = np.random.default_rng(seed)
    x = gc.placeholder((None, WIDTH), gc.float32, name="x")
    (w,) = weights(rng, 1)
    h = x
    for _ in range(depth):  # the same weight in every layer: its gradient sums over all of them
        h = gc.tanh(h @ w)
    loss = gc.mean(h * h)
    return x, [loss, gc.grad(loss, w)]


def multi_output_net(depth, seed=3):
    rng = np.random.default_rng(seed)
    x = gc.placeholder((None, WIDTH), gc.float32, name="x")
    ws = weights(rng, depth)
    h, taps = x, []
    for w in ws:
        h = gc.sigmoid(h @ w)
        taps.append(h)
    loss_a = gc.mean(h * h)
    loss_b = gc.mean(gc.exp(taps[depth // 2]))
    return x, [loss_a, loss_b, *gc.grad(loss_a, ws), *gc.grad(loss_b, ws[: depth // 2 + 1]), h]


def elementwise_chain_net(depth, seed=4):
    """Three stashed elementwise values per matmul: keeping the matmul and recomputing them is cheap."""
    rng = np.random.default_rng(seed)
    x = gc.placeholder((None, WIDTH), gc.float32, name="x")
    ws = weights(rng, depth)
    h = x
    for w in ws:
        u = gc.tanh(h @ w)
        v = gc.sin(u)
        h = v * v
    loss = gc.mean(h)
    return x, [loss, *gc.grad(loss, ws)]


NETS = {"mlp": tanh_mlp, "chain": elementwise_chain_net, "residual": residual_net, "shared": shared_weights_net,
        "multi_output": multi_output_net}


def feed(seed=9):
    return np.random.default_rng(seed).standard_normal((BATCH, WIDTH)).astype(np.float32)


def run(net, depth, remat):
    x, outputs = NETS[net](depth)
    f = gc.function([x], outputs, remat=remat)
    return f, f(feed())


def sqrt_peak(net, depth):
    f, _ = run(net, depth, "sqrt")
    return f.memory_plan().peak_bytes


@pytest.mark.parametrize("net", sorted(NETS))
@pytest.mark.parametrize("remat", ["sqrt", "budget"])
def test_gradients_are_bitwise_identical(net, remat):
    _, expected = run(net, 12, "none")
    if remat == "budget":
        remat = sqrt_peak(net, 12)
    _, got = run(net, 12, remat)
    for a, b in zip(expected, got):
        np.testing.assert_array_equal(a, b)


def test_recomputed_copies_are_tagged_and_read_by_the_backward_pass():
    f, _ = run("mlp", 16, "sqrt")
    nodes = f.executable.order
    copies = [n for n in nodes if "recompute" in n.attrs]
    assert copies, "sqrt rematerialised nothing"
    assert len({n.attrs["recompute"] for n in copies}) > 1  # several segments
    users = {i.id for n in nodes if "recompute" not in n.attrs for i in n.inputs}
    assert any(c.id in users for c in copies)


@pytest.mark.parametrize("net", ["mlp", "residual"])
def test_sqrt_cuts_the_planned_peak_at_depth_32(net):
    f_none, _ = run(net, 32, "none")
    f_sqrt, _ = run(net, 32, "sqrt")
    ratio = f_sqrt.memory_plan().peak_bytes / f_none.memory_plan().peak_bytes
    assert ratio < 0.4, ratio
    assert f_sqrt.executable.peak_bytes / f_none.executable.peak_bytes < 0.4


def test_sqrt_peak_grows_like_the_square_root_of_depth():
    # a batch of 512 so that activations, not the weight gradients (outputs, kept to the end), dominate the peak
    depths = [16, 64]
    peaks = []
    for depth in depths:
        x, outputs = NETS["mlp"](depth)
        program = simplify(specialize([x], outputs, [], [(512, WIDTH)]))
        peaks.append(plan_program_memory(rematerialize(program, "sqrt")).peak_bytes)
    exponent = np.log(peaks[1] / peaks[0]) / np.log(depths[1] / depths[0])
    assert 0.3 < exponent < 0.7, exponent


@pytest.mark.parametrize("net", ["mlp", "residual", "multi_output"])
@pytest.mark.parametrize("remat", ["none", "sqrt"])
def test_planned_peak_matches_the_measured_one(net, remat):
    # The executor measures the live bytes of its arrays after each node, in the schedule's order.  The plan's
    # live-bytes bound counts the same buffers over the same steps, each rounded up to 64 bytes: equal up to
    # that padding (the few scalars here).  Its arena adds what best-fit placement leaves as holes: under 10%.
    f, _ = run(net, 16, remat)
    plan, measured = f.memory_plan(), f.executable.peak_bytes
    assert measured <= plan.lower_bound_bytes <= measured + 64 * 16, (plan.lower_bound_bytes, measured)
    assert plan.lower_bound_bytes <= plan.peak_bytes <= 1.10 * measured, (plan.peak_bytes, measured)


def specialized(net, depth):
    x, outputs = NETS[net](depth)
    return specialize([x], outputs, [], [(BATCH, WIDTH)])


def test_cse_after_remat_cannot_merge_copies_back():
    program = simplify(specialized("mlp", 32))
    before = plan_program_memory(program).peak_bytes
    remat = rematerialize(program, "sqrt")
    after = simplify(remat)  # CSE and every rewrite again, as a later pipeline stage would
    tagged = [n for n in after.nodes() if "recompute" in n.attrs]
    assert len(tagged) == len([n for n in remat.nodes() if "recompute" in n.attrs]) > 0
    assert plan_program_memory(after).peak_bytes == plan_program_memory(remat).peak_bytes < 0.5 * before
    # the control: without the tags, CSE merges the copies into their twins and the peak comes back
    untagged = rematerialize(program, "sqrt")
    for node in untagged.nodes():
        node.attrs.pop("recompute", None)
    assert plan_program_memory(simplify(untagged)).peak_bytes > 1.5 * plan_program_memory(after).peak_bytes


def test_simplified_programs_are_rematerialised_too():
    program = simplify(specialized("residual", 32))
    assert analyse(program).stashed
    ratio = plan_program_memory(rematerialize(program, "sqrt")).peak_bytes / plan_program_memory(program).peak_bytes
    assert ratio < 0.5


def test_budget_is_met_with_no_more_recompute_than_sqrt():
    program = specialized("mlp", 32)
    sqrt = rematerialize(program, "sqrt")
    budget = plan_program_memory(sqrt).peak_bytes
    fitted = rematerialize(program, budget)
    assert plan_program_memory(fitted).peak_bytes <= budget
    assert fitted.remat_stats.recompute_flops <= sqrt.remat_stats.recompute_flops


@pytest.mark.parametrize("net", ["mlp", "residual", "shared", "multi_output", "chain"])
def test_budget_candidates_are_ranked_by_the_recompute_their_programs_really_have(net):
    # candidates are ranked before any is built: the ranking must be what the rebuilt program recomputes
    program = simplify(specialized(net, 12))
    a = analyse(program)
    for cand in candidates(a):
        _, stats = cand.build(program, a, 1)
        assert stats.recompute_flops == cand.recompute_flops


def test_a_budget_between_sqrt_peaks_recomputes_less_than_the_lower_one():
    program = simplify(specialized("mlp", 48))
    sqrt = rematerialize(program, "sqrt")
    low = plan_program_memory(sqrt).peak_bytes
    fitted = rematerialize(program, int(1.5 * low))
    assert plan_program_memory(fitted).peak_bytes <= 1.5 * low
    assert fitted.remat_stats.recompute_flops < sqrt.remat_stats.recompute_flops


def test_a_budget_prefers_recomputing_elementwise_work_over_matmuls():
    program = simplify(specialized("chain", 24))
    everything = rematerialize(program, 2**40).remat_stats.planned_peak_bytes
    sqrt = rematerialize(program, "sqrt")
    assert sqrt.remat_stats.recomputed_ops.get("matmul", 0) > 0  # sqrt recomputes whole segments
    budget = everything // 2
    fitted = rematerialize(program, budget)
    assert plan_program_memory(fitted).peak_bytes <= budget
    assert fitted.remat_stats.recomputed_ops and "matmul" not in fitted.remat_stats.recomputed_ops
    assert fitted.remat_stats.recompute_flops < sqrt.remat_stats.recompute_flops


def test_helpers_are_recomputed_by_the_backward_pass_not_stashed():
    # tanh's VJP reads 1 - y*y and the weight gradient reads transpose(h): both are computed from the stashed
    # value by the backward pass itself, whatever the strategy, so only the layer outputs are stashed
    from graphc.passes.remat import analyse as analyse_program

    a = analyse_program(simplify(specialized("mlp", 16)))
    helpers = [n for n in a.order if n.id in a.helpers]
    assert {n.op.name for n in helpers} >= {"transpose", "sub"}
    assert {n.op.name for n in a.order if n.id in a.stashed} <= {"tanh", "add", "mul", "matmul", "sum", "div"}
    fitted = rematerialize(simplify(specialized("mlp", 16)), 2**40)  # keep everything: only helpers move
    assert fitted.remat_stats.recompute_flops == 0
    assert all(n.attrs.get("recompute") in (None, "forward") for n in fitted.nodes())


def test_a_generous_budget_recomputes_nothing():
    program = specialized("mlp", 16)
    fitted = rematerialize(program, 10 * plan_program_memory(program).peak_bytes)
    assert fitted.remat_stats.recompute_flops == 0


def test_an_infeasible_budget_names_the_smallest_peak():
    x, outputs = NETS["mlp"](16)
    f = gc.function([x], outputs, remat=1000)
    with pytest.raises(gc.MemoryBudgetError, match=r"smallest planned peak found is \d+ bytes") as info:
        f(feed())
    smallest = int(str(info.value).split("smallest planned peak found is ")[1].split()[0])
    g = gc.function([x], outputs, remat=smallest)
    g(feed())
    assert g.memory_plan().peak_bytes <= smallest


@pytest.mark.parametrize("bad", ["fast", "SQRT", 0, -5, 1.5, True, None])
def test_bad_remat_options_are_clear_errors(bad):
    x, outputs = NETS["mlp"](2)
    with pytest.raises(gc.GraphcError, match="remat must be 'none', 'sqrt' or a positive number of bytes"):
        gc.function([x], outputs, remat=bad)  # at the user's line, not at the first call
    with pytest.raises(gc.GraphcError, match="remat must be"):
        gc.Session(remat=bad)


def test_training_with_updates_and_session():
    results = []
    for remat in ("none", "sqrt"):
        rng = np.random.default_rng(5)
        x = gc.placeholder((None, WIDTH), gc.float32, name="x")
        ws = weights(rng, 10)
        h = x
        for w in ws:
            h = gc.tanh(h @ w)
        loss = gc.mean(h * h)
        step = gc.group(*[gc.assign(w, w - 0.1 * g) for w, g in zip(ws, gc.grad(loss, ws))])
        sess = gc.Session(remat=remat)
        losses = [sess.run([loss, step], {x: feed(s)})[0] for s in range(3)]
        results.append((losses, [w.value.copy() for w in ws]))
    assert results[0][0] == results[1][0]
    for a, b in zip(results[0][1], results[1][1]):
        np.testing.assert_array_equal(a, b)


def test_a_program_without_a_backward_pass_is_left_alone():
    x = gc.placeholder((4, 4), gc.float32)
    y = gc.tanh(gc.tanh(x) @ gc.tanh(x))
    program = specialize([x], [y], [], [(4, 4)])
    assert rematerialize(program, "sqrt") is program


def llvm_available():
    return "llvm" in gc.backends.available_backends() if hasattr(gc, "backends") else False


@pytest.mark.skipif(not llvm_available(), reason="the llvm backend is not registered here")
@pytest.mark.parametrize("net", ["mlp", "residual"])
def test_remat_on_the_llvm_backend(net):
    x, outputs = NETS[net](16)
    expected = gc.function([x], outputs)(feed())  # the numpy oracle
    plans, results = {}, {}
    for remat in ("none", "sqrt"):
        x, outputs = NETS[net](16)
        f = gc.function([x], outputs, remat=remat, backend="llvm")
        results[remat] = f(feed())
        for a, b in zip(results[remat], expected):
            np.testing.assert_allclose(a, b, rtol=2e-5, atol=1e-6)
        plans[remat] = f.memory_plan().peak_bytes
    for a, b in zip(results["none"], results["sqrt"]):  # the same kernels on the same inputs
        np.testing.assert_array_equal(a, b)
    assert plans["sqrt"] < 0.7 * plans["none"]


@pytest.mark.skipif(not llvm_available(), reason="the llvm backend is not registered here")
@pytest.mark.parametrize("net", ["mlp", "residual", "chain"])
def test_every_strategy_on_the_llvm_backend_gives_the_same_values(net):
    results, plans, stats = {}, {}, {}
    for remat in ("none", "sqrt", "budget", 2**40):
        if remat == "budget":
            remat = plans["sqrt"]
        x, outputs = NETS[net](24)
        f = gc.function([x], outputs, remat=remat, backend="llvm")
        results[remat] = f(feed())
        plans[remat] = f.memory_plan().peak_bytes
        stats[remat] = getattr(f.executable.program, "remat_stats", None)
    for remat, got in results.items():
        for a, b in zip(results["none"], got):
            np.testing.assert_array_equal(a, b, err_msg=f"remat={remat}")
    budget = plans["sqrt"]
    assert plans[budget] <= budget and stats[budget].recompute_flops <= stats["sqrt"].recompute_flops
    assert stats["sqrt"].planned_peak_bytes == plans["sqrt"]  # candidates are judged by the kernels' own plan
    assert plans[2**40] < plans["none"] and stats[2**40].recompute_flops == 0


@pytest.mark.skipif(not llvm_available(), reason="the llvm backend is not registered here")
def test_fusion_and_cse_on_the_llvm_backend_do_not_undo_remat():
    from graphc.compile import plan_prepared
    from graphc.passes import run_passes
    from graphc.passes.fusion import fuse

    x, outputs = NETS["mlp"](32)
    f = gc.function([x], outputs, remat="sqrt", backend="llvm")
    f.compile(feed())
    program, plan = f.executable.program, f.executable.plan
    fusion = fuse(program)
    holding_helpers = 0
    for group in fusion.groups:  # no kernel mixes a copy with its forward twin or with the backward pass
        assert len({m.attrs.get("recompute") for m in group.members}) <= 1
        if group.members and group.members[0].attrs.get("recompute") == "forward":
            holding_helpers += bool({m.op.name for m in group.members} & {"sub", "transpose"})
    # helpers (tanh's 1 - y*y, transpose(h)) stay out of the forward kernels, nothing stashes them; the one
    # exception is the last layer, whose first adjoints read nothing far back and count as forward work
    assert holding_helpers <= 1
    # each matmul of the program (forward, recomputed, backward) is one kernel: fusion neither drops nor repeats work
    matmuls = [n for n in program.nodes() if n.op.kind == "matmul"]
    assert sum(k.kind == "matmul" for k in plan.kernels) == len(matmuls)
    assert len([n for n in matmuls if isinstance(n.attrs.get("recompute"), int)]) == \
        program.remat_stats.recomputed_ops["matmul"] > 0
    # the simplifier (CSE included) run again after remat changes neither the kernels nor the peak
    again, plan_again = plan_prepared(run_passes(program))
    assert len(plan_again.kernels) == len(plan.kernels)
    assert plan_again.memory.peak_bytes == plan.memory.peak_bytes
    # the control: without the tags CSE merges the copies back and the peak returns
    untagged = run_passes(program)
    for node in untagged.nodes():
        node.attrs.pop("recompute", None)
    assert plan_prepared(run_passes(untagged))[1].memory.peak_bytes > 1.5 * plan.memory.peak_bytes


@pytest.mark.skipif(not llvm_available(), reason="the llvm backend is not registered here")
def test_an_infeasible_budget_on_the_llvm_backend_names_the_smallest_peak():
    x, outputs = NETS["residual"](16)
    with pytest.raises(gc.MemoryBudgetError, match=r"smallest planned peak found is \d+ bytes") as info:
        gc.function([x], outputs, remat=4096, backend="llvm")(feed())
    smallest = int(str(info.value).split("smallest planned peak found is ")[1].split()[0])
    x, outputs = NETS["residual"](16)
    g = gc.function([x], outputs, remat=smallest, backend="llvm")
    g(feed())
    assert g.memory_plan().peak_bytes <= smallest


@pytest.mark.skipif(not llvm_available(), reason="the llvm backend is not registered here")
@pytest.mark.parametrize("net", ["mlp", "residual"])
def test_sqrt_on_the_llvm_backend_adds_no_elementwise_kernels_of_its_own(net):
    # helpers and adjoint products join the backward matmuls' epilogues, a recomputed tanh joins its matmul:
    # the extra kernels are recomputed copies (tagged with their segment) and, at most once per segment, the
    # helper `dh * (1 - y*y)` that its recomputation separates from the matmul making dh (fusion_rules.
    # _merge_spans_recompute: folded in, one of them would be held through the recomputation)
    from graphc.passes.fusion import fuse

    loops, segments = {}, {}
    for remat in ("none", "sqrt"):
        x, outputs = NETS[net](32)
        f = gc.function([x], outputs, remat=remat, backend="llvm")
        f.compile(feed())
        groups = fuse(f.executable.program).groups
        loops[remat] = sum(g.kind == "loop" and not isinstance(g.tag, int) for g in groups)
        segments[remat] = len({g.tag for g in groups if isinstance(g.tag, int)})
    assert segments["sqrt"] > 0 and loops["none"] <= loops["sqrt"] <= loops["none"] + segments["sqrt"]


def cuts_by_walking_the_spine(stashed_bytes, allowed, crossing, target, after_stashed):
    """The greedy segmentation, one spine position at a time: the oracle for remat's bisecting `_Cutter`."""
    segment, seg, kept, stash, worst, since = [], 0, 0, 0, 0, 0
    for k, b in enumerate(stashed_bytes):
        if stash > 0 and allowed[k] and kept + stash + b > target:
            cut = since if after_stashed and b and allowed[since] else k
            worst = max(worst, kept + stash)
            seg, kept, stash = seg + 1, kept + crossing[cut], 0
            segment[cut:k] = [seg] * (k - cut)
        segment.append(seg)
        stash += b
        if b:
            since = k + 1
    return segment, seg + 1, max(worst, kept + stash)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_bisected_cuts_are_the_cuts_of_a_walk_along_the_spine(data):
    from types import SimpleNamespace

    from graphc.passes.remat import segment_for_target

    n = data.draw(st.integers(1, 40))
    elements = data.draw(st.lists(st.integers(0, 50), min_size=n, max_size=n))  # 0: not stashed
    allowed = data.draw(st.lists(st.booleans(), min_size=n, max_size=n))
    crossing = data.draw(st.lists(st.integers(0, 400), min_size=n, max_size=n))
    target = data.draw(st.integers(0, 2000))
    after_stashed = data.draw(st.booleans())
    spine = [SimpleNamespace(id=100 + k, shape=(e,), dtype=np.dtype(np.float32)) for k, e in enumerate(elements)]
    a = SimpleNamespace(spine=spine, stashed={node.id for node, e in zip(spine, elements) if e})
    got = segment_for_target(a, target, crossing, allowed, after_stashed)
    segment, count, peak = cuts_by_walking_the_spine([4 * e for e in elements], allowed, crossing, target,
                                                     after_stashed)
    assert [got.segment[node.id] for node in spine] == segment
    assert (got.count, got.modelled_peak) == (count, peak)


def test_sqrt_cuts_a_stack_of_padded_convolutions():
    """Every SAME convolution reads the zero padding broadcast once at the start: a constant read far
    into the forward pass is not a backward read, so the layers stay forward and sqrt has a chain to cut."""
    rng = np.random.default_rng(0)
    x = gc.placeholder((4, 8, 8, 8), gc.float32, name="x")
    layers = [gc.nn.Conv2D(8, 3, padding="SAME", activation=gc.relu, in_channels=8, seed=rng) for _ in range(6)]
    h = x
    for layer in layers:
        h = layer(h)
    loss = gc.mean(h * h)
    outputs = [loss, *gc.grad(loss, [v for layer in layers for v in layer.variables])]
    feed = rng.standard_normal((4, 8, 8, 8)).astype(np.float32)
    plain, cut = (gc.function([x], outputs, backend="llvm", remat=remat) for remat in ("none", "sqrt"))
    for a, b in zip(plain(feed), cut(feed)):
        np.testing.assert_array_equal(a, b)
    assert cut.executable.program.remat_stats.recompute_flops > 0
    assert cut.memory_plan().peak_bytes < plain.memory_plan().peak_bytes
