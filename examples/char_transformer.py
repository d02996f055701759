"""Train a two-layer causal transformer as a character language model, then sample from it.

The text is Python's own help topics (`pydoc_data.topics`, shipped with every Python) unless
`--text FILE` names another.  Each training step (embedding, two pre-norm blocks of causal
multi-head attention and a gelu MLP with dropout, layer norm, cross-entropy, reverse-mode
gradients and Adam's update) is one graph compiled once; sampling compiles the same model
without dropout and feeds it its own output one character at a time.

    python examples/char_transformer.py                 # 300 steps, about a minute on 2 cores
    python examples/char_transformer.py --quick         # 60 steps (CI): the loss still falls
    python examples/char_transformer.py --text book.txt --steps 2000 --width 128
"""

import argparse
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np

import graphc as gc


def load_text(path: str | None) -> str:
    if path:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    from pydoc_data.topics import topics

    return "\n\n".join(topics[k] for k in sorted(topics))


class CharTransformer:
    """Token and position embeddings, `layers` pre-norm blocks, a final norm and the logits."""

    def __init__(self, vocab: int, context: int, width: int, heads: int, layers: int, dropout: float, seed: int):
        rng = np.random.default_rng(seed)
        self.context, self.dropout = context, dropout
        self.tokens = gc.nn.Embedding(vocab, width, seed=rng, name="tokens")
        self.positions = gc.variable(rng.normal(0, 0.02, (context, width)).astype(np.float32), name="positions")
        self.blocks = []
        for i in range(layers):
            self.blocks.append({
                "norm1": gc.nn.LayerNorm(width, name=f"block{i}/norm1"),
                "attention": gc.nn.MultiHeadAttention(heads, width // heads, causal=True, width=width, seed=rng,
                                                      name=f"block{i}/attention"),
                "norm2": gc.nn.LayerNorm(width, name=f"block{i}/norm2"),
                "up": gc.nn.Dense(width, 4 * width, seed=rng, name=f"block{i}/up"),
                "down": gc.nn.Dense(4 * width, width, seed=rng, name=f"block{i}/down"),
            })
        self.norm = gc.nn.LayerNorm(width, name="final_norm")
        self.head = gc.nn.Dense(width, vocab, kernel_init="glorot_uniform", seed=rng, name="head")

    @property
    def variables(self) -> list:
        layers = [self.tokens, *(layer for b in self.blocks for layer in b.values()), self.norm, self.head]
        return [self.positions] + [v for layer in layers for v in layer.variables]

    def __call__(self, ids, training: bool):
        def drop(h):
            return gc.nn.dropout(h, self.dropout, training=training) if self.dropout else h

        h = self.tokens(ids) + self.positions
        for b in self.blocks:
            h = h + drop(b["attention"](b["norm1"](h)))
            h = h + drop(b["down"](gc.nn.gelu(b["up"](b["norm2"](h)))))
        return self.head(self.norm(h))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--text", default=None, help="a UTF-8 text file (default: Python's pydoc topics)")
    parser.add_argument("--backend", default="llvm")
    parser.add_argument("--steps", type=int, default=None)
    parser.add_argument("--quick", action="store_true", help="60 steps (CI)")
    parser.add_argument("--context", type=int, default=64)
    parser.add_argument("--width", type=int, default=64)
    parser.add_argument("--heads", type=int, default=4)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--dropout", type=float, default=0.1)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--sample", type=int, default=200, help="characters to sample after training")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--plot", default="", help="save the loss curve here (PNG)")
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)
    if args.width % args.heads:
        parser.error(f"--width {args.width} is not a multiple of --heads {args.heads}")
    steps = args.steps or (60 if args.quick else 300)

    text = load_text(args.text)
    chars = sorted(set(text))
    if len(text) <= args.context + 1:
        parser.error(f"the text has {len(text)} characters: it needs more than --context {args.context}")
    index = {c: i for i, c in enumerate(chars)}
    data = np.array([index[c] for c in text], np.int32)
    print(f"text: {len(text)} characters, {len(chars)} distinct; backend {args.backend}")

    model = CharTransformer(len(chars), args.context, args.width, args.heads, args.layers, args.dropout, args.seed)
    ids = gc.placeholder((None, args.context), gc.int32, name="ids")
    targets = gc.placeholder((None, args.context), gc.int32, name="targets")
    logits = model(ids, training=True)
    loss = gc.nn.losses.softmax_cross_entropy(gc.reshape(logits, (-1, len(chars))), gc.reshape(targets, (-1,)))
    train = gc.function([ids, targets], loss, updates=gc.optim.Adam(args.lr).minimize(loss, model.variables),
                        backend=args.backend)

    rng = np.random.default_rng(args.seed)
    losses, start = [], time.perf_counter()
    progress = range(steps)
    if not args.no_progress:
        from tqdm import tqdm

        progress = tqdm(progress, desc=f"char transformer ({args.backend})")
    for _ in progress:
        starts = rng.integers(0, len(data) - args.context - 1, args.batch_size)
        window = np.stack([data[s: s + args.context + 1] for s in starts])
        losses.append(float(train(window[:, :-1], window[:, 1:])))
        if not args.no_progress:
            progress.set_postfix(loss=f"{losses[-1]:.3f}")
    seconds = time.perf_counter() - start
    first, last = np.mean(losses[:10]), np.mean(losses[-10:])
    print(f"loss {first:.3f} -> {last:.3f} over {steps} steps ({seconds:.1f} s; uniform guess: "
          f"{np.log(len(chars)):.3f})")

    sample = generate(model, ids, data[: args.context], args.sample, chars, args.backend, rng)
    print("sampled continuation:\n" + sample)
    if args.plot:
        gc.nn.plot_losses(SimpleNamespace(losses=losses, test_loss=[]), args.plot, title="char transformer")
        print(f"loss curve saved to {args.plot}")
    return {"losses": losses, "sample": sample, "seconds": seconds}


def generate(model, ids, prompt: np.ndarray, n: int, chars: list[str], backend: str, rng) -> str:
    """Feed the model its own output: the last `context` characters in, one drawn from the softmax out."""
    probabilities = gc.function([ids], gc.softmax(model(ids, training=False)[:, -1, :]), backend=backend)
    window, out = list(prompt), []
    for _ in range(n):
        p = probabilities(np.array([window[-len(prompt):]], np.int32))[0].astype(np.float64)
        c = int(rng.choice(len(p), p=p / p.sum()))
        window.append(c)
        out.append(chars[c])
    return "".join(out)


if __name__ == "__main__":
    main()
