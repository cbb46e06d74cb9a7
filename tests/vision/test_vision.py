"""tinygrad_cnn.vision: torchvision's transforms on PIL images, arrays and tensors; datasets with
torchvision's signatures; make_grid / save_image; the model builders."""
import numpy as np
import pytest

import tinygrad_cnn as tg
import tinygrad_cnn.vision as torchvision
from tinygrad_cnn.vision import transforms



def _image(h=6, w=8, c=3):
    return np.arange(h * w * c, dtype=np.uint8).reshape(h, w, c)


def test_to_tensor_takes_hwc_uint8_to_chw_floats_in_unit_range():
    x = transforms.ToTensor()(_image())
    assert x.shape == (3, 6, 8) and x.dtype == tg.float32
    np.testing.assert_allclose(x.detach().numpy(), _image().transpose(2, 0, 1) / 255.0, rtol=1e-6)
    assert transforms.ToTensor()(np.zeros((4, 5), np.uint8)).shape == (1, 4, 5)
    assert transforms.PILToTensor()(_image()).dtype == tg.uint8


def test_normalize_on_tensors_is_per_channel_and_differentiable():
    x = tg.ones(2, 3, 3, requires_grad=True)
    y = transforms.Normalize((0.5, 0.25), (0.5, 0.25))(x)
    assert y[0].detach().numpy().tolist() == np.ones((3, 3)).tolist() and y[1, 0, 0].item() == 3.0
    y.sum().backward()
    assert x.grad[1, 0, 0].item() == 4.0
    with pytest.raises(ValueError, match="2 means and 2 stds for a tensor with 3 channels"):
        transforms.Normalize((0.5, 0.5), (1, 1))(tg.zeros(3, 2, 2))


@pytest.mark.parametrize("form", ["array", "tensor", "pil"])
def test_geometric_transforms_keep_the_input_form(form):
    image = _image(10, 12)
    if form == "tensor":
        image = tg.tensor(image.transpose(2, 0, 1))
    elif form == "pil":
        Image = pytest.importorskip("PIL.Image")
        image = Image.fromarray(image)
    tg.manual_seed(0)
    for t, (h, w) in [(transforms.CenterCrop(4), (4, 4)), (transforms.Resize((5, 6)), (5, 6)),
                      (transforms.Resize(5), (5, 6)), (transforms.RandomCrop(8, padding=1), (8, 8)),
                      (transforms.RandomResizedCrop(7), (7, 7)),
                      (transforms.RandomHorizontalFlip(1.0), (10, 12)),
                      (transforms.RandomVerticalFlip(1.0), (10, 12))]:
        out = t(image)
        assert type(out) is type(image), t
        size = (out.height, out.width) if form == "pil" else \
            tuple(out.shape[1:]) if form == "tensor" else out.shape[:2]
        assert size == (h, w), (t, size)


def test_center_crop_and_flip_values():
    image = _image(4, 4, 1)[:, :, 0]
    assert transforms.CenterCrop(2)(image).tolist() == image[1:3, 1:3].tolist()
    assert transforms.RandomHorizontalFlip(1.0)(image).tolist() == image[:, ::-1].tolist()
    padded = transforms.CenterCrop(6)(image)                  # larger than the image: zero pad
    assert padded.shape == (6, 6) and padded[0].sum() == 0 and padded[1:5, 1:5].tolist() == image.tolist()


def test_compose_and_lambda():
    pipeline = transforms.Compose([transforms.ToTensor(), transforms.Lambda(lambda t: t * 2)])
    assert pipeline(np.full((2, 2), 255, np.uint8)).numpy().max() == 2.0


def test_fashion_mnist_from_the_debian_package_or_a_clear_error(tmp_path):
    try:
        data = torchvision.datasets.FashionMNIST(str(tmp_path), train=False,
                                                 transform=transforms.ToTensor())
    except RuntimeError as err:
        assert "Dataset not found" in str(err)
        pytest.skip("Fashion-MNIST is not installed (apt install dataset-fashion-mnist)")
    image, label = data[0]
    assert len(data) == 10000 and image.shape == (1, 28, 28) and 0 <= label < 10
    assert data.data.shape == (10000, 28, 28) and data.classes[0] == "T-shirt/top"


def test_download_true_explains_instead_of_waiting(tmp_path):
    with pytest.raises(RuntimeError, match="does not download"):
        torchvision.datasets.MNIST(str(tmp_path), download=True)


def test_image_folder_reads_classes_from_directories(tmp_path):
    for name, count in (("cat", 2), ("dog", 1)):
        (tmp_path / name).mkdir()
        for i in range(count):
            np.save(tmp_path / name / f"{i}.npy", np.full((4, 4, 3), i, np.uint8))
    data = torchvision.datasets.ImageFolder(str(tmp_path), transform=transforms.ToTensor())
    assert data.classes == ["cat", "dog"] and data.targets == [0, 0, 1] and len(data) == 3
    assert data[2][0].shape == (3, 4, 4) and data[2][1] == 1


def test_fake_data_is_repeatable_and_shaped():
    data = torchvision.datasets.FakeData(5, (3, 8, 6), num_classes=4, transform=transforms.ToTensor())
    first, again = data[1], data[1]
    assert first[0].shape == (3, 8, 6) and first[1] == again[1] and 0 <= first[1] < 4
    assert np.array_equal(first[0].numpy(), again[0].detach().numpy())


def test_make_grid_tiles_with_padding_as_torchvision():
    images = tg.ones(5, 1, 2, 3)
    grid = torchvision.utils.make_grid(images, nrow=2, padding=1, pad_value=0.5)
    # 3 rows x 2 columns of (2 + 1) x (3 + 1) cells plus the outer padding line
    assert grid.shape == (3, 3 * 3 + 1, 2 * 4 + 1)
    assert grid[0, 0, 0].item() == 0.5 and grid[0, 1, 1].item() == 1.0
    assert grid[:, 7:9, 5:8].numpy().tolist() == np.full((3, 2, 3), 0.5).tolist()  # empty 6th cell
    scaled = torchvision.utils.make_grid(tg.tensor([[[[2.0, 4.0]]]]), normalize=True)
    assert scaled.detach().numpy().tolist() == [[[0.0, 1.0]]] * 3


def test_save_image_writes_a_png(tmp_path):
    Image = pytest.importorskip("PIL.Image")
    path = tmp_path / "grid.png"
    torchvision.utils.save_image(tg.rand(4, 3, 5, 5), str(path), nrow=2)
    assert Image.open(path).size == (2 * 7 + 2, 2 * 7 + 2)


def test_models_are_the_zoo_without_pretrained_weights():
    net = torchvision.models.resnet18(num_classes=10)
    assert net.eval()(tg.randn(1, 3, 32, 32)).shape == (1, 10)
    with pytest.raises(AttributeError, match="not supported in tinygrad_cnn: torchvision.models.resnet18"):
        torchvision.models.resnet18(weights="IMAGENET1K_V1")


def test_grayscale_pad_and_to_pil_image():
    rgb = np.zeros((2, 2, 3), np.uint8)
    rgb[..., 0] = 100
    assert transforms.Grayscale()(rgb)[..., 0].tolist() == [[30, 30], [30, 30]]  # 0.299 * 100, rounded
    assert transforms.Grayscale(3)(tg.tensor(np.ones((3, 2, 2), np.float32))).shape == (3, 2, 2)
    padded = transforms.Pad((1, 2), fill=7)(np.zeros((2, 3), np.uint8))
    assert padded.shape == (2 + 4, 3 + 2) and padded[0, 0] == 7 and padded[2, 1] == 0
    Image = pytest.importorskip("PIL.Image")
    pil = transforms.ToPILImage()(tg.ones(3, 4, 5) * 0.5)
    assert isinstance(pil, Image.Image) and pil.size == (5, 4) and pil.getpixel((0, 0)) == (127, 127, 127)
    assert transforms.Grayscale()(pil).mode == "L"
