#!/usr/bin/env python3
"""Checks zoo's sample-quality metrics (Sources/ZooMetrics) against NumPy and SciPy.

Usage: check_metrics.py DIR

DIR holds what Tests/ZooMetricsTests/PythonCrossCheckTests.swift writes:
  real.npy, generated.npy   float32 features [rows, d]
  probabilities.npy         float32 class probabilities [m, classes]
  kid_subsets.npy           int64 [subsets, 2, size]: the real and generated rows of each
                            KID subset, as zoo drew them from its seed
  zoo.json                  zoo's results (fid, kid_mean, kid_std, precision, recall, k,
                            classifier_score_mean, classifier_score_std, splits)

Each metric is recomputed here in float64 the way the reference implementations do and must
agree with zoo's to 1e-4 relative; the script prints a table and exits 1 otherwise.
"""
import json
import os
import sys

import numpy as np
from scipy import linalg, stats

TOLERANCE = 1e-4


def frechet_distance(mu1, sigma1, mu2, sigma2):
    """The formula pytorch-fid evaluates, |mu1 - mu2|^2 + Tr(S1 + S2 - 2 sqrtm(S1 S2)), through
    SciPy's general (non-symmetric) matrix square root, keeping its real part."""
    root = linalg.sqrtm(sigma1 @ sigma2)
    if np.iscomplexobj(root):
        root = root.real
    delta = mu1 - mu2
    return float(delta @ delta + np.trace(sigma1 + sigma2 - 2 * root))


def fid(real, generated):
    # pytorch-fid keeps activations in a float64 array and takes np.mean and np.cov of it.
    return frechet_distance(np.mean(real, axis=0), np.cov(real, rowvar=False),
                            np.mean(generated, axis=0), np.cov(generated, rowvar=False))


def polynomial_kernel(x, y):
    """k(x, y) = (x.y / d + 1)^3: torch-fidelity's defaults (degree 3, gamma 1/d, coef0 1)."""
    return (x @ y.T / x.shape[1] + 1) ** 3


def unbiased_mmd2(x, y):
    """torch-fidelity's mmd2(..., mmd_est='unbiased') on equal-size subsets."""
    m = x.shape[0]
    k_xx, k_yy, k_xy = polynomial_kernel(x, x), polynomial_kernel(y, y), polynomial_kernel(x, y)
    off_diagonal = k_xx.sum() - np.trace(k_xx) + k_yy.sum() - np.trace(k_yy)
    return off_diagonal / (m * (m - 1)) - 2 * k_xy.sum() / (m * m)


def kid(real, generated, subsets):
    mmds = np.array([unbiased_mmd2(real[r], generated[g]) for r, g in subsets])
    return mmds.mean(), mmds.std()  # ddof 0, as torch-fidelity


def squared_distances(a, b):
    return ((a[:, None, :] - b[None, :, :]) ** 2).sum(axis=-1)


def coverage(points, manifold, k):
    """Kynkäänniemi et al.'s manifold test: the k-NN radius of each manifold point is entry k of
    its sorted distances to its own set (entry 0 being itself), and a point is inside when some
    squared distance is <= that squared radius."""
    radii = np.partition(squared_distances(manifold, manifold), k, axis=1)[:, k]
    inside = (squared_distances(points, manifold) <= radii[None, :]).any(axis=1)
    return inside.mean()


def classifier_score(p, splits):
    """The Inception score of OpenAI's original code: parts [s*m//splits, (s+1)*m//splits)."""
    m = p.shape[0]
    scores = []
    for s in range(splits):
        part = p[s * m // splits:(s + 1) * m // splits]
        marginal = part.mean(axis=0)
        kl = [stats.entropy(row, marginal) for row in part]
        scores.append(np.exp(np.mean(kl)))
    return np.mean(scores), np.std(scores)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    folder = sys.argv[1]
    load = lambda name: np.load(os.path.join(folder, name))
    real = load("real.npy").astype(np.float64)
    generated = load("generated.npy").astype(np.float64)
    probabilities = load("probabilities.npy").astype(np.float64)
    subsets = load("kid_subsets.npy")
    with open(os.path.join(folder, "zoo.json")) as f:
        zoo = json.load(f)

    kid_mean, kid_std = kid(real, generated, subsets)
    score_mean, score_std = classifier_score(probabilities, zoo["splits"])
    reference = {
        "fid": fid(real, generated),
        "kid_mean": kid_mean,
        "kid_std": kid_std,
        "precision": coverage(generated, real, zoo["k"]),
        "recall": coverage(real, generated, zoo["k"]),
        "classifier_score_mean": score_mean,
        "classifier_score_std": score_std,
    }
    failed = False
    print(f"{'metric':<24}{'zoo':>22}{'numpy/scipy':>22}{'relative':>12}")
    for name, expected in reference.items():
        ours = zoo[name]
        relative = abs(ours - expected) / max(abs(expected), 1e-300)
        ok = relative <= TOLERANCE
        failed |= not ok
        print(f"{name:<24}{ours:>22.12g}{expected:>22.12g}{relative:>12.2e}{'' if ok else '  MISMATCH'}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
