"""torchvision-format weights saved by torch.save load into models.create(...) with strict=True and
give torch's outputs (float64, eval mode), and our weights saved as .pth give ours in torch.

The torch twins of test_torchvision_parity.py (torchvision's layout, written in plain torch) make
the weights. ResNet-18 runs at full size, in a process where `import torch` fails (the reader
needs no torch); the other families run with every torchvision key but fewer channels / a
narrower classifier, so the whole file stays a few seconds."""
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import models  # noqa: E402
import tinygrad_cnn as tg  # noqa: E402
from tests.torch_parity.test_torchvision_parity import (CONFIGS, TorchAlexNet, TorchBasic, TorchBottleneck,  # noqa: E402
                                     TorchDenseNet, TorchGoogLeNet, TorchResNet, TorchVGG)

ROOT = Path(__file__).resolve().parents[2]


def with_moved_statistics(twin):
    """Torch's own initialisation, with BatchNorm statistics and affine moved off their defaults
    (so a buffer loaded into the wrong place shows), in float64 and eval mode."""
    generator = torch.Generator().manual_seed(0)
    for module in twin.modules():
        if isinstance(module, torch.nn.BatchNorm2d):
            for tensor, low, high in ((module.running_mean, -0.5, 0.5),
                                      (module.running_var, 0.5, 2.0),
                                      (module.weight.data, 0.5, 1.5), (module.bias.data, -0.3, 0.3)):
                tensor.copy_(torch.rand(tensor.shape, generator=generator) * (high - low) + low)
            module.num_batches_tracked.fill_(7)
    return twin.double().eval()


def same_outputs(net, twin, side, rtol=1e-9):
    x = np.random.default_rng(1).standard_normal((2, 3, side, side))
    net.eval()
    with tg.no_grad(), torch.no_grad():
        ours = net(tg.tensor(x, dtype=tg.float64)).detach().numpy()
        theirs = twin(torch.tensor(x)).numpy()
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=rtol * np.abs(theirs).max())


# name, our kwargs (torchvision's keys, fewer channels), the torch twin, input side
CASES = [
    ("resnet34", dict(width=8, num_classes=10), lambda: TorchResNet(TorchBasic, [3, 4, 6, 3], 8, 10), 32),
    ("resnet50", dict(width=8, num_classes=10), lambda: TorchResNet(TorchBottleneck, [3, 4, 6, 3], 8, 10), 32),
    ("vgg11", dict(width=0.125, hidden=32, num_classes=10), lambda: TorchVGG(CONFIGS["A"], False, 0.125, 32, 10), 32),
    ("vgg11_bn", dict(width=0.125, hidden=32, num_classes=10), lambda: TorchVGG(CONFIGS["A"], True, 0.125, 32, 10), 32),
    ("vgg16", dict(width=0.125, hidden=32, num_classes=10), lambda: TorchVGG(CONFIGS["D"], False, 0.125, 32, 10), 32),
    ("vgg16_bn", dict(width=0.125, hidden=32, num_classes=10), lambda: TorchVGG(CONFIGS["D"], True, 0.125, 32, 10), 32),
    ("alexnet", dict(hidden=32, num_classes=10), lambda: TorchAlexNet(32, 10), 63),
    ("googlenet", dict(aux_logits=True, num_classes=10), lambda: TorchGoogLeNet(10, False), 32),
    ("densenet121", dict(growth_rate=8, num_init_features=16, bn_size=2, num_classes=10),
     lambda: TorchDenseNet(8, (6, 12, 24, 16), 16, 2, 10), 32),
]


@pytest.mark.parametrize("name, kwargs, make_twin, side", CASES, ids=[c[0] for c in CASES])
def test_torchvision_format_weights_load_strictly_and_give_torchs_outputs(tmp_path, name, kwargs,
                                                                          make_twin, side):
    torch.manual_seed(0)
    twin = with_moved_statistics(make_twin())
    torch.save(twin.state_dict(), tmp_path / f"{name}.pth")
    net = models.create(name, **kwargs).double()
    net.load_state_dict(tg.load(tmp_path / f"{name}.pth"), strict=True)
    same_outputs(net, twin, side)
    # and the other way: our weights, saved as .pth, in torch's twin
    tg.save(net.state_dict(), tmp_path / "ours.pth")
    fresh = make_twin().double().eval()
    fresh.load_state_dict(torch.load(tmp_path / "ours.pth", weights_only=True), strict=True)
    same_outputs(net, fresh, side)


BLOCK_TORCH = """
import sys
class NoTorch:
    def find_spec(self, name, path=None, target=None):
        if name == "torch" or name.startswith("torch."):
            raise ImportError("torch is blocked in this process")
sys.meta_path.insert(0, NoTorch())
"""


def test_resnet18_saved_by_torch_loads_without_torch_and_ours_loads_in_torch(tmp_path):
    torch.manual_seed(0)
    twin = with_moved_statistics(TorchResNet(TorchBasic, [2, 2, 2, 2], 64, 1000))
    torch.save(twin.state_dict(), tmp_path / "resnet18.pth")
    x = np.random.default_rng(2).standard_normal((1, 3, 64, 64))
    with torch.no_grad():
        np.save(tmp_path / "expected.npy", twin(torch.tensor(x)).numpy())
    np.save(tmp_path / "x.npy", x)
    script = BLOCK_TORCH + textwrap.dedent(f"""
        import numpy as np
        import models, tinygrad_cnn as tg
        folder = {str(tmp_path)!r}
        state = tg.load(folder + "/resnet18.pth")
        net = models.create("resnet18").double()
        net.load_state_dict(state, strict=True)
        net.eval()
        with tg.no_grad():
            ours = net(tg.tensor(np.load(folder + "/x.npy"), dtype=tg.float64)).detach().numpy()
        expected = np.load(folder + "/expected.npy")
        np.testing.assert_allclose(ours, expected, rtol=1e-9, atol=1e-9 * abs(expected).max())
        single = models.create("resnet18", weights=folder + "/resnet18.pth").eval()
        with tg.no_grad():
            ours32 = single(tg.tensor(np.load(folder + "/x.npy"), dtype=tg.float32)).detach().numpy()
        np.testing.assert_allclose(ours32, expected, rtol=1e-3, atol=1e-4 * abs(expected).max())
        tg.save(net.state_dict(), folder + "/ours.pth")
        np.save(folder + "/ours.npy", ours)
        assert "torch" not in sys.modules
        print("loaded without torch")
    """)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "loaded without torch" in done.stdout
    fresh = TorchResNet(TorchBasic, [2, 2, 2, 2], 64, 1000).double().eval()
    fresh.load_state_dict(torch.load(tmp_path / "ours.pth", weights_only=True), strict=True)
    ours = np.load(tmp_path / "ours.npy")
    with torch.no_grad():
        np.testing.assert_allclose(fresh(torch.tensor(x)).numpy(), ours, rtol=1e-9,
                                   atol=1e-9 * np.abs(ours).max())
