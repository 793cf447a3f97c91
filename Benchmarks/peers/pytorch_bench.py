"""The zoo models in PyTorch, timed per epoch: python pytorch_bench.py MODEL EPOCHS [IMAGES] -> one JSON line.

MODEL: ae, vae, gan, dcgan or convvae. With IMAGES, each epoch is the first IMAGES training
images only (the conv models' epochs take minutes: the harness times a prefix and scales it).
"""
import json, sys, time
import torch
from torch import nn
from common import train_images
import pytorch_conv

torch.manual_seed(0)
# torch's own thread count: Debian's python3-torch (OpenBLAS, which threads its GEMMs itself)
# takes 3.0 s per AE epoch with its default and 10.8 s with set_num_threads(2) on 2 cores.
model_name, epochs = sys.argv[1], int(sys.argv[2])
pixels = torch.from_numpy(train_images(int(sys.argv[3]) if len(sys.argv) > 3 else None).copy())
if model_name in ("gan", "dcgan"):
    data = pixels.float() / 127.5 - 1
else:
    data = pixels.float() / 255
if model_name in ("dcgan", "convvae"):
    data = pytorch_conv.layout(data.reshape(-1, 1, 28, 28))


def mlp(widths, act, out=None):
    layers = []
    for i, (a, b) in enumerate(zip(widths, widths[1:])):
        layers.append(nn.Linear(a, b))
        if i < len(widths) - 2:
            layers.append(act())
    if out:
        layers.append(out())
    return nn.Sequential(*layers)


if model_name == "ae":
    enc, dec = mlp([784, 256, 128, 2], nn.ReLU), mlp([2, 128, 256, 784], nn.ReLU, nn.Sigmoid)
    opt = torch.optim.Adam(list(enc.parameters()) + list(dec.parameters()), 1e-3)

    def step(x):
        loss = nn.functional.mse_loss(dec(enc(x)), x)
        opt.zero_grad(); loss.backward(); opt.step()
elif model_name == "vae":
    enc, dec = mlp([784, 400, 40], nn.ReLU), mlp([20, 400, 784], nn.ReLU, nn.Sigmoid)
    opt = torch.optim.Adam(list(enc.parameters()) + list(dec.parameters()), 1e-3)

    def step(x):
        mu, logvar = enc(x).chunk(2, dim=1)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        bce = nn.functional.binary_cross_entropy(dec(z), x, reduction="sum")
        kl = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
        loss = (bce + kl) / x.shape[0]
        opt.zero_grad(); loss.backward(); opt.step()
elif model_name == "dcgan":
    step = pytorch_conv.dcgan_trainer(*pytorch_conv.dcgan_networks())
elif model_name == "convvae":
    step = pytorch_conv.convvae_trainer(*pytorch_conv.convvae_networks())
elif model_name == "gan":
    act = lambda: nn.LeakyReLU(0.2)
    G, D = mlp([100, 256, 512, 1024, 784], act, nn.Tanh), mlp([784, 1024, 512, 256, 1], act)
    og = torch.optim.Adam(G.parameters(), 2e-4, betas=(0.5, 0.999))
    od = torch.optim.Adam(D.parameters(), 2e-4, betas=(0.5, 0.999))
    bce = nn.BCEWithLogitsLoss()

    def step(x):
        n = x.shape[0]
        ones, zeros = torch.ones(n, 1), torch.zeros(n, 1)
        fake = G(torch.randn(n, 100))
        d_loss = bce(D(x), ones) + bce(D(fake.detach()), zeros)
        od.zero_grad(); d_loss.backward(); od.step()
        g_loss = bce(D(fake), ones)
        og.zero_grad(); g_loss.backward(); og.step()
else:
    sys.exit(f"unknown model {model_name}")

seconds = []
for _ in range(epochs):
    order = torch.randperm(len(data))
    start = time.perf_counter()
    for i in range(0, len(data), 128):
        step(data[order[i:i + 128]])
    seconds.append(time.perf_counter() - start)
print(json.dumps({"model": model_name, "epoch_seconds": seconds, "images_per_epoch": len(data), "threads": torch.get_num_threads()}))
