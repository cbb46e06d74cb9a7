"""The torch namespace a ported script reaches for: dtype objects, Size, the CPU-only answers
of cuda/backends/accelerator, utils.data, grad-mode switches and the "not supported" errors."""
import copy
import os
import pickle

import numpy as np
import pytest

import tinygrad_cnn as tg
import tinygrad_cnn.nn as nn


def test_dtype_objects_print_as_pytorch_and_stand_in_for_numpy_dtypes():
    assert (str(tg.float32), repr(tg.float), str(tg.long), str(tg.double), str(tg.bool)) == \
        ("torch.float32", "torch.float32", "torch.int64", "torch.float64", "torch.bool")
    assert tg.float is tg.float32 and tg.long is tg.int64 and tg.int is tg.int32
    assert tg.float32 == np.float32 and np.float32 == tg.float32 and tg.float32 == np.dtype("f4")
    assert tg.float32 != np.float64 and tg.float32 != tg.float64 and not tg.float64 == None  # noqa
    assert {np.dtype(np.float32): "found"}[tg.float32] == "found"
    assert np.zeros(2, dtype=tg.int64).dtype == np.int64 and np.dtype(tg.uint8) == np.uint8
    assert np.issubdtype(tg.float16, np.floating) and tg.float32.kind == "f"
    assert tg.float32.is_floating_point and not tg.long.is_floating_point and tg.double.itemsize == 8
    assert isinstance(tg.float32, tg.dtype)
    assert copy.deepcopy(tg.float32) is tg.float32 and pickle.loads(pickle.dumps(tg.long)) is tg.long


def test_tensors_report_dtype_objects_and_accept_them_everywhere():
    x = tg.tensor([1.5, 2.5])
    assert x.dtype is tg.float32 and x.dtype == np.float32
    assert x.to(tg.float64).dtype is tg.float64 and x.type(tg.long).tolist() == [1, 2]
    assert x.type() == "torch.FloatTensor" and x.long().type() == "torch.LongTensor"
    assert x.type("torch.DoubleTensor").dtype == tg.double
    assert repr(x.double()) == "tensor([1.5, 2.5], dtype=torch.float64)"
    for make in (lambda **k: tg.zeros(2, **k), lambda **k: tg.ones(2, **k),
                 lambda **k: tg.rand(2, **k), lambda **k: tg.randn(2, **k),
                 lambda **k: tg.full((2,), 3, **k), lambda **k: tg.arange(2, **k),
                 lambda **k: tg.tensor([1, 2], **k), lambda **k: tg.empty(2, **k),
                 lambda **k: tg.zeros_like(x, **k), lambda **k: tg.randn_like(x, **k),
                 lambda **k: tg.eye(2, **k), lambda **k: tg.linspace(0, 1, 2, **k)):
        assert make(dtype=tg.float64, device="cpu").dtype is tg.float64
        assert make(dtype="float64", device=tg.device("cpu")).dtype is tg.float64
    assert tg.randint(0, 5, (3,), dtype=tg.int32).dtype is tg.int32
    assert tg.full((2,), True).dtype is tg.bool and tg.full((2,), 1).dtype is tg.long


def test_size_is_a_tuple_that_prints_as_pytorch():
    x = tg.zeros(2, 3)
    assert isinstance(x.shape, tg.Size) and isinstance(x.size(), tuple) and x.size() == (2, 3)
    assert str(x.shape) == "torch.Size([2, 3])" and x.size(1) == 3 and x.shape.numel() == 6
    assert isinstance(x.shape[1:], tg.Size) and x.shape[1:] == (3,)


def test_tensor_conveniences_tutorials_use():
    classes = ("plane", "car", "bird")
    label = tg.tensor(2)
    assert classes[label] == "bird" and int(label) == 2 and list(range(label)) == [0, 1]
    with pytest.raises(TypeError, match="only integer tensors of a single element"):
        classes[tg.tensor(1.0)]
    assert f"{tg.tensor(0.123456):.3f}" == "0.123"
    with pytest.raises(TypeError):
        f"{tg.zeros(2):.3f}"
    a, b = tg.tensor([1, 2, 3]), tg.tensor([1, 0, 3])
    assert a.eq(b).tolist() == [True, False, True] and a.ne(b).sum().item() == 1
    assert tg.arange(6).view_as(tg.zeros(2, 3)).shape == (2, 3)
    m = tg.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert m.t().tolist() == [[1.0, 3.0], [2.0, 4.0]] and m.pow(2).tolist() == [[1, 4], [9, 16]]
    assert tg.mm(m, m).tolist() == (m.detach().numpy() @ m.detach().numpy()).tolist()
    assert tg.pow(2, tg.tensor([1.0, 3.0])).tolist() == [2.0, 8.0]
    batch = tg.randn(4, 2, 3)
    assert tg.bmm(batch, tg.randn(4, 3, 5)).shape == (4, 2, 5)
    with pytest.raises(ValueError, match="mm: both arguments must be 2-D"):
        tg.mm(batch, m)
    values, indices = tg.tensor([[1.0, 5.0, 3.0]]).topk(2, dim=1)
    assert values.tolist() == [[5.0, 3.0]] and indices.tolist() == [[1, 2]]
    assert np.asarray(m).tolist() == m.tolist()


def test_gather_and_topk_send_gradients_back_to_the_picked_places():
    q = tg.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    picked = q.gather(1, tg.tensor([[2], [0]]))
    assert picked.tolist() == [[3.0], [4.0]]
    (picked.sum() + q.topk(1).values.sum()).backward()
    assert q.grad.tolist() == [[0.0, 0.0, 2.0], [1.0, 0.0, 1.0]]


def test_cpu_only_answers():
    assert not tg.cuda.is_available() and tg.cuda.device_count() == 0
    assert tg.cuda.manual_seed(0) is None and tg.cuda.manual_seed_all(0) is None
    with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled"):
        tg.cuda.current_device()
    tg.backends.cudnn.benchmark = True
    assert tg.backends.cudnn.benchmark and not tg.backends.mps.is_available()
    tg.backends.cudnn.benchmark = False
    assert not tg.accelerator.is_available() and tg.accelerator.current_accelerator() is None
    assert not tg.zeros(1).is_cuda and tg.zeros(1).get_device() == -1


def test_utils_data_is_the_data_package_under_pytorchs_path():
    import tinygrad_cnn.utils.data as data
    from tinygrad_cnn.utils.data import DataLoader, Dataset
    assert tg.utils.data.DataLoader is DataLoader is tg.data.DataLoader
    assert data.TensorDataset is tg.data.TensorDataset and Dataset is tg.data.Dataset


def test_grad_mode_switches():
    x = tg.ones(2, requires_grad=True)
    with tg.inference_mode():
        assert (x * 2).grad_fn is None
    with tg.set_grad_enabled(False):
        assert not tg.is_grad_enabled()
    assert tg.is_grad_enabled()
    tg.set_grad_enabled(False)
    assert not tg.is_grad_enabled()
    tg.set_grad_enabled(True)

    @tg.set_grad_enabled(False)
    def evaluate():
        return tg.is_grad_enabled()

    assert tg.is_grad_enabled() and evaluate() is False and tg.is_grad_enabled()


@pytest.mark.parametrize("reach, api", [
    (lambda: tg.compile, "torch.compile"), (lambda: tg.bfloat16, "torch.bfloat16"),
    (lambda: tg.zeros(1).pin_memory, "torch.Tensor.pin_memory"),
    (lambda: nn.TransformerEncoderLayer, "torch.nn.TransformerEncoderLayer"),
    (lambda: tg.nn.functional.ctc_loss, "torch.nn.functional.ctc_loss"),
    (lambda: tg.optim.LBFGS, "torch.optim.LBFGS")])
def test_missing_apis_say_not_supported_and_name_the_torch_api(reach, api):
    with pytest.raises(AttributeError, match=f"not supported in tinygrad_cnn: {api}"):
        reach()
    assert not hasattr(tg, "compile")


def test_default_dtype_is_float32_and_only_float32():
    assert tg.get_default_dtype() is tg.float32
    tg.set_default_dtype(tg.float32)
    with pytest.raises(NotImplementedError, match="not supported in tinygrad_cnn"):
        tg.set_default_dtype(tg.float64)


def test_generator_objects_seed_their_own_stream():
    from tinygrad_cnn.utils.data import random_split
    g = tg.Generator().manual_seed(42)
    assert g.initial_seed() == 42
    first = [list(s) for s in random_split(range(10), [7, 3], generator=g)]
    again = [list(s) for s in random_split(range(10), [7, 3], generator=tg.Generator().manual_seed(42))]
    assert first == again and sorted(first[0] + first[1]) == list(range(10))
    tg.manual_seed(5)
    assert tg.randn(3).tolist() == tg.randn(3, generator=tg.Generator().manual_seed(5)).tolist()


def test_the_amp_recipe_runs_with_amp_disabled():
    model = nn.Linear(3, 1)
    opt = tg.optim.SGD(model.parameters(), lr=0.1)
    scaler = tg.amp.GradScaler("cuda", enabled=True)   # no CUDA: disabled, as PyTorch does
    with tg.autocast(device_type="cpu", dtype=tg.float16, enabled=False):
        loss = model(tg.ones(2, 3)).sum()
    before = model.weight.detach().numpy().copy()
    scaler.scale(loss).backward()
    scaler.step(opt)
    scaler.update()
    assert not scaler.is_enabled() and scaler.get_scale() == 1.0
    assert not np.array_equal(before, model.weight.detach().numpy())
    assert tg.cuda.amp.GradScaler is tg.amp.GradScaler
    with pytest.raises(AttributeError, match=r"not supported in tinygrad_cnn: torch.autocast\(enabled=True\)"):
        tg.autocast("cpu")


def test_threads_and_determinism_switches():
    count = os.cpu_count() or 1                 # BLAS's own default, so later tests are unchanged
    tg.set_num_threads(count)
    assert tg.get_num_threads() == count
    tg.use_deterministic_algorithms(True)
    assert tg.are_deterministic_algorithms_enabled()
    tg.use_deterministic_algorithms(False)
    with pytest.raises(ValueError, match="positive integer"):
        tg.set_num_threads(0)


def test_legacy_constructors_one_argument_where_and_transfer_keywords():
    assert tg.FloatTensor([1, 2]).dtype is tg.float32 and tg.LongTensor(2, 3).shape == (2, 3)
    assert tg.tensor([1.5]).type(tg.LongTensor).dtype is tg.long
    rows, cols = tg.where(tg.tensor([[True, False], [False, True]]))
    assert rows.tolist() == [0, 1] and cols.tolist() == [0, 1] and rows.dtype is tg.long
    x = tg.zeros(2)
    assert x.to("cpu", non_blocking=True) is x
    model = nn.Linear(2, 2)
    assert model.to("cpu", non_blocking=True) is model
    with pytest.raises(AssertionError, match="Torch not compiled with CUDA enabled"):
        model.cuda()


def test_single_process_answers_of_distributed_and_data_parallel():
    import tinygrad_cnn.distributed as dist
    from tinygrad_cnn.utils.data.distributed import DistributedSampler
    assert not dist.is_available() and not dist.is_initialized()
    with pytest.raises(ValueError, match="Default process group has not been initialized"):
        dist.get_rank()
    with pytest.raises(ValueError, match="Default process group has not been initialized"):
        DistributedSampler(range(5))
    with pytest.raises(ValueError, match="Default process group has not been initialized"):
        nn.parallel.DistributedDataParallel(nn.Linear(2, 2))
    sampler = DistributedSampler(range(5), num_replicas=2, rank=1, shuffle=False)
    assert list(sampler) == [1, 3, 0] and len(sampler) == 3           # PyTorch's padding
    shuffled = DistributedSampler(range(6), num_replicas=1, rank=0)
    first = list(shuffled)
    shuffled.set_epoch(1)
    assert sorted(first) == list(range(6)) and sorted(shuffled) == list(range(6))
    model = nn.DataParallel(nn.Linear(2, 2))
    assert list(model.state_dict()) == ["module.weight", "module.bias"] and model.device_ids == []
    assert model(tg.ones(3, 2)).shape == (3, 2)
    import tinygrad_cnn.multiprocessing as mp
    with pytest.raises(AttributeError, match="not supported in tinygrad_cnn: torch.multiprocessing.spawn"):
        mp.spawn(print)
    assert mp.cpu_count() >= 1


def test_module_twins_and_tensor_methods_share_one_rule():
    """torch.tril(x) and x.tril() are one function (select, so an inf above the diagonal stays
    out); torch.dot(a, b) and a.dot(b) refuse unequal lengths alike."""
    x = tg.tensor([[1.0, float("inf")], [2.0, 3.0]])
    assert tg.tril(x).tolist() == x.tril().tolist() == [[1.0, 0.0], [2.0, 3.0]]
    for call in (lambda: tg.dot(tg.ones(2), tg.ones(3)), lambda: tg.ones(2).dot(tg.ones(3))):
        with pytest.raises(RuntimeError, match="inconsistent tensor size"):
            call()
