"""Softmax regression on scikit-learn's handwritten digits (the seed's h(x) = Wᵀx, loss −log softmax(h)[y]).

The seed derives the gradient by hand, Xᵀ(Z − E_y) / batch; here reverse mode
derives it from the graph, and gc.optim.SGD builds the update into the step.

    python examples/softmax_regression.py            # 30 epochs: about 96% test accuracy
    python examples/softmax_regression.py --quick    # 10 epochs (CI): still >= 95%
"""

import argparse

import graphc as gc
from graphc.backends import backend_or_reference
from graphc.datasets import load_digits


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="llvm")
    parser.add_argument("--quick", action="store_true", help="fewer epochs (CI)")
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--lr", type=float, default=0.2)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)
    try:
        backend = backend_or_reference(args.backend)
    except gc.BackendError as exc:
        parser.error(str(exc))  # exit status 2 and one line, as for any argument that cannot be used here
    epochs = args.epochs or (10 if args.quick else 30)

    x, y = load_digits()
    x_train, x_test, y_train, y_test = gc.nn.train_test_split(x, y, test_fraction=0.25, seed=args.seed)
    model = gc.nn.Dense(x.shape[1], 10, kernel_init="zeros", name="softmax")  # convex: zeros are a fine start
    history = gc.nn.fit_classifier(model, gc.optim.SGD(args.lr, momentum=0.9), (x_train, y_train),
                                   (x_test, y_test), epochs=epochs, batch_size=args.batch_size, backend=backend,
                                   seed=args.seed, progress=not args.no_progress, desc=f"softmax ({backend})")
    accuracy = history.test_accuracy[-1]
    print(f"softmax regression, {backend}: test accuracy {accuracy:.2%} after {epochs} epochs, "
          f"final training loss {history.losses[-1]:.4f}")
    return {"test_accuracy": accuracy, "history": history}


if __name__ == "__main__":
    main()
