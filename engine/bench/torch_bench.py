#!/usr/bin/env python3
"""PyTorch reference for engine.bench.ts: the same workloads, op for op, on the CPU or (with
--device cuda) on a CUDA GPU, next to the webgpu rows.

Usage: torch_bench.py WORKLOAD [--steps N] [--warmup N] [--threads N] [--device cpu|cuda]
Prints one JSON line: {"workload", "ms": [per-step ms], "peak_rss_bytes", "threads", "torch", "blas",
"device"}; on cuda peak_rss_bytes is torch.cuda.max_memory_allocated and "gpu" names the GPU.
Each workload runs in its own process so the peak RSS is that workload's.
Workloads (see benchModels.ts for the tfjs side):
  two-layer-256   D=512,  m=4096, batch 512, gradient noise
  two-layer-1024  D=2048, m=8192, batch 256, gradient noise
  small-cnn       28x28x1, widths 32/64/128, batch 128
  wrn-16-4        32x32x3, batch 128, pre-activation noise (one (H, W) sample per site)
  wrn-16-10       32x32x3, batch 128, pre-activation noise (the paper's model; GPU rows)
"""
import argparse
import json
import os
import resource
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


DEV = torch.device('cpu')


def two_layer(D, m, batch, noise_std, gen):
    U = (torch.randn(D, m, generator=gen, device=DEV) * 0.01).requires_grad_()
    u = (torch.randint(0, 2, (m, 1), generator=gen, device=DEV).float() * 2 - 1) / m ** 0.5
    x = torch.randn(batch, D, generator=gen, device=DEV) / D ** 0.5
    y = torch.randint(0, 2, (batch, 1), generator=gen, device=DEV).float() * 2 - 1
    lr, lam = 0.1, 1e-3

    def step():
        loss = F.softplus(-(y * (torch.relu(x @ U) @ u))).mean()
        g, = torch.autograd.grad(loss, U)
        xi = torch.randn(D, m, generator=gen, device=DEV) * noise_std
        with torch.no_grad():
            U.sub_(lr * (g + lam * U + xi))
        return loss.item()

    return step


class Noise(nn.Module):
    def __init__(self, std, gen):
        super().__init__()
        self.std, self.gen = std, gen

    def forward(self, x):
        if self.std == 0 or not self.training:
            return x
        return x + torch.randn(1, 1, x.shape[2], x.shape[3], generator=self.gen, device=x.device) * self.std


class BnRelu(nn.Module):
    def __init__(self, c, std, gen):
        super().__init__()
        self.bn, self.noise = nn.BatchNorm2d(c), Noise(std, gen)

    def forward(self, x):
        return F.relu(self.noise(self.bn(x)))


class Block(nn.Module):
    def __init__(self, cin, cout, stride, std, gen):
        super().__init__()
        self.a1 = BnRelu(cin, std, gen)
        self.c1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.a2 = BnRelu(cout, std, gen)
        self.c2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.sc = None if cin == cout else nn.Conv2d(cin, cout, 1, stride, 0, bias=False)

    def forward(self, x):
        a = self.a1(x)
        skip = x if self.sc is None else self.sc(a)
        return skip + self.c2(self.a2(self.c1(a)))


class Wrn(nn.Module):
    def __init__(self, depth, widen, cin, classes, std, gen):
        super().__init__()
        n = (depth - 4) // 6
        self.stem = nn.Conv2d(cin, 16, 3, 1, 1, bias=False)
        blocks, c = [], 16
        for g, cout in enumerate([16 * widen, 32 * widen, 64 * widen]):
            for b in range(n):
                blocks.append(Block(c, cout, 2 if (b == 0 and g > 0) else 1, std, gen))
                c = cout
        self.blocks = nn.Sequential(*blocks)
        self.final = BnRelu(c, std, gen)
        self.fc = nn.Linear(c, classes)

    def forward(self, x):
        return self.fc(self.final(self.blocks(self.stem(x))).mean((2, 3)))


class SmallCnn(nn.Module):
    def __init__(self, width, cin, classes, std, gen):
        super().__init__()
        layers, c = [], cin
        for i, cout in enumerate([width, 2 * width, 4 * width]):
            layers += [nn.Conv2d(c, cout, 3, 1 if i == 0 else 2, 1, bias=False), BnRelu(cout, std, gen)]
            c = cout
        self.body = nn.Sequential(*layers)
        self.fc = nn.Linear(c, classes)

    def forward(self, x):
        return self.fc(self.body(x).mean((2, 3)))


def conv_net(model, shape, batch, gen):
    model.to(DEV).train()
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, nesterov=True, weight_decay=5e-4)
    x = torch.randn(batch, *shape, generator=gen, device=DEV)
    y = torch.randint(0, 10, (batch,), generator=gen, device=DEV)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    return step


def build(name, gen):
    if name == 'two-layer-256':
        return two_layer(512, 4096, 512, 0.01, gen)
    if name == 'two-layer-1024':
        return two_layer(2048, 8192, 256, 0.01, gen)
    if name == 'small-cnn':
        return conv_net(SmallCnn(32, 1, 10, 0.0, gen), (1, 28, 28), 128, gen)
    if name == 'wrn-16-4':
        return conv_net(Wrn(16, 4, 3, 10, 0.1, gen), (3, 32, 32), 128, gen)
    if name == 'wrn-16-10':
        return conv_net(Wrn(16, 10, 3, 10, 0.1, gen), (3, 32, 32), 128, gen)
    raise SystemExit(f'unknown workload {name}')


def blas_library():
    """Which BLAS the process loaded: Debian's torch uses whatever libblas.so.3 points to, and
    the reference BLAS (package libblas3) is ~7x slower on matmuls than OpenBLAS
    (libopenblas0-pthread)."""
    try:
        with open('/proc/self/maps') as f:
            maps = f.read()
    except OSError:
        return 'unknown'
    if 'openblas' in maps:
        return 'openblas'
    if 'mkl' in maps:
        return 'mkl'
    if 'libblas.so' in maps:
        return 'reference'
    return 'unknown'


def main():
    p = argparse.ArgumentParser()
    p.add_argument('workload')
    p.add_argument('--steps', type=int, default=5)
    p.add_argument('--warmup', type=int, default=1)
    p.add_argument('--threads', type=int, default=os.cpu_count() or 1)
    p.add_argument('--device', default='cpu')
    a = p.parse_args()
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    global DEV
    DEV = torch.device(a.device)
    if DEV.type == 'cuda' and not torch.cuda.is_available():
        raise SystemExit('CUDA is not available to this PyTorch')
    gen = torch.Generator(device=DEV).manual_seed(1)
    step = build(a.workload, gen)
    for _ in range(a.warmup):
        step()
    ms = []
    for _ in range(a.steps):
        t = time.perf_counter()
        step()
        ms.append((time.perf_counter() - t) * 1000)
    out = {'workload': a.workload, 'ms': ms, 'threads': torch.get_num_threads(), 'torch': torch.__version__,
           'blas': blas_library(), 'device': DEV.type}
    if DEV.type == 'cuda':
        out['peak_rss_bytes'] = torch.cuda.max_memory_allocated()
        out['gpu'] = torch.cuda.get_device_name()
        out['cudnn'] = torch.backends.cudnn.version()
    else:
        out['peak_rss_bytes'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps(out))


if __name__ == '__main__':
    main()
