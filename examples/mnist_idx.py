"""Train an MLP on MNIST read from your local IDX files (nothing is downloaded).

Put the four files (gzipped or not) in one directory:
train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte.

    python examples/mnist_idx.py ~/data/mnist                 # 784-256-10, Adam, 5 epochs: about 98%
    python examples/mnist_idx.py ~/data/mnist --quick         # 1 epoch on the first 10000 images
"""

import argparse

import graphc as gc
from graphc.backends import backend_or_reference
from graphc.datasets import load_mnist


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", help="directory holding MNIST's four IDX files")
    parser.add_argument("--backend", default="llvm")
    parser.add_argument("--quick", action="store_true", help="1 epoch on at most 10000 training images")
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--hidden", type=int, nargs="+", default=[256])
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--plot", default="", help="save the loss curve as this PNG")
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)
    try:
        backend = backend_or_reference(args.backend)
    except gc.BackendError as exc:
        parser.error(str(exc))  # exit status 2 and one line, as for any argument that cannot be used here
    epochs = args.epochs or (1 if args.quick else 5)

    data = load_mnist(args.path)
    x_train, y_train = data["x_train"], data["y_train"]
    if args.quick:
        x_train, y_train = x_train[:10000], y_train[:10000]
    print(f"MNIST from {args.path}: {len(x_train)} train / {len(data['x_test'])} test images of "
          f"{x_train.shape[1]} pixels; backend {backend}")
    model = gc.nn.MLP([x_train.shape[1], *args.hidden, 10], seed=args.seed)
    history = gc.nn.fit_classifier(model, gc.optim.Adam(args.lr), (x_train, y_train),
                                   (data["x_test"], data["y_test"]), epochs=epochs, batch_size=args.batch_size,
                                   backend=backend, seed=args.seed, progress=not args.no_progress,
                                   desc=f"MNIST MLP ({backend})")
    accuracy = history.test_accuracy[-1]
    print(f"test accuracy {accuracy:.2%} after {epochs} epochs")
    if args.plot:
        gc.nn.plot_losses(history, args.plot, title=f"MNIST MLP, {backend} backend")
        print(f"loss curve saved to {args.plot}")
    return {"test_accuracy": accuracy, "history": history}


if __name__ == "__main__":
    main()
