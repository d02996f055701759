"""JAX and PyTorch versions of bench_remat.py's CNN, transformer and scan workloads, plain and checkpointed.

bench_remat.py --fractions runs this file in a fresh process per (peer, workload, mode), so that each
peak is the process's own:

    python benchmarks/bench_remat_peers.py {jax|torch} {cnn|transformer|scan} DEPTH WIDTH BATCH SEGMENT REPEATS REMAT

and reads the one JSON line it prints: the peak, seconds per gradient step (the median of REPEATS, called in
turn with the plain step, so that the machine's drift falls on both) and the plain step's seconds.

The networks are NETS' in bench_remat.py, same sizes and layers (their weights are drawn differently: the
work, not the values, is compared):
  * cnn: DEPTH 3x3 SAME convolutions with bias and relu, WIDTH channels, 16x16 images (NHWC in JAX, NCHW in
    PyTorch, each framework's native layout); loss mean(h²);
  * transformer: DEPTH pre-norm blocks, h = x + MHA(LN(x)) (causal, 4 heads), y = h + W2 gelu(W1 LN(h) + b1) + b2
    (tanh gelu, MLP 4 x WIDTH), sequence 32; loss mean(y²);
  * scan: an RNN h' = tanh(h W + x_t U) over DEPTH steps, W and U shared; loss mean(h_T²).
Checkpointing, as the MLP's peers: JAX scans `jax.checkpoint`ed segments of SEGMENT layers (blocks, steps) and
keeps only each segment's input; PyTorch uses torch.utils.checkpoint (checkpoint_sequential over the layers and
blocks, `checkpoint` over segments of steps for the RNN).  Gradients are taken in every parameter.

Peaks are measured as the MLP's peers' are (bench_remat.py's docstring): JAX's is XLA's planned temporary bytes
(`memory_analysis()`), PyTorch's the growth of the sampled resident set over one step after a warm-up step
(glibc's mmap threshold fixed by the caller's environment).
"""

from __future__ import annotations

import json
import math
import os
import sys
import time

import numpy as np

SIDE, SEQ, HEADS = 16, 32, 4  # the CNN's image side, the transformer's sequence and heads: bench_remat's NETS


def weights(rng, n_in: int, n_out: int, *lead) -> np.ndarray:
    return (rng.standard_normal((*lead, n_in, n_out)) / math.sqrt(n_in)).astype(np.float32)


def feed(net: str, depth: int, width: int, batch: int) -> np.ndarray:
    shape = {"cnn": (batch, SIDE, SIDE, width), "transformer": (batch, SEQ, width), "scan": (depth, batch, width)}
    return np.random.default_rng(1).standard_normal(shape[net]).astype(np.float32)


# ---- JAX ----------------------------------------------------------------------------------------------------


def jax_step(net: str, depth: int, width: int, batch: int, seg: int, remat: bool):
    """(a jitted gradient step's compiled callable, XLA's planned temporary bytes)."""
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_platforms", "cpu")
    rng = np.random.default_rng(0)
    x = jnp.asarray(feed(net, depth, width, batch))

    def chain(layer, h, stacked):
        """`layer` over the stacked parameters (or inputs) by a scan; checkpointed: a scan over jax.checkpoint'ed
        segments of `seg`, each keeping only its input."""
        if not remat:
            return jax.lax.scan(layer, h, stacked)[0]
        grouped = jax.tree.map(lambda a: a.reshape(a.shape[0] // seg, seg, *a.shape[1:]), stacked)
        segment = jax.checkpoint(lambda h, part: (jax.lax.scan(layer, h, part)[0], None))
        return jax.lax.scan(segment, h, grouped)[0]

    if net == "cnn":
        params = {"w": jnp.asarray(weights(rng, 9 * width, width).reshape(1, 3, 3, width, width).repeat(depth, 0)),
                  "b": jnp.zeros((depth, width), jnp.float32)}

        def layer(h, p):
            z = jax.lax.conv_general_dilated(h, p["w"], (1, 1), "SAME", dimension_numbers=("NHWC", "HWIO", "NHWC"))
            return jax.nn.relu(z + p["b"]), None

        def loss(p, x):
            h = chain(layer, x, p)
            return jnp.mean(h * h)
    elif net == "transformer":
        params = transformer_params(rng, depth, width)
        params = {k: jnp.asarray(v) for k, v in params.items()}
        mask = jnp.tril(jnp.ones((SEQ, SEQ), bool))

        def norm(a, scale, offset):
            m = a.mean(-1, keepdims=True)
            return (a - m) / jnp.sqrt(((a - m) ** 2).mean(-1, keepdims=True) + 1e-5) * scale + offset

        def heads(t):
            return t.reshape(t.shape[0], SEQ, HEADS, width // HEADS).transpose(0, 2, 1, 3)

        def layer(h, p):
            a = norm(h, p["ln1_scale"], p["ln1_offset"])
            q, k, v = (heads(a @ p[f"w{r}"] + p[f"b{r}"]) for r in "qkv")
            s = jnp.where(mask, q @ k.transpose(0, 1, 3, 2) / np.sqrt(width // HEADS), -jnp.inf)
            att = (jax.nn.softmax(s, -1) @ v).transpose(0, 2, 1, 3).reshape(h.shape)
            h = h + att @ p["wo"] + p["bo"]
            u = norm(h, p["ln2_scale"], p["ln2_offset"]) @ p["w1"] + p["b1"]
            return h + jax.nn.gelu(u, approximate=True) @ p["w2"] + p["b2"], None

        def loss(p, x):
            h = chain(layer, x, p)
            return jnp.mean(h * h)
    else:
        params = {"w": jnp.asarray(weights(rng, width, width)), "u": jnp.asarray(weights(rng, width, width))}

        def loss(p, xs):
            h = chain(lambda h, x_t: (jnp.tanh(h @ p["w"] + x_t @ p["u"]), None), jnp.zeros_like(xs[0]), xs)
            return jnp.mean(h * h)

    compiled = jax.jit(jax.value_and_grad(loss)).lower(params, x).compile()
    return (lambda: jax.block_until_ready(compiled(params, x))), int(compiled.memory_analysis().temp_size_in_bytes)


def transformer_params(rng, depth: int, width: int) -> dict[str, np.ndarray]:
    """Every block's arrays, stacked along a leading axis of `depth`."""
    p = {f"w{r}": weights(rng, width, width, depth) for r in "qkvo"}
    p.update({f"b{r}": np.zeros((depth, width), np.float32) for r in "qkvo"})
    p.update(w1=weights(rng, width, 4 * width, depth), b1=np.zeros((depth, 4 * width), np.float32),
             w2=weights(rng, 4 * width, width, depth), b2=np.zeros((depth, width), np.float32))
    for k in ("ln1", "ln2"):
        p[f"{k}_scale"], p[f"{k}_offset"] = np.ones((depth, width), np.float32), np.zeros((depth, width), np.float32)
    return p


# ---- PyTorch ------------------------------------------------------------------------------------------------


def torch_step(net: str, depth: int, width: int, batch: int, seg: int, remat: bool):
    """A gradient step (zeroing the .grad buffers, forward, backward) as a callable."""
    import torch
    import torch.nn.functional as functional
    from torch.utils.checkpoint import checkpoint, checkpoint_sequential

    torch.manual_seed(0)
    x = torch.from_numpy(feed(net, depth, width, batch))
    if net == "cnn":
        x = x.permute(0, 3, 1, 2).contiguous()  # NCHW: PyTorch's native layout
        layers = [m for _ in range(depth) for m in (torch.nn.Conv2d(width, width, 3, padding=1), torch.nn.ReLU())]
        model = torch.nn.Sequential(*layers)
    elif net == "transformer":
        block = _block_class()
        stacked = transformer_params(np.random.default_rng(0), depth, width)
        model = torch.nn.Sequential(*[block({k: v[i] for k, v in stacked.items()}, width, functional)
                                      for i in range(depth)])
    else:
        rng = np.random.default_rng(0)
        w, u = (torch.nn.Parameter(torch.from_numpy(weights(rng, width, width))) for _ in range(2))
        model = torch.nn.ParameterList([w, u])

        def steps(h, xs):
            for x_t in xs:
                h = torch.tanh(h @ w + x_t @ u)
            return h

    def forward():
        if net == "scan":
            h = torch.zeros_like(x[0])
            for k in range(0, depth, seg if remat else depth):
                part = x[k:k + (seg if remat else depth)]
                h = checkpoint(steps, h, part, use_reentrant=False) if remat else steps(h, part)
            return h
        return checkpoint_sequential(model, depth // seg, x, use_reentrant=False) if remat else model(x)

    def step():
        model.zero_grad(set_to_none=False)
        h = forward()
        (h * h).mean().backward()

    return step


def _block_class():
    """The block's module class (defined here: torch is imported only in the PyTorch process)."""
    import torch

    class Block(torch.nn.Module):
        """A pre-norm transformer block over given arrays (the JAX version's layer, in PyTorch)."""

        def __init__(self, arrays: dict, width: int, functional):
            super().__init__()
            self.p = torch.nn.ParameterDict({k: torch.nn.Parameter(torch.from_numpy(v.copy()))
                                             for k, v in arrays.items()})
            self.width, self.f = width, functional

        def forward(self, h):
            p, f, width = self.p, self.f, self.width

            def heads(t):
                return t.view(t.shape[0], SEQ, HEADS, width // HEADS).transpose(1, 2)

            a = f.layer_norm(h, (width,), p["ln1_scale"], p["ln1_offset"], eps=1e-5)
            q, k, v = (heads(a @ p[f"w{r}"] + p[f"b{r}"]) for r in "qkv")
            att = f.scaled_dot_product_attention(q, k, v, is_causal=True).transpose(1, 2).reshape(h.shape)
            h = h + att @ p["wo"] + p["bo"]
            u = f.layer_norm(h, (width,), p["ln2_scale"], p["ln2_offset"], eps=1e-5) @ p["w1"] + p["b1"]
            return h + f.gelu(u, approximate="tanh") @ p["w2"] + p["b2"]

    return Block


def main(argv: list[str]) -> None:
    system, net = argv[0], argv[1]
    depth, width, batch, seg, repeats, remat = (int(a) for a in argv[2:8])
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from bench_remat import TIMING_MMAP, fix_malloc, peak_growth

    if system == "jax":
        steps = {m: jax_step(net, depth, width, batch, seg, m) for m in {bool(remat), False}}
        planned = steps[bool(remat)][1]
        calls = {m: s[0] for m, s in steps.items()}
        calls[bool(remat)]()
        peak = planned  # XLA pools freed memory: the resident set cannot see its peak
    else:
        calls = {m: torch_step(net, depth, width, batch, seg, m) for m in {bool(remat), False}}
        planned = None
        calls[bool(remat)]()  # allocate the gradient buffers before measuring
        peak = peak_growth(calls[bool(remat)])  # before the plain step ever runs in this process
    fix_malloc(TIMING_MMAP)  # timed as graphc's steps are
    for call in calls.values():
        call()
    times: dict = {m: [] for m in calls}
    for _ in range(repeats):
        for m, call in calls.items():
            start = time.perf_counter()
            call()
            times[m].append(time.perf_counter() - start)
    print(json.dumps({"peak": peak, "planned": planned, "seconds": float(np.median(times[bool(remat)])),
                      "seconds_none": float(np.median(times[False])),
                      "spread": [min(times[bool(remat)]), max(times[bool(remat)])]}))


if __name__ == "__main__":
    main(sys.argv[1:])
