"""examples/deep_remat.py runs, trains, and shows remat="sqrt" lowering the planned peak with identical losses."""

import importlib.util
import pathlib

EXAMPLE = pathlib.Path(__file__).resolve().parent.parent / "examples" / "deep_remat.py"


def test_deep_remat_example_quick(capsys):
    spec = importlib.util.spec_from_file_location("deep_remat", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    results = module.main(["--quick"])
    none_losses, none_peak, _ = results["none"]
    sqrt_losses, sqrt_peak, _ = results["sqrt"]
    assert sqrt_losses == none_losses
    assert none_losses[-1] < none_losses[0]
    assert sqrt_peak < 0.7 * none_peak
    assert "planned peak" in capsys.readouterr().out
