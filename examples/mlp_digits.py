"""Train an MLP on scikit-learn's handwritten digits with a compiled training step, and show what graphc did.

The whole step — forward pass, reverse-mode gradients, Adam's update of weights
and moments — is one graph, compiled once (llvm backend: fused native kernels
over one planned arena) and called once per minibatch.

    python examples/mlp_digits.py                   # 64-256-128-10, Adam, 15 epochs; >= 97% test accuracy
    python examples/mlp_digits.py --quick           # 12 epochs, for CI
    python examples/mlp_digits.py --backend numpy   # the reference interpreter
    OPENBLAS_NUM_THREADS=1 mpiexec -n 4 python examples/mlp_digits.py --distributed  # 4 ranks: graphc[distributed]
    python examples/mlp_digits.py --dtype bfloat16  # mixed precision: bfloat16 activations and weight copies
    python examples/mlp_digits.py --dtype float16   # the same in float16, with static loss scaling (1024)

With --dtype float16 or bfloat16 the layers compute in that dtype (the inputs, the weights' copies,
the activations and the matmuls' results are 16-bit; arithmetic inside kernels is float32), while
the variables stay float32 master weights that Adam updates, and the loss is float32
(docs/dtypes.md, Mixed-precision training).

With --distributed each rank takes its share of every global batch of --batch-size rows and the
gradients are averaged across ranks, so the ranks train the model one process would: the same
accuracy; only rank 0 prints and saves the plot.  One BLAS thread per rank: ranks that each start a
full OpenBLAS pool fight over the cores (docs/distributed.md).
"""

import argparse
import time

import graphc as gc
from graphc.backends import backend_or_reference
from graphc.datasets import load_digits


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="llvm", help="llvm (default) or numpy")
    parser.add_argument("--quick", action="store_true", help="12 epochs, not 15 (CI): still >= 97%% test accuracy")
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--hidden", type=int, nargs="+", default=[256, 128])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--plot", default="loss_curve.png", help="where to save the loss curve ('' for none)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument("--steps-per-call", type=int, default=None,
                        help="training steps per call of the compiled step (default: a whole epoch per call, one "
                             "compiled loop; 1 under --distributed)")
    parser.add_argument("--distributed", action="store_true",
                        help="data-parallel across the MPI ranks of mpiexec (--batch-size is the global batch)")
    parser.add_argument("--dtype", default="float32", choices=["float32", "float16", "bfloat16"],
                        help="the layers' compute dtype (mixed precision; the weights stay float32)")
    parser.add_argument("--loss-scale", type=float, default=None,
                        help="static loss scale (default: 1024 for float16, else 1)")
    args = parser.parse_args(argv)
    try:
        backend = backend_or_reference(args.backend)
    except gc.BackendError as exc:
        parser.error(str(exc))  # exit status 2 and one line, as for any argument that cannot be used here
    epochs = args.epochs or (12 if args.quick else 15)
    if args.steps_per_call is not None and args.steps_per_call < 1:
        parser.error("--steps-per-call must be at least 1")

    say = print if not args.distributed or gc.distributed.rank() == 0 else (lambda *a, **k: None)

    x, y = load_digits()
    x_train, x_test, y_train, y_test = gc.nn.train_test_split(x, y, test_fraction=0.25, seed=args.seed)
    compute_dtype = None if args.dtype == "float32" else gc.dtypes.as_dtype(args.dtype)
    loss_scale = args.loss_scale if args.loss_scale is not None else (1024.0 if args.dtype == "float16" else 1.0)
    model = gc.nn.MLP([x.shape[1], *args.hidden, 10], seed=args.seed, compute_dtype=compute_dtype)
    ranks = f"; {gc.distributed.size()} ranks" if args.distributed else ""
    precision = f"; compute {args.dtype}, loss scale {loss_scale:g}" if compute_dtype is not None else ""
    say(f"digits: {len(x_train)} train / {len(x_test)} test images; model {model}; backend {backend}{ranks}"
        f"{precision}")
    steps_per_epoch = len(x_train) // min(args.batch_size, len(x_train))
    steps_per_call = args.steps_per_call or (1 if args.distributed else steps_per_epoch)
    start = time.perf_counter()
    history = gc.nn.fit_classifier(model, gc.optim.Adam(args.lr), (x_train, y_train), (x_test, y_test),
                                   epochs=epochs, batch_size=args.batch_size, backend=backend, seed=args.seed,
                                   progress=not args.no_progress, desc=f"digits MLP ({backend})",
                                   distributed=args.distributed, loss_scale=loss_scale,
                                   steps_per_call=steps_per_call)
    seconds = time.perf_counter() - start
    accuracy = history.test_accuracy[-1]
    say(f"test accuracy {accuracy:.2%} after {epochs} epochs ({len(history.losses)} steps, {seconds:.1f} s)")
    if say is print:
        report_compilation(history.step)
    if args.plot:
        gc.nn.plot_losses(history, args.plot, title=f"digits MLP, {backend} backend")
        say(f"loss curve saved to {args.plot}")
    return {"test_accuracy": accuracy, "history": history, "backend": backend, "seconds": seconds,
            "dtype": args.dtype}


def report_compilation(step) -> None:
    """What the compiled training step is made of: its kernels and its memory plan (what the backend exposes)."""
    if hasattr(step, "kernels"):
        kernels = step.kernels()
        kinds = {}
        for k in kernels:
            kinds[k.get("kind", "?")] = kinds.get(k.get("kind", "?"), 0) + 1
        print(f"training step: {len(kernels)} kernels ({', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))}), "
              f"from {len(step.executable.program.nodes())} graph nodes")
    plan = step.memory_plan()
    print(f"memory plan: {plan.summary(limit=8)}")


if __name__ == "__main__":
    main()
