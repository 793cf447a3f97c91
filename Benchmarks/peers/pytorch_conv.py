"""zoo's convolutional models in PyTorch, for pytorch_bench.py and pytorch_dcgan_quality.py.

The networks are zoo's defaults for 28×28 images, layer for layer (Models/DCGAN/DCGANArchitecture.swift,
Models/ConvVAE/ConvolutionalVAE.swift), including which layers have a bias, the paddings and the
output paddings. Layout: NCHW, PyTorch's default and what its users write; ZOO_PEER_LAYOUT=nhwc
runs the same model in channels_last (oneDNN's direct NHWC path), for comparing the two.
"""
import os
import torch
from torch import nn

CHANNELS_LAST = os.environ.get("ZOO_PEER_LAYOUT", "nchw").lower() == "nhwc"


def layout(x):
    """`x` (a batch or a model) in the layout this run uses."""
    return x.to(memory_format=torch.channels_last) if CHANNELS_LAST else x


def dcgan_networks():
    """The TensorFlow DCGAN tutorial's G and D for 28×28, as zoo builds them (kernel 5, padding 2;
    the stride-2 transposed convolutions add one output row, so 7 → 14 → 28)."""
    leaky = lambda: nn.LeakyReLU(0.2)
    G = nn.Sequential(
        nn.Linear(100, 7 * 7 * 256, bias=False), nn.BatchNorm1d(7 * 7 * 256), leaky(), nn.Unflatten(1, (256, 7, 7)),
        nn.ConvTranspose2d(256, 128, 5, stride=1, padding=2, bias=False), nn.BatchNorm2d(128), leaky(),
        nn.ConvTranspose2d(128, 64, 5, stride=2, padding=2, output_padding=1, bias=False), nn.BatchNorm2d(64), leaky(),
        nn.ConvTranspose2d(64, 1, 5, stride=2, padding=2, output_padding=1, bias=False), nn.Tanh())
    D = nn.Sequential(
        nn.Conv2d(1, 64, 5, stride=2, padding=2), leaky(), nn.Dropout(0.3),
        nn.Conv2d(64, 128, 5, stride=2, padding=2), leaky(), nn.Dropout(0.3),
        nn.Flatten(), nn.Linear(128 * 7 * 7, 1))
    # The DCGAN paper's initialisation, as zoo draws it: weights N(0, 0.02), batch-norm scales
    # N(1, 0.02), biases 0.
    for module in list(G.modules()) + list(D.modules()):
        if isinstance(module, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.normal_(module.weight, 0, 0.02)
        elif isinstance(module, nn.BatchNorm1d | nn.BatchNorm2d):
            nn.init.normal_(module.weight, 1, 0.02)
        if getattr(module, "bias", None) is not None:
            nn.init.zeros_(module.bias)
    return layout(G), layout(D)


def dcgan_trainer(G, D):
    """One training step of zoo's dcgan (Models/DCGAN/AdversarialTraining.swift): D on
    BCE(D(x), 1) + BCE(D(G(z)), 0), real and fake in separate passes and the fake detached, then
    G on the non-saturating BCE(D(G(z)), 1) with the same fake; Adam 2e-4, β (0.5, 0.999).
    Images in [-1, 1]. Returns step(x) -> (d_loss, g_loss)."""
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
        return d_loss, g_loss
    return step


def convvae_networks(latent=16, dense=256):
    """The Keras VAE example's networks with zoo's defaults: 3×3 convolutions stride 2 (padding 1)
    to 32 and 64, dense 256, then μ and log σ² side by side; the decoder mirrors it with
    transposed convolutions (output padding 1) and a stride-1 transposed convolution to one
    channel of pixel probabilities. Every layer has a bias, as in zoo."""
    encoder = nn.Sequential(
        nn.Conv2d(1, 32, 3, stride=2, padding=1), nn.ReLU(), nn.Conv2d(32, 64, 3, stride=2, padding=1), nn.ReLU(),
        nn.Flatten(), nn.Linear(64 * 7 * 7, dense), nn.ReLU(), nn.Linear(dense, 2 * latent))
    decoder = nn.Sequential(
        nn.Linear(latent, 64 * 7 * 7), nn.ReLU(), nn.Unflatten(1, (64, 7, 7)),
        nn.ConvTranspose2d(64, 64, 3, stride=2, padding=1, output_padding=1), nn.ReLU(),
        nn.ConvTranspose2d(64, 32, 3, stride=2, padding=1, output_padding=1), nn.ReLU(),
        nn.ConvTranspose2d(32, 1, 3, stride=1, padding=1), nn.Sigmoid())
    return layout(encoder), layout(decoder)


def convvae_trainer(encoder, decoder, latent=16):
    """One step of zoo's convvae: (BCE summed over pixels + KL) per image, Adam 1e-3; images in [0, 1]."""
    opt = torch.optim.Adam(list(encoder.parameters()) + list(decoder.parameters()), 1e-3)

    def step(x):
        h = encoder(x)
        mu, logvar = h[:, :latent], h[:, latent:]
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        bce = nn.functional.binary_cross_entropy(decoder(z), x, reduction="sum")
        kl = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
        loss = (bce + kl) / x.shape[0]
        opt.zero_grad(); loss.backward(); opt.step()
        return loss
    return step
