#!/usr/bin/env python3
"""Load a zoo checkpoint (.h5) into reference PyTorch modules and draw samples.

    python load_into_pytorch.py vae.h5 [samples.png]

The modules below have zoo's structure and state_dict names (encoder.0.weight, ...), so
`load_state_dict(weights, strict=True)` takes /weights as-is. Reading the file needs only h5py
and numpy (`read_checkpoint`); building the modules needs torch. Layout: ../FORMAT.md.
"""
import json
import struct
import sys
import zlib

import h5py
import numpy as np

try:
    import torch
    from torch import nn
except ImportError:  # read_checkpoint and expected_shapes work without torch
    torch = nn = None

FORMAT_NAME = "zoo-checkpoint"
FORMAT_VERSION = 2  # the newest version these scripts understand (they read 1 too)

# Each model's default hyper-parameters, as `zoo list` shows them. A checkpoint's own
# @hyperparameters attribute always has every key.
DEFAULT_HYPERPARAMETERS = {
    "ae": {"hidden": [256, 128], "latent": 2},
    "vae": {"hidden": [400], "latent": 20},
    "gan": {"hidden": [256, 512, 1024], "inversionSteps": 300, "latent": 100, "leakySlope": 0.2},
}


# ---------------------------------------------------------------------------------------------
# Names and shapes (no torch needed)

def layer_widths(model, hyperparameters, image_size=28 * 28):
    """{module: [in, hidden..., out]} for each nn.Sequential stack of the model."""
    hidden, latent = list(hyperparameters["hidden"]), hyperparameters["latent"]
    if model == "ae":
        return {"encoder": [image_size] + hidden + [latent], "decoder": [latent] + hidden[::-1] + [image_size]}
    if model == "vae":
        return {"encoder": [image_size] + hidden + [2 * latent], "decoder": [latent] + hidden[::-1] + [image_size]}
    if model == "gan":
        return {"generator": [latent] + hidden + [image_size], "discriminator": [image_size] + hidden[::-1] + [1]}
    raise SystemExit(f"unknown model '{model}'; these scripts know: ae, vae, gan")


def expected_shapes(model, hyperparameters, image_size=28 * 28):
    """The state_dict names and shapes zoo expects: Linear layers at even indices of each stack,
    weight [out, in], bias [out]."""
    shapes = {}
    for module, widths in layer_widths(model, hyperparameters, image_size).items():
        for i, (n_in, n_out) in enumerate(zip(widths, widths[1:])):
            shapes[f"{module}.{2 * i}.weight"] = (n_out, n_in)
            shapes[f"{module}.{2 * i}.bias"] = (n_out,)
    return shapes


def text(value):
    """A string attribute as str. zoo and export_from_pytorch.py write fixed-length UTF-8
    strings (they sit in checksummed metadata), which h5py returns as bytes; variable-length
    ones (older zoo checkpoints, other tools) come back as str."""
    return value.decode("utf-8") if isinstance(value, (bytes, np.bytes_)) else str(value)


def read_checkpoint(path):
    """The checkpoint's model name, hyper-parameters (dict), image size, weights and model state
    (dicts of float32 numpy arrays), checked like zoo's reader checks them."""
    with h5py.File(path, "r") as f:
        attrs = f.attrs
        if text(attrs.get("format", "")) != FORMAT_NAME:
            raise SystemExit(f"{path}: not a zoo checkpoint (no 'format' attribute \"{FORMAT_NAME}\")")
        version = int(attrs["format_version"])
        if not 1 <= version <= FORMAT_VERSION:
            raise SystemExit(f"{path}: checkpoint format version {version} is not one this script reads ({FORMAT_VERSION})")
        model = text(attrs["model"])
        hyperparameters = json.loads(text(attrs["hyperparameters"]))
        if version == 1:  # gray images of rows x columns
            channels, rows, columns = 1, int(attrs["image_rows"]), int(attrs["image_columns"])
        else:
            channels, rows, columns = int(attrs["image_channels"]), int(attrs["image_height"]), int(attrs["image_width"])
        weights = {name: np.asarray(dataset[()], dtype=np.float32) for name, dataset in f["weights"].items()}
        model_state = {name: np.asarray(dataset[()], dtype=np.float32) for name, dataset in f["model_state"].items()}
        state = dict(f["training_state"].attrs)
    expected = expected_shapes(model, hyperparameters, channels * rows * columns)
    if set(weights) != set(expected):
        raise SystemExit(f"{path}: weights {sorted(set(weights) ^ set(expected))} do not match a {model} {hyperparameters}")
    for name, shape in expected.items():
        if weights[name].shape != shape:
            raise SystemExit(f"{path}: /weights/{name} has shape {list(weights[name].shape)}, expected {list(shape)}")
    return {"model": model, "hyperparameters": hyperparameters, "image_channels": channels, "image_rows": rows, "image_columns": columns,
            "weights": weights, "model_state": model_state, "epoch": int(state["epoch"])}


# ---------------------------------------------------------------------------------------------
# Reference modules (torch)

Module = nn.Module if nn is not None else object


def perceptron(widths, activation, output=None):
    """Linear layers over `widths` with `activation()` between them and `output` after the last:
    zoo's Sequential.perceptron."""
    layers = []
    for i, (n_in, n_out) in enumerate(zip(widths, widths[1:])):
        layers.append(nn.Linear(n_in, n_out))
        if i < len(widths) - 2:
            layers.append(activation())
    if output is not None:
        layers.append(output)
    return nn.Sequential(*layers)


class AE(Module):
    """zoo's `ae`: x -> z (linear bottleneck) -> x_hat in [0, 1]. Sampling draws z from the
    Gaussian fitted to the training codes (/model_state/latent_mean, latent_covariance)."""

    def __init__(self, hidden, latent, image_size=28 * 28, **_):
        super().__init__()
        self.latent = latent
        widths = layer_widths("ae", {"hidden": hidden, "latent": latent}, image_size)
        self.encoder = perceptron(widths["encoder"], nn.ReLU)
        self.decoder = perceptron(widths["decoder"], nn.ReLU, nn.Sigmoid())
        # Plain attributes, not buffers, so state_dict() has exactly zoo's /weights names.
        self.latent_mean = torch.zeros(latent)
        self.latent_covariance = torch.eye(latent)

    def encode(self, x):
        return self.encoder(x)

    def decode(self, z):
        return self.decoder(z)

    def sample(self, n, generator=None):
        eps = torch.randn(n, self.latent, generator=generator)
        factor = torch.linalg.cholesky(self.latent_covariance + 1e-9 * torch.eye(self.latent))
        return self.decode(self.latent_mean + eps @ factor.T)


class VAE(Module):
    """zoo's `vae`: the encoder's last layer emits [mu | logvar]; the decoder gives pixel
    probabilities in [0, 1]."""

    def __init__(self, hidden, latent, image_size=28 * 28, **_):
        super().__init__()
        self.latent = latent
        widths = layer_widths("vae", {"hidden": hidden, "latent": latent}, image_size)
        self.encoder = perceptron(widths["encoder"], nn.ReLU)
        self.decoder = perceptron(widths["decoder"], nn.ReLU, nn.Sigmoid())

    def encode(self, x):
        h = self.encoder(x)
        return h[:, : self.latent], h[:, self.latent :]  # mu, logvar

    def decode(self, z):
        return self.decoder(z)

    def sample(self, n, generator=None):
        return self.decode(torch.randn(n, self.latent, generator=generator))


class GAN(Module):
    """zoo's `gan`: generator z -> image in [-1, 1]; discriminator image -> real/fake logit."""

    def __init__(self, hidden, latent, leakySlope=0.2, image_size=28 * 28, **_):
        super().__init__()
        self.latent = latent
        widths = layer_widths("gan", {"hidden": hidden, "latent": latent}, image_size)
        self.generator = perceptron(widths["generator"], lambda: nn.LeakyReLU(leakySlope), nn.Tanh())
        self.discriminator = perceptron(widths["discriminator"], lambda: nn.LeakyReLU(leakySlope))

    def decode(self, z):
        return self.generator(z)

    def sample(self, n, generator=None):
        return self.decode(torch.randn(n, self.latent, generator=generator))


MODELS = {"ae": AE, "vae": VAE, "gan": GAN}
PIXEL_RANGE = {"ae": (0.0, 1.0), "vae": (0.0, 1.0), "gan": (-1.0, 1.0)}


def build(model, hyperparameters, image_size=28 * 28):
    """A freshly initialised reference module for a zoo model name and hyper-parameters."""
    if torch is None:
        raise SystemExit("building the PyTorch modules needs torch (pip install torch)")
    if model not in MODELS:
        raise SystemExit(f"unknown model '{model}'; these scripts know: {', '.join(sorted(MODELS))}")
    return MODELS[model](image_size=image_size, **hyperparameters)


def load(path):
    """The checkpoint's model as a reference PyTorch module in eval mode, and the checkpoint info."""
    info = read_checkpoint(path)
    module = build(info["model"], info["hyperparameters"], info["image_channels"] * info["image_rows"] * info["image_columns"])
    module.load_state_dict({k: torch.from_numpy(v) for k, v in info["weights"].items()}, strict=True)
    if info["model"] == "ae" and info["model_state"]:
        module.latent_mean = torch.from_numpy(info["model_state"]["latent_mean"])
        module.latent_covariance = torch.from_numpy(info["model_state"]["latent_covariance"])
    return module.eval(), info


# ---------------------------------------------------------------------------------------------
# A PNG grid, like torchvision's save_image (no extra dependency)

def write_grid(images, rows, columns, value_range, path, nrow=8, padding=2):
    """images: [n, rows*columns] floats in value_range -> an 8-bit grey PNG grid."""
    images = np.asarray(images, dtype=np.float32).reshape(-1, rows, columns)
    lo, hi = value_range
    pixels = np.clip(np.rint((images - lo) / (hi - lo) * 255), 0, 255).astype(np.uint8)
    n = len(pixels)
    grid_rows = (n + nrow - 1) // nrow
    height, width = grid_rows * (rows + padding) + padding, min(n, nrow) * (columns + padding) + padding
    grid = np.zeros((height, width), dtype=np.uint8)
    for i, image in enumerate(pixels):
        r, c = divmod(i, nrow)
        top, left = padding + r * (rows + padding), padding + c * (columns + padding)
        grid[top : top + rows, left : left + columns] = image
    raw = b"".join(b"\x00" + grid[y].tobytes() for y in range(height))

    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    with open(path, "wb") as out:
        out.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
                  + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def main(argv):
    if len(argv) not in (2, 3):
        raise SystemExit("usage: load_into_pytorch.py CHECKPOINT.h5 [SAMPLES.png]")
    module, info = load(argv[1])
    print(f"{argv[1]}: {info['model']} {json.dumps(info['hyperparameters'])}, {info['epoch']} epochs")
    for name, tensor in module.state_dict().items():
        print(f"  {name:28s} {list(tensor.shape)}")
    with torch.no_grad():
        images = module.sample(64, generator=torch.Generator().manual_seed(0))
    out = argv[2] if len(argv) == 3 else "samples.png"
    write_grid(images.numpy(), info["image_rows"], info["image_columns"], PIXEL_RANGE[info["model"]], out)
    print(f"wrote {out} (64 samples)")


if __name__ == "__main__":
    main(sys.argv)
