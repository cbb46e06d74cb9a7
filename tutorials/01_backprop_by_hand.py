"""Lesson 1: backpropagation through a tiny CNN, by hand and by `loss.backward()`.

The network is the X-and-O example of the lecture notes (seed 000): a 9×9 image of ±1 pixels,
one 3×3 "diagonal" feature, ReLU, 2×2 max-pooling and a fully connected layer to two scores
(X or O), trained with cross-entropy. We

  1. run the forward pass step by step with numpy, keeping every intermediate array;
  2. run the backward pass by hand, one chain-rule step per layer, each written as the math;
  3. run the same network with tinygrad_cnn and check that `loss.backward()` gives the same
     gradients, and that both agree with finite differences (`tg.gradcheck`).

    python tutorials/01_backprop_by_hand.py
"""
import numpy as np

import tinygrad_cnn as tg
import tinygrad_cnn.nn.functional as F
from tinygrad_cnn.data.datasets.xo import X_IMAGE

# The diagonal feature of seed 000 (+1 on the main diagonal, -1 elsewhere), divided by 9 so that
# a perfect match scores 1.
FEATURE = (2 * np.eye(3) - 1) / 9


def forward_by_hand(x, w, fc_w, fc_b, label):
    """Every intermediate of the forward pass, as numpy arrays (batch and channel dropped)."""
    H = x.shape[0] - 2                                            # 7: valid 3×3 windows
    z = np.array([[np.sum(x[i:i + 3, j:j + 3] * w) for j in range(H)] for i in range(H)])  # (7, 7)
    a = np.maximum(z, 0)                                          # ReLU
    p = a[:6, :6].reshape(3, 2, 3, 2).max(axis=(1, 3))           # (3, 3): floor(7/2) = 3 windows
    f = p.reshape(-1)                                             # (9,)
    scores = fc_w @ f + fc_b                                      # (2,)
    probs = np.exp(scores - scores.max())
    probs /= probs.sum()
    loss = -np.log(probs[label])
    return dict(z=z, a=a, p=p, f=f, scores=scores, probs=probs, loss=loss)


def backward_by_hand(x, w, fc_w, label, cache):
    """The chain rule, one layer at a time, from dL/dscores back to dL/dw."""
    # cross-entropy after softmax: dL/dscores = probs - onehot(label)
    dscores = cache["probs"].copy()
    dscores[label] -= 1                                           # (2,)
    # fully connected: scores = W f + b  =>  dW = dscores fᵀ, db = dscores, df = Wᵀ dscores
    dfc_w = np.outer(dscores, cache["f"])                         # (2, 9)
    dfc_b = dscores                                               # (2,)
    dp = (fc_w.T @ dscores).reshape(3, 3)                         # (3, 3)
    # max-pool: each window's gradient goes to the position that held its maximum
    da = np.zeros_like(cache["a"])                                # (7, 7); row/col 6 fed no window
    for i in range(3):
        for j in range(3):
            window = cache["a"][2 * i:2 * i + 2, 2 * j:2 * j + 2]
            r, c = np.unravel_index(np.argmax(window), (2, 2))   # first maximum on ties
            da[2 * i + r, 2 * j + c] += dp[i, j]
    # ReLU: passes the gradient where its input was positive (0 at the kink, by convention)
    dz = da * (cache["z"] > 0)                                    # (7, 7)
    # convolution (cross-correlation): dL/dw[u, v] = sum_ij dz[i, j] x[i + u, j + v]
    dw = np.array([[np.sum(dz * x[u:u + 7, v:v + 7]) for v in range(3)] for u in range(3)])
    return dict(dw=dw, dfc_w=dfc_w, dfc_b=dfc_b)


def tiny_cnn(x, w, fc_w, fc_b):
    """The same network with the framework's ops (NCHW, batch 1)."""
    a = F.relu(F.conv2d(x, w))                                    # (1, 1, 7, 7)
    p = F.max_pool2d(a, 2)                                        # (1, 1, 3, 3)
    return F.linear(p.flatten(1), fc_w, fc_b)                     # (1, 2)


def main():
    rng = np.random.default_rng(0)
    x, w = X_IMAGE.astype(np.float64), FEATURE.copy()
    fc_w, fc_b, label = rng.standard_normal((2, 9)) * 0.5, np.zeros(2), 0  # class 0 = X

    cache = forward_by_hand(x, w, fc_w, fc_b, label)
    print("first row of the X's feature map (seed 000 cuts 0.777… to 0.77: 0.77 -0.11 0.11 0.33 0.55 -0.11 0.33):")
    print(np.array2string(cache["z"][0], precision=2))
    print(f"pooled 3×3 map:\n{np.array2string(cache['p'], precision=2)}")
    print(f"scores {cache['scores']}, loss {cache['loss']:.4f}")
    by_hand = backward_by_hand(x, w, fc_w, label, cache)

    as_tensor = lambda a: tg.tensor(a, dtype=tg.float64, requires_grad=True)  # noqa: E731
    params = [as_tensor(w[None, None]), as_tensor(fc_w), as_tensor(fc_b)]
    image = tg.tensor(x[None, None], dtype=tg.float64)
    loss = F.cross_entropy(tiny_cnn(image, *params), tg.tensor([label]))
    loss.backward()
    assert np.isclose(loss.item(), cache["loss"])
    for name, ours, theirs in zip(("conv weight", "fc weight", "fc bias"),
                                  (by_hand["dw"], by_hand["dfc_w"], by_hand["dfc_b"]), params):
        np.testing.assert_allclose(ours.reshape(theirs.shape), theirs.grad.numpy(), atol=1e-12)
        print(f"dL/d{name}: by hand == loss.backward() (max |g| = {np.abs(ours).max():.4f})")

    # Finite differences: (L(θ + ε) − L(θ − ε)) / 2ε for every parameter entry. The clean X is
    # symmetric, so several pooling windows hold two equal maxima: a kink, where the derivative
    # is a convention (the first maximum takes it all) and finite differences straddle two
    # branches. A little noise moves the check away from the kinks.
    noisy = tg.tensor((x + 0.05 * rng.standard_normal(x.shape))[None, None], dtype=tg.float64)
    tg.gradcheck(lambda *ps: F.cross_entropy(tiny_cnn(noisy, *ps), tg.tensor([label])), params)
    print("gradcheck on a noisy X: analytic gradients match central differences")
    return by_hand


if __name__ == "__main__":
    main()
