"""Winograd's minimal filtering F(2x2, 3x3): the 3x3, stride-1, undilated convolutions of
ops/conv.py (the math to read first) with 16 multiplications per 2x2 output tile instead of 36.

One dimension first. Two outputs of a 3-tap correlation, y_i = sum_p g_p d_(i+p) (i = 0, 1),
read a tile of four inputs d_0..d_3 and are computed as

    y = A^T [ (G g) * (B^T d) ]          (* elementwise over 4 "frequencies" k)

    B^T = [[1, 0,-1, 0],     G = [[ 1,   0,   0 ],     A^T = [[1, 1, 1, 0],
           [0, 1, 1, 0],          [1/2, 1/2, 1/2],            [0, 1,-1,-1]]
           [0,-1, 1, 0],          [1/2,-1/2, 1/2],
           [0, 1, 0,-1]]          [ 0,   0,   1 ]]

(a polynomial product evaluated at 0, 1, -1 and infinity, then interpolated). In 2D the tile is
4x4, the transforms apply to rows and columns, and the channel sum becomes 16 matrix products,
one per frequency (a, b):

    forward   V[a,b] = (B^T d B)[a,b]     tiles of x, (T, C)      T = tiles = N * Ho/2 * Wo/2
              U[a,b] = (G w G^T)[a,b]     filters, (C, F)
              y_tile = A^T (V[a,b] @ U[a,b]) A

The gradients come from the same identity read as a trilinear form sum_k (A e)_k (G g)_k (B^T d)_k:
differentiating it by d or g instead of e gives the two backward products, with the SAME tiling:

    D[a,b]  = (A dy_tile A^T)[a,b]                                   (T, F)
    dw      = G^T (sum over tiles D[a,b]^T @ V[a,b]) G              (F, C) products, K = T
    dx_tile = B (D[a,b] @ U[a,b]^T) B^T,  tiles overlap-added       (T, C) products

Every transform is a handful of whole-array additions (the constants are 0, +-1, +-1/2, so
float64 stays exact to rounding); the 16 products are BLAS GEMMs with 2.25x fewer
multiply-adds than im2col's. Data is kept channels-last (C, or F, the contiguous axis) and the
columns of a tile are split by parity, so each addition runs over long contiguous blocks.
Nothing is saved between forward and backward but x and w: backward recomputes V.
"""
import numpy as np

from .layout import skewed

G = np.array([[1, 0, 0], [.5, .5, .5], [.5, -.5, .5], [0, 0, 1]])     # (4, 3)
KRON = np.einsum("ap,bq->pqab", G, G).reshape(9, 16)  # U = G w G^T as a map of the 9 taps of w
SIGN = np.array([1, 1, 1, -1])   # A's last row is -(0, 1): D is built with +, the sign goes here
BAND_BYTES = 2 * 2**20   # one band of 16 transformed blocks: cache-sized, where small-K GEMMs run fastest


def filter_transform(w):
    """U[a, b, c, f] = sum over p, q of G[a, p] G[b, q] w[f, c, p, q]:  (F, C, 3, 3) -> (16, C, F),
    as one product with KRON (9 taps -> 16 frequencies), batched over c."""
    F, C = w.shape[:2]
    U = np.matmul(KRON.T.astype(w.dtype), w.reshape(F, C, 9).transpose(1, 2, 0))  # (C, 16, F)
    return U.transpose(1, 0, 2)                          # a strided view BLAS reads as is


def filter_gradient(dW):
    """dw[f, c, p, q] = sum over a, b of G[a, p] G[b, q] dW[a, b, f, c]:  (16, F, C) -> (F, C, 3, 3)."""
    F, C = dW.shape[1:]
    return np.matmul(dW.reshape(16, F * C).T, KRON.T.astype(dW.dtype)).reshape(F, C, 3, 3)


def bands(N, tiles, channels, itemsize):
    """(images, tile rows) slices whose 16 transformed blocks hold about BAND_BYTES: several
    whole images, or a range of tile rows of one image. A band has at least `channels` tiles, so
    the weight-gradient products (K = tiles) stay efficient next to their (16, F, C) sums."""
    th, tw = tiles
    step = max(BAND_BYTES // (16 * tw * channels * itemsize), -(-channels // tw), 1)  # tile rows
    if step >= th:
        k = step // th
        return [(slice(n, min(n + k, N)), slice(0, th)) for n in range(0, N, k)]
    return [(slice(n, n + 1), slice(i, min(i + step, th))) for n in range(N) for i in range(0, th, step)]


def geometry(x_shape, pads):
    """Output size (Ho, Wo) and the 2x2 tiles covering it (th, tw)."""
    (_, _, H, W), ((top, bottom), (left, right)) = x_shape, pads
    Ho, Wo = H + top + bottom - 2, W + left + right - 2
    return (Ho, Wo), ((Ho + 1) // 2, (Wo + 1) // 2)


def padded_input(x, pads, tiles):
    """The zero-padded x, channels last, columns split by parity (zeros past the padding up to
    2*th+2 rows, 2*tw+2 columns):  (N, C, H, W) -> X (N, 2*th+2, 2, tw+1, C),
    X[n, r, s, j] = xp[n, :, r, 2j+s]."""
    N, C, H, W = x.shape
    (top, _), (left, _) = pads
    th, tw = tiles
    X = np.zeros((N, 2 * th + 2, 2, tw + 1, C), dtype=x.dtype)
    x = skewed(x)
    for s in (0, 1):                                     # x column w lands at 2j + s = w + left
        w0 = (s - left) % 2
        src = x[:, :, :, w0::2]
        j0 = (w0 + left) // 2
        X[:, top:top + H, s, j0:j0 + src.shape[3]] = src.transpose(0, 2, 3, 1)
    return X


def input_transform(X, images, rows):
    """V = B^T d B for the tiles of a band:  X -> V (16, n*G*tw, C), index 4a + b.
    A tile's columns 0..3 are X[..., 0, j], X[..., 1, j], X[..., 0, j+1], X[..., 1, j+1]."""
    C = X.shape[4]
    tw = X.shape[3] - 1
    d = [X[images, 2 * rows.start + r:2 * rows.stop + r:2] for r in range(4)]  # (n, G, 2, tw+1, C)
    R = np.empty((4,) + d[0].shape, dtype=X.dtype)       # B^T along rows
    np.subtract(d[0], d[2], out=R[0])
    np.add(d[1], d[2], out=R[1])
    np.subtract(d[2], d[1], out=R[2])
    np.subtract(d[1], d[3], out=R[3])
    e = [R[..., 0, :tw, :], R[..., 1, :tw, :], R[..., 0, 1:, :], R[..., 1, 1:, :]]  # tile columns
    V = np.empty((4, 4) + d[0].shape[:2] + (tw, C), dtype=X.dtype)  # B^T along columns
    np.subtract(e[0], e[2], out=V[:, 0])
    np.add(e[1], e[2], out=V[:, 1])
    np.subtract(e[2], e[1], out=V[:, 2])
    np.subtract(e[1], e[3], out=V[:, 3])
    return V.reshape(16, -1, C)


def output_transform(M, Y):
    """y_tile = A^T M A into Y (2, 2, n, G, tw, F) (output rows/columns by parity).  M: (16, n*G*tw, F)"""
    M = M.reshape((4, 4) + Y.shape[2:])
    S = np.empty((2,) + M.shape[1:], dtype=M.dtype)      # A^T along rows: (2, 4, n, G, tw, F)
    np.add(M[0], M[1], out=S[0])
    S[0] += M[2]
    np.subtract(M[1], M[2], out=S[1])
    S[1] -= M[3]
    for r in (0, 1):                                     # A^T along columns
        np.add(S[r, 0], S[r, 1], out=Y[r, 0])
        Y[r, 0] += S[r, 2]
        np.subtract(S[r, 1], S[r, 2], out=Y[r, 1])
        Y[r, 1] -= S[r, 3]


def forward(x, w, pads):
    """y = conv(x, w) for 3x3 stride 1:  (N, C, H, W), (F, C, 3, 3) -> (N, F, Ho, Wo)."""
    N, C = x.shape[:2]
    F = w.shape[0]
    (Ho, Wo), (th, tw) = geometry(x.shape, pads)
    U = filter_transform(w)                              # (16, C, F)
    X = padded_input(x, pads, (th, tw))
    Y = np.empty((2, 2, N, th, tw, F), dtype=x.dtype)    # outputs, channels last, by parity
    for images, rows in bands(N, (th, tw), max(C, F), x.itemsize):
        M = np.matmul(input_transform(X, images, rows), U)  # (16, n*G*tw, F)
        output_transform(M, Y[:, :, images, rows])
    y = np.empty((N, F, Ho, Wo), dtype=x.dtype)
    for r in (0, 1):
        for c in (0, 1):
            plane = Y[r, c][:, :len(range(r, Ho, 2)), :len(range(c, Wo, 2))]  # (N, rows, cols, F)
            y[:, :, r::2, c::2] = plane.transpose(0, 3, 1, 2)
    return y


def dy_planes(dy, tiles):
    """dy channels last, split by the parity of its rows and columns, zero past Ho, Wo:
    (N, F, Ho, Wo) -> (2, 2, N, th, tw, F)."""
    N, F, Ho, Wo = dy.shape
    th, tw = tiles
    planes = np.zeros((2, 2, N, th, tw, F), dtype=dy.dtype)
    dy = skewed(dy)
    for r in (0, 1):
        for c in (0, 1):
            src = dy[:, :, r::2, c::2]
            planes[r, c, :, :src.shape[2], :src.shape[3]] = src.transpose(0, 2, 3, 1)
    return planes


def dy_transform(P):
    """D = A dy_tile A^T with A's -1 left out (see SIGN):  P (2, 2, n, G, tw, F) -> D (16, n*G*tw, F)."""
    rows = [P[0], P[0] + P[1], P[0] - P[1], P[1]]        # A along rows: (2c, n, G, tw, F) each
    D = np.empty((4, 4) + P.shape[2:], dtype=P.dtype)
    for a, p in enumerate(rows):                         # A along columns
        D[a, 0] = p[0]
        np.add(p[0], p[1], out=D[a, 1])
        np.subtract(p[0], p[1], out=D[a, 2])
        D[a, 3] = p[1]
    return D.reshape(16, -1, P.shape[-1])


def dx_transform(Q, DX):
    """Add B Q B^T of every tile of a band onto DX (2, 2, n, G+1, tw+1, C), the band's part of
    the padded input gradient by row/column parity (tiles start 2 apart and overlap by 2).
    Along one axis, B sends a tile's q0..q3 to its positions 0..3 as (q0, q1 - q2 + q3, q1 + q2 - q0, -q3):
    positions 0, 1 are the tile's own even/odd pair, 2, 3 the next tile's.   Q: (16, G*tw, C)"""
    n, G, tw, C = DX.shape[2], DX.shape[3] - 1, DX.shape[4] - 1, DX.shape[5]
    Q = Q.reshape(4, 4, n, G, tw, C)
    Z = np.zeros((2, 4, n, G + 1, tw, C), dtype=Q.dtype)  # B along rows: (row parity, 4b, n, G+1, ...)
    t = np.add(Q[1], Q[2])
    t -= Q[0]
    Z[0, :, :, :G] = Q[0]
    Z[0, :, :, 1:] += t
    np.subtract(Q[1], Q[2], out=t)
    t += Q[3]
    Z[1, :, :, :G] = t
    Z[1, :, :, 1:] -= Q[3]
    for r in (0, 1):                                     # B along columns, added into DX
        z, out = Z[r], DX[r]                             # out: (2 column parities, n, G+1, tw+1, C)
        t = np.add(z[1], z[2])
        t -= z[0]
        out[0, ..., :tw, :] += z[0]
        out[0, ..., 1:, :] += t
        np.subtract(z[1], z[2], out=t)
        t += z[3]
        out[1, ..., :tw, :] += t
        out[1, ..., 1:, :] -= z[3]


def unpad_planes(DX, x_shape, pads, tiles):
    """The input gradient from the padded parity planes:  DX -> dx (N, C, H, W)."""
    N, C, H, W = x_shape
    (top, _), (left, _) = pads
    th, tw = tiles
    dx = np.empty(x_shape, dtype=DX.dtype)
    for r in (0, 1):
        for s in (0, 1):                                 # padded (2i + r, 2j + s) -> x (h, w)
            plane = DX[r, s]                             # (N, th+1, tw+1, C)
            h0, w0 = (r - top) % 2, (s - left) % 2
            i0, j0 = (h0 + top) // 2, (w0 + left) // 2
            rows, cols = len(range(h0, H, 2)), len(range(w0, W, 2))
            dx[:, :, h0::2, w0::2] = plane[:, i0:i0 + rows, j0:j0 + cols].transpose(0, 3, 1, 2)
    return dx


def backward(x, w, dy, pads, need_dx, need_dw):
    """(dx, dw) of forward, either None when not needed.   dy: (N, F, Ho, Wo)"""
    N, C = x.shape[:2]
    F = w.shape[0]
    _, (th, tw) = geometry(x.shape, pads)
    sign = np.outer(SIGN, SIGN).reshape(16, 1, 1).astype(dy.dtype)
    P = dy_planes(dy, (th, tw))
    if need_dx:
        Ut = filter_transform(w).transpose(0, 2, 1) * sign  # (16, F, C)
        DX = np.zeros((2, 2, N, th + 1, tw + 1, C), dtype=dy.dtype)
    if need_dw:
        X = padded_input(x, pads, (th, tw))
        dW = np.zeros((16, F, C), dtype=dy.dtype)
    for images, rows in bands(N, (th, tw), max(C, F), dy.itemsize):
        D = dy_transform(P[:, :, images, rows])          # (16, T, F), T = n*G*tw
        if need_dw:
            dW += np.matmul(D.transpose(0, 2, 1), input_transform(X, images, rows))  # (16, F, C)
        if need_dx:                                      # (16, T, C); tiles overlap the next row
            dx_transform(np.matmul(D, Ut), DX[:, :, images, rows.start:rows.stop + 1])
    dx = unpad_planes(DX, x.shape, pads, (th, tw)) if need_dx else None
    dw = None
    if need_dw:
        dW *= sign
        dw = filter_gradient(dW)
    return dx, dw
