"""The zoo models in JAX (jit), timed per epoch: python jax_bench.py MODEL EPOCHS [IMAGES] -> one JSON line.

MODEL: ae, vae, gan, dcgan or convvae. With IMAGES, each epoch is the first IMAGES training
images only (the conv models' epochs take minutes: the harness times a prefix and scales it).
"""
import json, os, sys, time
import jax, jax.numpy as jnp
import numpy as np
from jax import lax
from common import train_images

model_name, epochs = sys.argv[1], int(sys.argv[2])
pixels = train_images(int(sys.argv[3]) if len(sys.argv) > 3 else None)
data = jnp.asarray(pixels / 127.5 - 1 if model_name in ("gan", "dcgan") else pixels / 255, dtype=jnp.float32)
key = jax.random.PRNGKey(0)


def init(widths, key):
    params = []
    for a, b in zip(widths, widths[1:]):
        key, k1, k2 = jax.random.split(key, 3)
        bound = 1 / np.sqrt(a)
        params.append((jax.random.uniform(k1, (b, a), minval=-bound, maxval=bound), jax.random.uniform(k2, (b,), minval=-bound, maxval=bound)))
    return params


def run(params, x, act, out=None):
    for i, (w, b) in enumerate(params):
        x = x @ w.T + b
        if i < len(params) - 1:
            x = act(x)
    return out(x) if out else x


def adam(lr, b1=0.9, b2=0.999):
    def init_state(p):
        return (jax.tree.map(jnp.zeros_like, p), jax.tree.map(jnp.zeros_like, p), 0)

    def update(p, g, state):
        m, v, t = state
        t += 1
        m = jax.tree.map(lambda m, g: b1 * m + (1 - b1) * g, m, g)
        v = jax.tree.map(lambda v, g: b2 * v + (1 - b2) * g * g, v, g)
        p = jax.tree.map(lambda p, m, v: p - lr / (1 - b1 ** t) * m / (jnp.sqrt(v) / jnp.sqrt(1 - b2 ** t) + 1e-8), p, m, v)
        return p, (m, v, t)
    return init_state, update


def bce_logits(logits, target):
    return jnp.mean(jax.nn.softplus(logits) - logits * target)


def vae_loss(x, y, mu, logvar):
    """BCE summed over pixels + KL(q(z|x) ‖ N(0, I)), per image."""
    y = jnp.clip(y, 1e-7, 1 - 1e-7)
    bce = -jnp.sum(x * jnp.log(y) + (1 - x) * jnp.log(1 - y))
    kl = -0.5 * jnp.sum(1 + logvar - mu ** 2 - jnp.exp(logvar))
    return (bce + kl) / x.shape[0]


# The conv models. Layout: NHWC with HWIO kernels, what XLA's CPU convolutions run natively
# (other layouts get transposes around each one); ZOO_PEER_LAYOUT=nchw runs them in NCHW/OIHW
# instead, for comparing the two.
NHWC = os.environ.get("ZOO_PEER_LAYOUT", "nhwc").lower() == "nhwc"
DIMS = ("NHWC", "HWIO", "NHWC") if NHWC else ("NCHW", "OIHW", "NCHW")
C = 3 if NHWC else 1  # the channel axis of an activation


def per_channel(v):
    """A per-channel vector, shaped to broadcast over a batch of activations."""
    return v.reshape([-1 if axis == C else 1 for axis in range(4)])


def kernel(key, k, cin, cout, std=None):
    """A k×k kernel from cin to cout channels: N(0, std), or PyTorch's U(±1/√fan_in) without std."""
    shape = (k, k, cin, cout) if NHWC else (cout, cin, k, k)
    if std is not None:
        return std * jax.random.normal(key, shape)
    bound = 1 / np.sqrt(cin * k * k)
    return jax.random.uniform(key, shape, minval=-bound, maxval=bound)


def dense(key, a, b, std=None):
    return std * jax.random.normal(key, (a, b)) if std is not None else jax.random.uniform(key, (a, b), minval=-1 / np.sqrt(a), maxval=1 / np.sqrt(a))


def conv(x, w, stride, pad):
    """PyTorch's Conv2d(stride, padding)."""
    return lax.conv_general_dilated(x, w, (stride, stride), [(pad, pad)] * 2, dimension_numbers=DIMS)


def conv_transpose(x, w, stride, pad, out_pad=0):
    """PyTorch's ConvTranspose2d(stride, padding, output_padding): a convolution over the input
    dilated by the stride, padded by k-1-pad before and k-1-pad+out_pad after. The kernel is not
    flipped: the same family of functions (a learned kernel, stored flipped), at the same cost."""
    k = w.shape[0] if NHWC else w.shape[2]
    return lax.conv_transpose(x, w, (stride, stride), [(k - 1 - pad, k - 1 - pad + out_pad)] * 2, dimension_numbers=DIMS)


def batch_norm(x, scale_shift):
    """Training-mode batch norm over every axis but the features (eps 1e-5, as zoo's). The
    running statistics zoo also keeps are left out: nothing reads them here, and they cost a few
    elementwise operations on per-channel vectors."""
    scale, shift = scale_shift
    axes = (0,) if x.ndim == 2 else tuple(a for a in range(4) if a != C)
    mean, var = jnp.mean(x, axes, keepdims=True), jnp.var(x, axes, keepdims=True)
    if x.ndim == 4:
        scale, shift = per_channel(scale), per_channel(shift)
    return (x - mean) * lax.rsqrt(var + 1e-5) * scale + shift


def dropout(x, key, rate=0.3):
    keep = jax.random.bernoulli(key, 1 - rate, x.shape)
    return jnp.where(keep, x / (1 - rate), 0)


def unflatten(x, channels, side):
    return x.reshape((x.shape[0], side, side, channels) if NHWC else (x.shape[0], channels, side, side))


def bn_params(key, n):  # DCGAN paper: scales N(1, 0.02), shifts 0
    return (1 + 0.02 * jax.random.normal(key, (n,)), jnp.zeros(n))


relu, sig, leaky = jax.nn.relu, jax.nn.sigmoid, lambda x: jax.nn.leaky_relu(x, 0.2)
if model_name in ("ae", "vae"):
    widths = ([784, 256, 128, 2], [2, 128, 256, 784]) if model_name == "ae" else ([784, 400, 40], [20, 400, 784])
    k1, k2, key = jax.random.split(key, 3)
    params = (init(widths[0], k1), init(widths[1], k2))
    opt_init, opt_update = adam(1e-3)
    state = opt_init(params)

    def loss_fn(p, x, k):
        if model_name == "ae":
            return jnp.mean((run(p[1], run(p[0], x, relu), relu, sig) - x) ** 2)
        h = run(p[0], x, relu)
        mu, logvar = h[:, :20], h[:, 20:]
        z = mu + jax.random.normal(k, mu.shape) * jnp.exp(0.5 * logvar)
        return vae_loss(x, run(p[1], z, relu, sig), mu, logvar)

    @jax.jit
    def step(p, s, x, k):
        g = jax.grad(loss_fn)(p, x, k)
        return opt_update(p, g, s)
elif model_name == "gan":
    k1, k2, key = jax.random.split(key, 3)
    params = (init([100, 256, 512, 1024, 784], k1), init([784, 1024, 512, 256, 1], k2))
    opt_init, opt_update = adam(2e-4, 0.5)
    state = (opt_init(params[0]), opt_init(params[1]))

    @jax.jit
    def step(p, s, x, k):
        G, D = p
        z = jax.random.normal(k, (x.shape[0], 100))
        fake = run(G, z, leaky, jnp.tanh)
        d_loss = lambda D: bce_logits(run(D, x, leaky), 1.0) + bce_logits(run(D, jax.lax.stop_gradient(fake), leaky), 0.0)
        D, sd = opt_update(D, jax.grad(d_loss)(D), s[1])
        g_loss = lambda G: bce_logits(run(D, run(G, z, leaky, jnp.tanh), leaky), 1.0)
        G, sg = opt_update(G, jax.grad(g_loss)(G), s[0])
        return (G, D), (sg, sd)
elif model_name == "dcgan":
    # zoo's dcgan for 28×28 (the TensorFlow tutorial's networks, Models/DCGAN): G: z 100 → linear
    # (no bias) 7·7·256 → BN → LeakyReLU → transposed convs 5×5 (no bias) to 128 (stride 1) and
    # 64 (stride 2) with BN + LeakyReLU, to 1 (stride 2), tanh. D: convs 5×5 stride 2 (with bias)
    # to 64 and 128, LeakyReLU 0.2, dropout 0.3, linear to a logit. DCGAN paper initialisation.
    ks = jax.random.split(key, 11)
    key = ks[0]
    G = {"fc": dense(ks[1], 100, 7 * 7 * 256, 0.02), "bn0": bn_params(ks[2], 7 * 7 * 256),
         "ct1": kernel(ks[3], 5, 256, 128, 0.02), "bn1": bn_params(ks[4], 128),
         "ct2": kernel(ks[5], 5, 128, 64, 0.02), "bn2": bn_params(ks[6], 64), "ct3": kernel(ks[7], 5, 64, 1, 0.02)}
    D = {"c1": kernel(ks[8], 5, 1, 64, 0.02), "b1": jnp.zeros(64), "c2": kernel(ks[9], 5, 64, 128, 0.02), "b2": jnp.zeros(128),
         "fc": dense(ks[10], 128 * 7 * 7, 1, 0.02), "fb": jnp.zeros(1)}
    params = (G, D)
    opt_init, opt_update = adam(2e-4, 0.5)
    state = (opt_init(G), opt_init(D))
    data = unflatten(data, 1, 28)

    def generate(G, z):
        x = unflatten(leaky(batch_norm(z @ G["fc"], G["bn0"])), 256, 7)
        x = leaky(batch_norm(conv_transpose(x, G["ct1"], 1, 2), G["bn1"]))
        x = leaky(batch_norm(conv_transpose(x, G["ct2"], 2, 2, 1), G["bn2"]))
        return jnp.tanh(conv_transpose(x, G["ct3"], 2, 2, 1))

    def discriminate(D, x, key):
        k1, k2 = jax.random.split(key)
        x = dropout(leaky(conv(x, D["c1"], 2, 2) + per_channel(D["b1"])), k1)
        x = dropout(leaky(conv(x, D["c2"], 2, 2) + per_channel(D["b2"])), k2)
        return x.reshape(x.shape[0], -1) @ D["fc"] + D["fb"]

    @jax.jit
    def step(p, s, x, k):
        """zoo's step: D on real and (detached) fake in separate passes, then G on the
        non-saturating loss through the updated D, reusing the same fake: G's forward pass runs
        once, and its gradient is pulled back through it (jax.vjp)."""
        G, D = p
        kz, kr, kf, kg = jax.random.split(k, 4)
        fake, pull_back = jax.vjp(lambda G: generate(G, jax.random.normal(kz, (x.shape[0], 100))), G)
        d_loss = lambda D: bce_logits(discriminate(D, x, kr), 1.0) + bce_logits(discriminate(D, fake, kf), 0.0)
        D, sd = opt_update(D, jax.grad(d_loss)(D), s[1])
        d_fake = jax.grad(lambda f: bce_logits(discriminate(D, f, kg), 1.0))(fake)
        G, sg = opt_update(G, pull_back(d_fake)[0], s[0])
        return (G, D), (sg, sd)
elif model_name == "convvae":
    # zoo's convvae defaults (the Keras example's networks, dense 256, latent 16, Models/ConvVAE):
    # convs 3×3 stride 2 padding 1 to 32 and 64, ReLU, dense 256, ReLU, dense to μ | log σ²;
    # decoder dense → 7·7·64, ReLU, transposed convs 3×3 stride 2 (output padding 1) to 64 and
    # 32, ReLU, a stride-1 transposed conv to 1 channel, sigmoid. Every layer has a bias.
    ks = jax.random.split(key, 9)
    key = ks[0]
    E = {"c1": kernel(ks[1], 3, 1, 32), "b1": jnp.zeros(32), "c2": kernel(ks[2], 3, 32, 64), "b2": jnp.zeros(64),
         "fc1": dense(ks[3], 64 * 7 * 7, 256), "fb1": jnp.zeros(256), "fc2": dense(ks[4], 256, 32), "fb2": jnp.zeros(32)}
    Dec = {"fc": dense(ks[5], 16, 64 * 7 * 7), "fb": jnp.zeros(64 * 7 * 7),
           "ct1": kernel(ks[6], 3, 64, 64), "tb1": jnp.zeros(64), "ct2": kernel(ks[7], 3, 64, 32), "tb2": jnp.zeros(32),
           "ct3": kernel(ks[8], 3, 32, 1), "tb3": jnp.zeros(1)}
    params = (E, Dec)
    opt_init, opt_update = adam(1e-3)
    state = opt_init(params)
    data = unflatten(data, 1, 28)

    def loss_fn(p, x, k):
        E, Dec = p
        h = relu(conv(x, E["c1"], 2, 1) + per_channel(E["b1"]))
        h = relu(conv(h, E["c2"], 2, 1) + per_channel(E["b2"]))
        h = relu(h.reshape(x.shape[0], -1) @ E["fc1"] + E["fb1"]) @ E["fc2"] + E["fb2"]
        mu, logvar = h[:, :16], h[:, 16:]
        z = mu + jax.random.normal(k, mu.shape) * jnp.exp(0.5 * logvar)
        y = unflatten(relu(z @ Dec["fc"] + Dec["fb"]), 64, 7)
        y = relu(conv_transpose(y, Dec["ct1"], 2, 1, 1) + per_channel(Dec["tb1"]))
        y = relu(conv_transpose(y, Dec["ct2"], 2, 1, 1) + per_channel(Dec["tb2"]))
        y = sig(conv_transpose(y, Dec["ct3"], 1, 1) + per_channel(Dec["tb3"]))
        return vae_loss(x, y, mu, logvar)

    @jax.jit
    def step(p, s, x, k):
        g = jax.grad(loss_fn)(p, x, k)
        return opt_update(p, g, s)
else:
    sys.exit(f"unknown model {model_name}")

seconds = []
n = data.shape[0] // 128 * 128  # whole batches only: one compiled shape
for epoch in range(epochs):
    key, k = jax.random.split(key)
    order = jax.random.permutation(k, data.shape[0])
    start = time.perf_counter()
    for i in range(0, n, 128):
        key, k = jax.random.split(key)
        params, state = step(params, state, data[order[i:i + 128]], k)
    jax.block_until_ready(params)
    seconds.append(time.perf_counter() - start)
print(json.dumps({"model": model_name, "epoch_seconds": seconds, "images_per_epoch": n}))
