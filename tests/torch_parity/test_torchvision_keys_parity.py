"""Where torchvision is installed: every state_dict key, in order, with its shape, equals
torchvision's for the same architecture (so its pretrained weights load with strict=True)."""
import pytest

tv_models = pytest.importorskip("torchvision.models")

import models  # noqa: E402

# (our name, torchvision builder name, kwargs for both, extra kwargs for torchvision only)
CASES = [
    ("alexnet", "alexnet", {}, {}),
    ("vgg11_bn", "vgg11_bn", {}, {}),
    ("vgg16", "vgg16", {}, {}),
    ("resnet18", "resnet18", {}, {}),
    ("resnet50", "resnet50", {}, {}),
    ("densenet121", "densenet121", {}, {}),
    ("densenet161", "densenet161", {}, {}),
    ("googlenet", "googlenet", {"aux_logits": False}, {"init_weights": False}),
    ("googlenet", "googlenet", {"aux_logits": True}, {"init_weights": False}),
]


@pytest.mark.parametrize("ours, theirs, kwargs, extra", CASES,
                         ids=[f"{c[0]}{'-aux' if c[2].get('aux_logits') else ''}" for c in CASES])
def test_state_dict_keys_and_shapes_equal_torchvision(ours, theirs, kwargs, extra):
    reference = getattr(tv_models, theirs)(weights=None, **kwargs, **extra).state_dict()
    mine = models.create(ours, **kwargs).state_dict()
    assert [(k, tuple(v.shape)) for k, v in mine.items()] == \
        [(k, tuple(v.shape)) for k, v in reference.items()]
