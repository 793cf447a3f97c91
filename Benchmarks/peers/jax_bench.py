"""The zoo models in JAX (jit), timed per epoch: python jax_bench.py MODEL EPOCHS -> one JSON line."""
import json, sys, time
import jax, jax.numpy as jnp
import numpy as np
from common import train_images

model_name, epochs = sys.argv[1], int(sys.argv[2])
pixels = train_images()
data = jnp.asarray(pixels / 127.5 - 1 if model_name == "gan" else pixels / 255, dtype=jnp.float32)
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
        y = jnp.clip(run(p[1], z, relu, sig), 1e-7, 1 - 1e-7)
        bce = -jnp.sum(x * jnp.log(y) + (1 - x) * jnp.log(1 - y))
        kl = -0.5 * jnp.sum(1 + logvar - mu ** 2 - jnp.exp(logvar))
        return (bce + kl) / x.shape[0]

    @jax.jit
    def step(p, s, x, k):
        g = jax.grad(loss_fn)(p, x, k)
        return opt_update(p, g, s)
else:
    k1, k2, key = jax.random.split(key, 3)
    params = (init([100, 256, 512, 1024, 784], k1), init([784, 1024, 512, 256, 1], k2))
    opt_init, opt_update = adam(2e-4, 0.5)
    state = (opt_init(params[0]), opt_init(params[1]))

    def bce_logits(logits, target):
        return jnp.mean(jax.nn.softplus(logits) - logits * target)

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
print(json.dumps({"model": model_name, "epoch_seconds": seconds}))
