"""MNIST for the peer benchmarks: the same embedded IDX files zoo trains on, preloaded."""
import gzip, os
import numpy as np

MNIST = os.path.join(os.path.dirname(__file__), "..", "..", "Sources", "ZooData", "Resources", "mnist")


def images(split):
    """The "train" or "t10k" images as uint8 rows of 784 pixels."""
    with gzip.open(os.path.join(MNIST, f"{split}-images-idx3-ubyte.gz")) as f:
        data = f.read()
    return np.frombuffer(data, dtype=np.uint8, offset=16).reshape(-1, 784)


def train_images():
    return images("train")
