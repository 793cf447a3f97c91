#!/usr/bin/env python3
"""Write a PyTorch state_dict as a zoo checkpoint (.h5) that `zoo sample`, `zoo decode`,
`zoo resume` and CheckpointReader load.

    python export_from_pytorch.py vae model_state_dict.pt vae.h5 [--hyperparameters '{"hidden":[400],"latent":20}']

The state_dict must have zoo's names (the reference modules in load_into_pytorch.py). The file
gets everything zoo's reader requires (../FORMAT.md): the weights, a fresh optimizer state (zero
moments, step 0), a training state at epoch 0 with the random streams zoo would start from for
--seed, an empty history, and the root attributes. `export()` works on numpy arrays too, so
only reading a .pt file needs torch.
"""
import argparse
import datetime
import json
import os
import sys

import h5py
import numpy as np

from load_into_pytorch import DEFAULT_HYPERPARAMETERS, FORMAT_NAME, FORMAT_VERSION, expected_shapes

ZOO_VERSION = "0.1.0"  # the zoo release whose format this script writes

# Each model's training defaults (TrainingSettings JSON; every key but "limit" is required).
DEFAULT_TRAINING = {
    "ae": {"batchSize": 128, "beta1": 0.9, "beta2": 0.999, "dataset": "mnist", "epochs": 20, "learningRate": 1e-3, "seed": 0},
    "vae": {"batchSize": 128, "beta1": 0.9, "beta2": 0.999, "dataset": "mnist", "epochs": 20, "learningRate": 1e-3, "seed": 0},
    "gan": {"batchSize": 128, "beta1": 0.5, "beta2": 0.999, "dataset": "mnist", "epochs": 20, "learningRate": 2e-4, "seed": 0},
}

# The optimizers of each model and the parameters (by name prefix) each one updates.
OPTIMIZERS = {
    "ae": {"optimizer": ("encoder.", "decoder.")},
    "vae": {"optimizer": ("encoder.", "decoder.")},
    "gan": {"generator": ("generator.",), "discriminator": ("discriminator.",)},
}

MASK = (1 << 64) - 1


def random_state(seed):
    """zoo's RandomGenerator(seed:).state: four SplitMix64 outputs (xoshiro256** state)."""
    z, words = seed & MASK, []
    for _ in range(4):
        z = (z + 0x9E3779B97F4A7C15) & MASK
        x = z
        x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK
        words.append(x ^ (x >> 31))
    return np.array(words, dtype=np.uint64)


def as_float32(value):
    """A torch tensor or anything array-like as a C-ordered float32 numpy array."""
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    return np.ascontiguousarray(value, dtype=np.float32)


def tensor(group, name, array):
    """A float32/float64/int64/uint64 dataset; non-empty arrays are chunked with Fletcher-32."""
    if array.ndim > 0 and array.size > 0:
        return group.create_dataset(name, data=array, chunks=array.shape, fletcher32=True)
    return group.create_dataset(name, data=array)


def create_file(path):
    """A new HDF5 file made as zoo makes them: the root group keeps up to 64 attributes in its
    object header (HDF5's default moves them to separate, dense storage past 8, and a
    checkpoint has 9), so every root attribute is covered by the header's checksum."""
    fcpl = h5py.h5p.create(h5py.h5p.FILE_CREATE)
    fcpl.set_attr_phase_change(64, 48)
    fapl = h5py.h5p.create(h5py.h5p.FILE_ACCESS)
    fapl.set_libver_bounds(h5py.h5f.LIBVER_V110, h5py.h5f.LIBVER_LATEST)
    return h5py.File(h5py.h5f.create(os.fsencode(path), h5py.h5f.ACC_TRUNC, fcpl=fcpl, fapl=fapl))


def set_text(attrs, name, value):
    """A UTF-8 string attribute, fixed-length and null-padded, as zoo writes them: it is stored
    inside the object header, which HDF5 checksums (a variable-length string lives in the
    unchecksummed global heap). zoo reads both kinds. h5py reads it back as bytes."""
    data = value.encode("utf-8")
    attrs.create(name, data, dtype=h5py.string_dtype("utf-8", max(1, len(data))))


def export(path, model, state_dict, hyperparameters=None, training=None, model_state=None,
           image_rows=28, image_columns=28):
    """Writes `state_dict` (name -> tensor or array) as a zoo checkpoint at `path`."""
    hyperparameters = dict(hyperparameters or DEFAULT_HYPERPARAMETERS[model])
    for key, value in DEFAULT_HYPERPARAMETERS[model].items():
        hyperparameters.setdefault(key, value)  # zoo requires every key
    training = {**DEFAULT_TRAINING[model], **(training or {})}
    weights = {name: as_float32(value) for name, value in state_dict.items()}

    expected = expected_shapes(model, hyperparameters, image_rows * image_columns)
    if set(weights) != set(expected):
        missing, extra = sorted(set(expected) - set(weights)), sorted(set(weights) - set(expected))
        raise SystemExit(f"state_dict does not match zoo's {model} {json.dumps(hyperparameters)}: missing {missing}, unexpected {extra}")
    for name, shape in expected.items():
        if weights[name].shape != shape:
            raise SystemExit(f"{name} has shape {list(weights[name].shape)}, expected {list(shape)}")
        if not np.isfinite(weights[name]).all():
            raise SystemExit(f"{name} contains NaN or infinite values")
    if model == "ae" and model_state is None:
        latent = hyperparameters["latent"]  # sample from N(0, I) until zoo refits it
        model_state = {"latent_mean": np.zeros(latent, np.float32), "latent_covariance": np.eye(latent, dtype=np.float32)}

    with create_file(path) as f:
        set_text(f.attrs, "format", FORMAT_NAME)
        f.attrs["format_version"] = np.int64(FORMAT_VERSION)
        set_text(f.attrs, "model", model)
        set_text(f.attrs, "hyperparameters", json.dumps(hyperparameters, sort_keys=True, separators=(",", ":")))
        set_text(f.attrs, "training", json.dumps(training, sort_keys=True, separators=(",", ":")))
        set_text(f.attrs, "zoo_version", f"{ZOO_VERSION} (export_from_pytorch.py)")  # `zoo inspect` names the writer
        set_text(f.attrs, "created", datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
        f.attrs["image_channels"] = np.int64(1)  # the MLP models here take gray images
        f.attrs["image_height"] = np.int64(image_rows)
        f.attrs["image_width"] = np.int64(image_columns)
        set_text(f.attrs, "class_names", json.dumps([str(digit) for digit in range(10)], separators=(",", ":")))

        group = f.create_group("weights")
        for name in expected:
            tensor(group, name, weights[name])

        group = f.create_group("model_state")
        for name, value in (model_state or {}).items():
            tensor(group, name, as_float32(value))

        optimizers = f.create_group("optimizer")
        for optimizer, prefixes in OPTIMIZERS[model].items():
            group = optimizers.create_group(optimizer)
            for name in expected:
                if name.startswith(prefixes):
                    slots = group.create_group(name)
                    tensor(slots, "exp_avg", np.zeros(expected[name], np.float32))
                    tensor(slots, "exp_avg_sq", np.zeros(expected[name], np.float32))
                    slots.create_dataset("step", data=np.int64(0))

        state = f.create_group("training_state")
        for name in ("epoch", "step_in_epoch", "global_step", "partial_images"):
            state.attrs[name] = np.int64(0)
        state.attrs["partial_seconds"] = np.float64(0)
        seed = int(training["seed"])
        tensor(state, "model_rng", random_state(seed))
        tensor(state, "data_rng", random_state(seed ^ 0x5EEDDA7A))
        state.create_group("partial_loss_sums")

        history = f.create_group("history")
        history.create_dataset("epoch", data=np.zeros(0, np.int64))
        history.create_dataset("seconds", data=np.zeros(0, np.float64))
        history.create_group("losses")
        history.create_group("metrics")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", choices=sorted(OPTIMIZERS))
    parser.add_argument("state_dict", help="a file saved with torch.save(module.state_dict(), ...)")
    parser.add_argument("out", help="the .h5 checkpoint to write")
    parser.add_argument("--hyperparameters", help="JSON; default: the model's zoo defaults")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random streams for `zoo resume`")
    parser.add_argument("--epochs", type=int, help="epochs `zoo resume` trains to (default 20)")
    args = parser.parse_args(argv[1:])

    import torch  # only needed to read the .pt file

    state_dict = torch.load(args.state_dict, map_location="cpu", weights_only=True)
    training = {"seed": args.seed}
    if args.epochs is not None:
        if args.epochs < 1:
            raise SystemExit(f"--epochs must be at least 1, got {args.epochs}")  # zoo refuses such a file
        training["epochs"] = args.epochs
    hyperparameters = json.loads(args.hyperparameters) if args.hyperparameters else None
    export(args.out, args.model, state_dict, hyperparameters, training)
    print(f"wrote {args.out}: {args.model}, {len(state_dict)} tensors")


if __name__ == "__main__":
    main(sys.argv)
