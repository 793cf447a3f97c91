"""zoo's dcgan trained in PyTorch, its samples written for zoo's own FID:

    python pytorch_dcgan_quality.py --seed 0 --out samples.npy      (20 epochs on MNIST)
    zoo eval --images samples.npy --dataset mnist

The networks and the step are zoo's defaults (pytorch_conv.py); batch 128, the training set
shuffled each epoch with torch's generator, seeded by --seed. Prints D's and G's mean losses
per epoch, then writes --samples images as float32 [n, 1, 28, 28] in [0, 1], drawn with G in
evaluation mode (batch norm on its running statistics), as `zoo sample` draws them.
"""
import argparse
import numpy as np
import torch
from common import images
import pytorch_conv

ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
ap.add_argument("--dataset", default="mnist", choices=["mnist", "fashion-mnist"],
                help="found as zoo finds it: $ZOO_DATA, zoo's embedded MNIST, /usr/share/datasets")
ap.add_argument("--epochs", type=int, default=20)
ap.add_argument("--seed", type=int, default=0)
ap.add_argument("--limit", type=int, help="train on the first N training images only (smoke tests)")
ap.add_argument("--samples", type=int, default=10000)
ap.add_argument("--out", default="samples.npy")
args = ap.parse_args()

torch.manual_seed(args.seed)
pixels = images("train", args.dataset)[:args.limit]
data = pytorch_conv.layout(torch.from_numpy(pixels.astype(np.float32) / 127.5 - 1).reshape(-1, 1, 28, 28))
G, D = pytorch_conv.dcgan_networks()
step = pytorch_conv.dcgan_trainer(G, D)
for epoch in range(1, args.epochs + 1):
    G.train(); D.train()
    order, d_sum, g_sum, seen = torch.randperm(len(data)), 0.0, 0.0, 0
    for i in range(0, len(data), 128):
        x = data[order[i:i + 128]]
        if len(x) < 2:  # batch norm needs two images; only a --limit can leave one over
            continue
        d_loss, g_loss = step(x)
        d_sum, g_sum, seen = d_sum + d_loss.item() * len(x), g_sum + g_loss.item() * len(x), seen + len(x)
    print(f"epoch {epoch}: d_loss {d_sum / seen:.4f} g_loss {g_sum / seen:.4f}", flush=True)

G.eval()
with torch.no_grad():
    samples = torch.cat([G(torch.randn(min(1000, args.samples - i), 100)) for i in range(0, args.samples, 1000)])
# tanh's [-1, 1] to the [0, 1] zoo eval reads; NCHW whatever layout G ran in.
np.save(args.out, ((samples + 1) / 2).clamp(0, 1).contiguous().numpy().astype(np.float32))
print(f"wrote {args.samples} samples to {args.out}")
