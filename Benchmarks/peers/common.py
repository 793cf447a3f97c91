"""MNIST (or Fashion-MNIST) for the peers: the same IDX files zoo trains on, preloaded."""
import gzip, os
import numpy as np

MNIST = os.path.join(os.path.dirname(__file__), "..", "..", "Sources", "ZooData", "Resources", "mnist")
# Where zoo looks when no --data is given (Sources/ZooData/DatasetLocator.swift): $ZOO_DATA,
# then the embedded MNIST copy, then Debian's dataset packages.
SYSTEM = "/usr/share/datasets"


def dataset_folder(name="mnist"):
    """The folder holding `name`'s four IDX files, found as zoo finds it."""
    places = []
    if os.environ.get("ZOO_DATA"):
        root = os.environ["ZOO_DATA"]
        places += [os.path.join(root, name), root]
    if name == "mnist":
        places.append(MNIST)
    places.append(os.path.join(SYSTEM, name))
    for folder in places:
        if any(os.path.exists(os.path.join(folder, "train-images-idx3-ubyte" + gz)) for gz in ("", ".gz")):
            return folder
    raise FileNotFoundError(f"{name}: no IDX files in {', '.join(places)}")


def images(split, name="mnist"):
    """The "train" or "t10k" images of dataset `name` as uint8 rows of 784 pixels."""
    path = os.path.join(dataset_folder(name), f"{split}-images-idx3-ubyte")
    with (open(path, "rb") if os.path.exists(path) else gzip.open(path + ".gz")) as f:
        data = f.read()
    return np.frombuffer(data, dtype=np.uint8, offset=16).reshape(-1, 784)


def train_images(limit=None):
    """MNIST's training images, the first `limit` only when given (smoke tests, timed prefixes)."""
    return images("train")[:limit]
