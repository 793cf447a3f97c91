"""The reference lab's AE in PyTorch, for how its 20-epoch test MSE spreads over seeds:

    python pytorch_ae_seeds.py SEED [EPOCHS]     (THREADS=n sets torch's threads; default 1)

Written the usual PyTorch way: torch.manual_seed(SEED), nn.Linear's default initialisation,
Adam 1e-3, MSE, and a DataLoader(batch_size=128, shuffle=True) over the training images. Prints
one line per epoch: seed, epoch, train MSE (mean over the epoch's images), test MSE. Debian's
python3-torch works; with its OpenBLAS, one thread (THREADS=1, the default) is the fastest.
"""
import os, sys
import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset
from common import images as mnist


def images(split):
    return torch.from_numpy(mnist(split).astype(np.float32) / 255)


seed = int(sys.argv[1])
epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 20
torch.set_num_threads(int(os.environ.get("THREADS", "1")))
torch.manual_seed(seed)
train, test = images("train"), images("t10k")
model = nn.Sequential(
    nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 2),
    nn.Linear(2, 128), nn.ReLU(), nn.Linear(128, 256), nn.ReLU(), nn.Linear(256, 784), nn.Sigmoid())
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
loader = DataLoader(TensorDataset(train), batch_size=128, shuffle=True)
for epoch in range(1, epochs + 1):
    total = 0.0
    for (x,) in loader:
        loss = nn.functional.mse_loss(model(x), x)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item() * len(x)
    with torch.no_grad():
        test_mse = nn.functional.mse_loss(model(test), test).item()
    print(seed, epoch, round(total / len(train), 5), round(test_mse, 5), flush=True)
