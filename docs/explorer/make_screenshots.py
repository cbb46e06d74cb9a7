"""Write the explorer pages and screenshots the README shows:

    lenet5.html           LeNet-5's loss on one test digit (open it in a browser)
    lenet5_maxpool.png    its max-pool node clicked: the gradient routed to each window's winner
    resnet18_step.png     ResNet-18 at batch 1, folded to depth 2, eight steps into backward

Run from the repository root: python docs/explorer/make_screenshots.py (needs Graphviz's `dot`
and Chromium; takes about half a minute)."""
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

import models  # noqa: E402
import tinygrad_cnn as tg  # noqa: E402
import tinygrad_cnn.nn.functional as F  # noqa: E402
from tinygrad_cnn.train import load  # noqa: E402


def screenshot(page: Path, fragment: str, png: Path, size=(1500, 940)) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update",
                        "--disable-sync", "--hide-scrollbars", f"--user-data-dir={profile}",
                        f"--window-size={size[0]},{size[1]}", f"--screenshot={png}",
                        page.resolve().as_uri() + "#" + fragment],
                       check=True, capture_output=True, timeout=120)
    print(f"wrote {png.relative_to(HERE.parents[1])}")


def main() -> None:
    tg.manual_seed(0)
    data = load("digits", limit=64)
    images, labels = data.test.tensors
    net = models.create("lenet5", activation="relu", pooling="max")
    loss = F.cross_entropy(net(tg.tensor(images[:1])), tg.tensor(labels[:1]))
    page = tg.viz.explore(loss, params=net, path=HERE / "lenet5.html",
                          grads_of=f"L = cross_entropy(output, {int(labels[0])}) of a test digit")
    (pool,) = [i for i, v in page.data["vertices"].items() if v["scope"] == "pool1"]
    screenshot(page.path, f"select={pool}&scroll=backward", HERE / "lenet5_maxpool.png")

    net = models.create("resnet18")
    net.eval()
    loss = F.cross_entropy(net(tg.randn(1, 3, 224, 224)), tg.tensor([0]))
    with tempfile.TemporaryDirectory() as folder:
        page = tg.viz.explore(loss, params=net, path=Path(folder) / "resnet18.html")
        print(f"ResNet-18 page: {len(page.html.encode()) / 1e6:.2f} MB")
        screenshot(page.path, "steps=8", HERE / "resnet18_step.png")


if __name__ == "__main__":
    main()
