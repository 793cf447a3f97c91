#!/usr/bin/env python3
"""zoo checkpoints across tools, checked number for number against a real PyTorch and h5py:

    python3 test_interop.py ZOO_BINARY

1. zoo -> PyTorch: the published checkpoints load into load_into_pytorch's modules, which give
   zoo's test MSE, latent codes and generated pixels.
2. PyTorch -> zoo -> PyTorch: a freshly initialised PyTorch AE is exported, evaluated and trained
   one epoch by `zoo resume`, and the result loads back into PyTorch with zoo's numbers.

Needs numpy, h5py and torch (Debian: python3-torch python3-h5py). Prints every check and exits
non-zero if any failed. scripts/test runs it when such a Python is found.
"""
import gzip
import json
import os
import subprocess
import sys
import tempfile
import zlib

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from load_into_pytorch import AE, load  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))
MNIST = os.path.join(ROOT, "Sources", "ZooData", "Resources", "mnist")


def zoo(*args):
    result = subprocess.run([ZOO, *map(str, args)], capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"zoo {' '.join(map(str, args))} failed: {result.stderr.strip()}")
    return result.stdout


def zoo_json(*args):
    return json.loads(zoo(*args, "--json"))


def mnist(name):
    with gzip.open(os.path.join(MNIST, f"{name}-images-idx3-ubyte.gz")) as f:
        pixels = np.frombuffer(f.read(), dtype=np.uint8, offset=16).reshape(-1, 784)
    return torch.from_numpy(pixels.astype(np.float32) / 255)


def gray_png(path):
    """The pixels of an 8-bit grey, non-interlaced PNG (as zoo writes them) as [rows, columns]."""
    with open(path, "rb") as f:
        data = f.read()
    position, idat, width, height = 8, b"", 0, 0
    while position < len(data):
        length = int.from_bytes(data[position:position + 4], "big")
        tag, body = data[position + 4:position + 8], data[position + 8:position + 8 + length]
        if tag == b"IHDR":
            width, height = int.from_bytes(body[:4], "big"), int.from_bytes(body[4:8], "big")
            if body[8:13] != bytes([8, 0, 0, 0, 0]):
                sys.exit(f"{path}: not an 8-bit grey PNG")
        elif tag == b"IDAT":
            idat += body
        position += 12 + length
    raw, rows, previous = zlib.decompress(idat), [], [0] * width
    for y in range(height):
        kind, line = raw[y * (width + 1)], list(raw[y * (width + 1) + 1:(y + 1) * (width + 1)])
        for x in range(width):
            left = line[x - 1] if x else 0
            up, corner = previous[x], previous[x - 1] if x else 0
            if kind == 1:
                line[x] = (line[x] + left) & 255
            elif kind == 2:
                line[x] = (line[x] + up) & 255
            elif kind == 3:
                line[x] = (line[x] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[x] = (line[x] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        rows.append(line)
        previous = line
    return np.array(rows, dtype=np.int64)


failures = 0


def check(condition, message):
    global failures
    print(("ok    " if condition else "FAIL  ") + message)
    if not condition:
        failures += 1


def close(name, ours, theirs, tolerance):
    difference = float(np.max(np.abs(np.asarray(ours, np.float64) - np.asarray(theirs, np.float64))))
    check(difference <= tolerance, f"{name}: zoo and PyTorch differ by {difference:.2e} (tolerance {tolerance:.0e})")


def mse(model, images):
    with torch.no_grad():
        return torch.nn.functional.mse_loss(model.decode(model.encode(images)), images).item()


def published(images):
    """zoo -> PyTorch, on the checkpoints under Checkpoints/."""
    path = os.path.join(ROOT, "Checkpoints", "ae.h5")
    ae, info = load(path)
    check(info["model"] == "ae", f"{path} loads as an AE")
    close("AE test MSE", zoo_json("eval", path)["metrics"]["mse"], mse(ae, images), 1e-6)
    codes = [image["z"] for image in zoo_json("encode", path, "-n", 100)["images"]]
    with torch.no_grad():
        close("AE codes of 100 test images", codes, ae.encode(images[:100]), 1e-4)

    path = os.path.join(ROOT, "Checkpoints", "vae.h5")
    vae, _ = load(path)
    encoded = zoo_json("encode", path, "-n", 100, "--details")["images"]
    with torch.no_grad():
        mu, logvar = vae.encode(images[:100])
    close("VAE posterior means", [image["z"] for image in encoded], mu, 1e-4)
    close("VAE posterior log-variances", [image["logvar"] for image in encoded], logvar, 1e-4)

    path = os.path.join(ROOT, "Checkpoints", "gan.h5")
    gan, _ = load(path)
    z = torch.from_numpy(np.random.default_rng(1).standard_normal((1, gan.latent)).astype(np.float32))
    with tempfile.TemporaryDirectory() as folder:
        out = os.path.join(folder, "g.png")
        zoo("decode", path, "--z", ",".join(repr(float(v)) for v in z[0]), "--out", out)
        pixels = gray_png(out)
    with torch.no_grad():
        image = gan.decode(z)[0].reshape(28, 28)
    expected = torch.floor(((image + 1) / 2).clamp(0, 1) * 255 + 0.5).numpy()
    close("GAN generator pixels (0-255)", pixels, expected, 1)  # a rounding step apart at most
    mean = float(np.mean(np.abs(pixels - expected)))
    check(mean < 0.05, f"GAN generator pixels: mean difference {mean:.3f} (a systematic offset would show here)")


def round_trip(images, folder):
    """PyTorch -> zoo -> PyTorch: export, evaluate, train one epoch in zoo, load back."""
    torch.manual_seed(0)
    model = AE([256, 128], 2)
    state_dict, checkpoint = os.path.join(folder, "ae.pt"), os.path.join(folder, "ae.h5")
    torch.save(model.state_dict(), state_dict)
    export = subprocess.run([sys.executable, os.path.join(HERE, "export_from_pytorch.py"), "ae", state_dict, checkpoint, "--epochs", "1"],
                            capture_output=True, text=True)
    if export.returncode != 0:
        sys.exit(f"export_from_pytorch.py failed: {export.stderr.strip()}")
    before = mse(model, images)
    close("exported AE's test MSE", zoo_json("eval", checkpoint)["metrics"]["mse"], before, 1e-6)
    zoo("resume", checkpoint, "--epochs", 1)
    trained, info = load(checkpoint)
    check(info["epoch"] == 1, f"zoo resume trained the exported AE one epoch (epoch {info['epoch']})")
    after = mse(trained, images)
    close("trained AE's test MSE", zoo_json("eval", checkpoint)["metrics"]["mse"], after, 1e-6)
    check(after < 0.06 < before, f"one epoch in zoo took the test MSE from {before:.4f} to {after:.4f}")
    # The AE samples from N(mean, covariance) of its training codes (maximum likelihood).
    with torch.no_grad():
        codes = trained.encode(mnist("train")).double()
    mean = codes.mean(0)
    covariance = (codes - mean).T @ (codes - mean) / len(codes)
    close("AE sampler's mean of the training codes", trained.latent_mean, mean, 1e-4 * float(mean.abs().max()) + 1e-6)
    close("AE sampler's covariance of the training codes", trained.latent_covariance, covariance,
          1e-4 * float(covariance.abs().max()))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: test_interop.py ZOO_BINARY")
    ZOO = os.path.abspath(sys.argv[1])
    torch.set_num_threads(1)
    images = mnist("t10k")
    published(images)
    with tempfile.TemporaryDirectory() as folder:
        round_trip(images, folder)
    if failures:
        sys.exit(f"{failures} interop check(s) failed")
    print("zoo and PyTorch agree")
