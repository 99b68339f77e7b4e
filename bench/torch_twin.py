#!/usr/bin/env python3
"""PyTorch twin of the worker's DecoderModel, for `./sweep bench`.

Same architecture as worker/src/main/java/dev/scaling/worker/model/{DecoderModel,DecoderLayer}.java:
token + learned position embeddings, `depth` pre-LayerNorm blocks (fused QKV causal attention with an
additive mask, output projection, 4x GELU MLP, both residual), final LayerNorm, untied output
projection with bias. Same step as TrialTrainer: cross-entropy (mean over tokens), backward, global
gradient-norm clipping at 1.0, Adam (0.9, 0.999, 1e-8, no weight decay). One intra-op thread unless
told otherwise.

Prints one JSON object: the median ms/step over chunks of `--chunk` steps after `--warmup` steps, the
chunks themselves, tokens/s, the torch version and which BLAS library the process actually loaded.
With --matmul it also times an fp32 NxN matmul (GFLOP/s) for reference.

Needs Debian's python3-torch with OpenBLAS (apt-get install python3-torch libopenblas0); with the
reference BLAS it still runs but is ~10x slower and the JSON says so ("blas": "reference ...").
"""
import argparse
import json
import math
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, width, heads):
        super().__init__()
        self.width, self.heads, self.head_size = width, heads, width // heads
        self.ln1 = nn.LayerNorm(width)
        self.qkv = nn.Linear(width, 3 * width)
        self.proj = nn.Linear(width, width)
        self.ln2 = nn.LayerNorm(width)
        self.fc1 = nn.Linear(width, 4 * width)
        self.fc2 = nn.Linear(4 * width, width)
        self.scale = 1.0 / math.sqrt(self.head_size)

    def forward(self, x, mask):
        b, t, c = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(c, dim=2)
        q = q.view(b, t, self.heads, self.head_size).transpose(1, 2) * self.scale
        k = k.view(b, t, self.heads, self.head_size).permute(0, 2, 3, 1)
        v = v.view(b, t, self.heads, self.head_size).transpose(1, 2)
        att = torch.softmax(q @ k + mask, dim=-1)
        y = (att @ v).transpose(1, 2).reshape(b, t, c)
        x = x + self.proj(y)
        return x + self.fc2(F.gelu(self.fc1(self.ln2(x))))


class Decoder(nn.Module):
    def __init__(self, vocab, context, width, depth, heads):
        super().__init__()
        self.tok = nn.Embedding(vocab, width)
        self.pos = nn.Parameter(torch.zeros(context, width))
        self.blocks = nn.ModuleList([Block(width, heads) for _ in range(depth)])
        self.ln_f = nn.LayerNorm(width)
        self.head = nn.Linear(width, vocab)
        mask = torch.full((context, context), float("-inf")).triu(1)
        self.register_buffer("mask", mask)
        std = 0.02
        for name, p in self.named_parameters():
            if p.dim() == 2:
                s = std / math.sqrt(2 * depth) if name.endswith(("proj.weight", "fc2.weight")) else std
                nn.init.normal_(p, 0.0, s)
            elif name.endswith("bias"):
                nn.init.zeros_(p)

    def forward(self, tokens):
        t = tokens.shape[1]
        x = self.tok(tokens) + self.pos[:t]
        mask = self.mask[:t, :t]
        for blk in self.blocks:
            x = blk(x, mask)
        return self.head(self.ln_f(x))


def loaded_blas():
    """The BLAS shared object this process mapped (after a matmul has forced it in)."""
    torch.ones(64, 64) @ torch.ones(64, 64)
    try:
        with open("/proc/self/maps") as f:
            libs = {line.split()[-1] for line in f if ".so" in line}
    except OSError:
        return "unknown"
    for lib in sorted(libs):
        if "openblas" in lib:
            return "openblas " + lib
    for lib in sorted(libs):
        if "mkl" in lib:
            return "mkl " + lib
    for lib in sorted(libs):
        if "/libblas" in lib:
            return "reference " + lib
    return "builtin"


def matmul_gflops(n, repeats, k=None, m=None):
    """GFLOP/s of an (n x k) @ (k x m) fp32 matmul, median of `repeats` (square n^3 by default)."""
    k = k or n
    m = m or n
    a = torch.randn(n, k)
    b = torch.randn(k, m)
    a @ b
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        a @ b
        times.append(time.perf_counter() - t0)
    return 2.0 * n * k * m / statistics.median(times) / 1e9


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vocab", type=int, default=64)
    ap.add_argument("--context", type=int, default=64)
    ap.add_argument("--width", type=int, default=64)
    ap.add_argument("--depth", type=int, default=2)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--clip", type=float, default=1.0)
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--chunks", type=int, default=5)
    ap.add_argument("--chunk", type=int, default=10)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--matmul", type=int, default=0, help="also time an NxN fp32 matmul (0 = no)")
    ap.add_argument("--matmul-only", action="store_true", help="only time the --matmul NxN matmul")
    ap.add_argument("--gemm", action="append", default=[],
                    help="with --matmul-only, also time an MxKxN matmul (repeatable), e.g. 1024x128x512")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    if args.matmul_only:
        n = args.matmul or 1024
        gemms = {}
        for g in args.gemm:
            m, k, nn_ = (int(v) for v in g.split("x"))
            gemms[g] = matmul_gflops(m, 21, k, nn_)
        json.dump({"impl": "torch", "torch": torch.__version__, "blas": loaded_blas(),
                   "threads": torch.get_num_threads(), "matmul_n": n, "matmul_gflops": matmul_gflops(n, 9),
                   "gemm_gflops": gemms},
                  sys.stdout)
        sys.stdout.write("\n")
        return
    torch.manual_seed(args.seed)
    model = Decoder(args.vocab, args.context, args.width, args.depth, args.heads)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr, betas=(0.9, 0.999), eps=1e-8)
    steps = args.warmup + args.chunks * args.chunk
    g = torch.Generator().manual_seed(args.seed)
    data = torch.randint(0, args.vocab, (steps, args.batch, args.context + 1), generator=g)

    def step(i):
        window = data[i]
        inputs, labels = window[:, :-1], window[:, 1:]
        logits = model(inputs)
        loss = F.cross_entropy(logits.reshape(-1, args.vocab), labels.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        if args.clip > 0:
            torch.nn.utils.clip_grad_norm_(model.parameters(), args.clip)
        opt.step()
        return loss.item()

    for i in range(args.warmup):
        step(i)
    chunks = []
    i = args.warmup
    for _ in range(args.chunks):
        t0 = time.perf_counter()
        for _ in range(args.chunk):
            step(i)
            i += 1
        chunks.append((time.perf_counter() - t0) * 1000.0 / args.chunk)
    ms = statistics.median(chunks)
    out = {
        "impl": "torch",
        "torch": torch.__version__,
        "blas": loaded_blas(),
        "threads": torch.get_num_threads(),
        "width": args.width,
        "depth": args.depth,
        "heads": args.heads,
        "context": args.context,
        "batch": args.batch,
        "vocab": args.vocab,
        "ms_per_step_median": ms,
        "ms_per_step_chunks": chunks,
        "tokens_per_second": args.batch * args.context * 1000.0 / ms,
        "params": sum(p.numel() for p in model.parameters()),
    }
    if args.matmul > 0:
        out["matmul_n"] = args.matmul
        out["matmul_gflops"] = matmul_gflops(args.matmul, 5)
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
