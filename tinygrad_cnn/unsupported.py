"""What a PyTorch script may reach for that tinygrad_cnn does not have: one error kind and one
wording, "not supported in tinygrad_cnn: <torch API>", raised by the namespaces' module-level
__getattr__ (so `torch.compile` fails at the line that names it, not deep inside).

NotSupportedError is an AttributeError, so `hasattr(torch, "compile")` and
`getattr(torch, "compile", None)` answer as they do for any missing attribute."""

# PyTorch APIs people meet in tutorials, with what to do instead
HINTS = {
    "torch.compile": "models run eagerly; call the model directly",
    "torch.jit": "there is no TorchScript; save weights with torch.save(model.state_dict(), ...)",
    "torch.distributed.init_process_group": "training runs in one process on the CPU",
    "torch.multiprocessing.spawn": "training runs in one process on the CPU",
    "torch.autocast(enabled=True)": "mixed precision needs a GPU; pass enabled=False (the "
                                    "AMP recipe's use_amp=False path) to compute in float32",
    "torch.bfloat16": "numpy has no bfloat16; use float32",
    "torch.fft": "no FFTs; numpy.fft works on tensor.numpy()",
    "torch.linalg": "no linear-algebra namespace; numpy.linalg works on tensor.numpy()",
    "torch.sparse": "tensors are dense numpy arrays",
    "torch.hub": "no downloads; tinygrad_cnn.vision.models has the zoo",
    "torch.onnx": "no ONNX export",
    "torch.utils.tensorboard": "log with print or matplotlib (tinygrad_cnn.viz plots curves)",
    "torchvision.datasets.ImageNet": "no downloads or ImageNet archives; point ImageFolder at "
                                     "extracted class folders",
    "torchvision.transforms.AutoAugment": "no learned augmentation policies; compose "
                                          "ColorJitter, RandomRotation, RandomResizedCrop, ...",
    "torchvision.transforms.RandAugment": "no augmentation policies; compose ColorJitter, "
                                          "RandomRotation, RandomResizedCrop, ...",
    "torchvision.transforms.TrivialAugmentWide": "no augmentation policies; compose ColorJitter, "
                                                 "RandomRotation, RandomResizedCrop, ...",
    "torchvision.transforms.v2": "use torchvision.transforms (v1 names)",
}


class NotSupportedError(AttributeError):
    """A PyTorch API that tinygrad_cnn does not provide."""


def not_supported(api: str) -> NotSupportedError:
    """The error for a missing PyTorch API, e.g. not_supported("torch.compile")."""
    hint = HINTS.get(api)
    return NotSupportedError(f"not supported in tinygrad_cnn: {api}" + (f" ({hint})" if hint else ""))


def namespace_getattr(torch_name: str):
    """A module-level __getattr__ for the namespace PyTorch calls `torch_name`."""
    def __getattr__(name: str):
        if name.startswith("__"):        # import machinery and introspection probes
            raise AttributeError(f"module {torch_name!r} has no attribute {name!r}")
        raise not_supported(f"{torch_name}.{name}")
    return __getattr__
