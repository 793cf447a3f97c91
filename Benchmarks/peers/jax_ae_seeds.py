"""The default AE of the reference lab in JAX, for measuring how its 20-epoch test MSE spreads
over seeds, and whether zoo's arithmetic matches JAX's when both see the same random numbers.

    python jax_ae_seeds.py SEED STREAMS     (STREAMS: pcg64, philox or zoo)

Prints one line per epoch: seed, epoch, train MSE (mean over the epoch's images), test MSE.
With STREAMS=zoo the initial weights and the batch order are exactly zoo's for `zoo train ae
--seed SEED` (its xoshiro256** streams replayed below), so the two runs can be compared pairwise.
"""
import sys
import jax, jax.numpy as jnp
import numpy as np
from common import images, train_images

MASK = (1 << 64) - 1


class ZooRandom:
    """zoo's RandomGenerator (Sources/ZooTensor/RandomGenerator.swift): SplitMix64-seeded xoshiro256**."""

    def __init__(self, seed):
        self.state, z = [], seed
        for _ in range(4):
            z = (z + 0x9E3779B97F4A7C15) & MASK
            x = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
            x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK
            self.state.append(x ^ (x >> 31))

    def next(self):
        s = self.state
        product = (s[1] * 5) & MASK
        result = ((((product << 7) | (product >> 57)) & MASK) * 9) & MASK
        t = (s[1] << 17) & MASK
        s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t
        s[3] = ((s[3] << 45) | (s[3] >> 19)) & MASK
        return result

    def uniform(self, low, high, shape):
        u = np.array([self.next() >> 40 for _ in range(int(np.prod(shape)))], dtype=np.float32) * np.float32(2.0 ** -24)
        return (np.float32(low) + np.float32(high - low) * u).reshape(shape)

    def below(self, n):  # Lemire's unbiased bounded integer
        product = self.next() * n
        if product & MASK < n:
            threshold = ((1 << 64) - n) % n
            while product & MASK < threshold:
                product = self.next() * n
        return product >> 64

    def permutation(self, n):  # Fisher–Yates, from the top
        order = list(range(n))
        for i in range(n - 1, 0, -1):
            j = self.below(i + 1)
            order[i], order[j] = order[j], order[i]
        return np.array(order)


seed, streams = int(sys.argv[1]), sys.argv[2]
if streams == "zoo":
    weights_rng, order_rng = ZooRandom(seed), ZooRandom(seed ^ 0x5EEDDA7A)  # as TrainingRun.start
else:
    weights_rng = order_rng = np.random.Generator(np.random.PCG64(seed) if streams == "pcg64" else np.random.Philox(seed))

train = train_images().astype(np.float32) / 255
test = jnp.asarray(images("t10k").astype(np.float32) / 255)


def init(widths):  # PyTorch's Linear init: U(±1/sqrt(fan_in)) for weights and biases
    params = []
    for a, b in zip(widths, widths[1:]):
        # zoo computes the bound in float32; the NumPy runs (measured first) in float64.
        bound = float(np.float32(1) / np.sqrt(np.float32(a))) if streams == "zoo" else 1 / np.sqrt(a)
        params.append(tuple(jnp.asarray(weights_rng.uniform(-bound, bound, shape), jnp.float32) for shape in ((b, a), (b,))))
    return params


def run(params, x, out=None):
    for i, (w, b) in enumerate(params):
        x = x @ w.T + b
        if i < len(params) - 1:
            x = jax.nn.relu(x)
    return out(x) if out else x


def loss(p, x):
    return jnp.mean((run(p[1], run(p[0], x), jax.nn.sigmoid) - x) ** 2)


@jax.jit
def step(p, m, v, t, x):  # Adam 1e-3 with PyTorch's arithmetic
    value, g = jax.value_and_grad(loss)(p, x)
    m = jax.tree.map(lambda m, g: 0.9 * m + 0.1 * g, m, g)
    v = jax.tree.map(lambda v, g: 0.999 * v + 0.001 * g * g, v, g)
    p = jax.tree.map(lambda p, m, v: p - 1e-3 / (1 - 0.9 ** t) * m / (jnp.sqrt(v) / jnp.sqrt(1 - 0.999 ** t) + 1e-8), p, m, v)
    return p, m, v, value


params = (init([784, 256, 128, 2]), init([2, 128, 256, 784]))
m = jax.tree.map(jnp.zeros_like, params)
v = jax.tree.map(jnp.zeros_like, params)
evaluate = jax.jit(loss)
t = 0
for epoch in range(20):
    order, total = order_rng.permutation(len(train)), 0.0
    for start in range(0, len(train), 128):
        t += 1
        x = jnp.asarray(train[order[start:start + 128]])
        params, m, v, value = step(params, m, v, jnp.float32(t), x)
        total += float(value) * x.shape[0]
    print(seed, epoch + 1, round(total / len(train), 5), round(float(evaluate(params, test)), 5), flush=True)
