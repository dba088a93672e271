#!/usr/bin/env python3
"""Projected data-parallel training throughput on 2 to 32 machines, from measurements on this one.

Inputs: `nmt bench train` JSON lines of one rank (the step's compute time and tokens, config S
full and M sampled) and the allreduce table of Benchmarks/allreduce.sh (to compare the measured
transports with the model below). Model, per step on N machines, each with its own batch of
64 sentences (the global batch grows with N, as users of Horovod and Marian scale it):

    allreduce(N) = 2(N-1)/N * bytes / bandwidth + 2(N-1) * latency        (ring allreduce)
    step(N)      = compute + allreduce(N)                                  (no overlap: an upper bound)
    step'(N)     = compute + max(0, allreduce(N) - hidden)                 (the exchange overlapped with
                                                                           the backward pass after the loss)
    throughput   = N * tokens / step

bandwidth is 90% of the line rate (TCP over Ethernet), latency 30 us per ring step at 10 Gb/s and
10 us at 100 Gb/s; `hidden` is the share of the step after the output layer's gradients are ready
(measured: compute - allreduce_wait on 2 ranks is what was hidden there; we take half the compute,
the backward pass's share, as the window). Prints a Markdown table.
    python3 Benchmarks/scaling-projection.py bench-S.json bench-M.json allreduce.txt [bench-S2.json bench-M2.json]

With the two optional JSON lines of `mpirun -np 2 nmt bench train` (same configs), a second table
per config uses the bytes those ranks summed (`allreduce_bytes`: the touched rows of the
embeddings and, with sampled softmax, of the output layer, instead of whole tensors). The global
batch is 64·N sentences there, so the touched rows are taken to grow N-fold (no word shared
between machines' batches: an upper bound), up to the whole tensors.
"""
import json
import sys

def bench(path):
    line = json.loads(open(path).read().strip().splitlines()[-1])
    return line

def main():
    s, m, table = bench(sys.argv[1]), bench(sys.argv[2]), sys.argv[3]
    ranks = [bench(path) for path in sys.argv[4:6]]
    dense = {"S": 7_661_376, "M": 59_415_808}
    print("Measured allreduce (2 ranks), seconds and effective bandwidth:\n")
    print("| transport | floats | MB | seconds | GB/s (2(N-1)/N·bytes/s) |")
    print("|---|---:|---:|---:|---:|")
    for line in open(table):
        if line.startswith("#") or not line.strip():
            continue
        transport, floats, size, seconds = line.split()
        floats, size, seconds = int(floats), int(size), float(seconds)
        print(f"| {transport} | {floats:,} | {size / 1e6:.1f} | {seconds:.4f} | {size / seconds / 1e9:.2f} |")
    print()
    for index, (name, run) in enumerate((("S " + s["loss"], s), ("M " + m["loss"], m))):
        extra = 512 * (513 if name.startswith("M") else 257) if run["loss"] == "sampled" else 0
        whole = 4 * (dense[name[0]] + extra)
        project(name, run, "whole tensors", lambda n: whole)
        if len(ranks) == 2:
            # The tensors summed by rows: both embeddings, and the output layer with sampled softmax.
            vocabulary, width = (8000, 256) if name[0] == "S" else (32000, 512)
            by_rows = 4 * (2 * vocabulary * width + ((vocabulary * width + vocabulary) if run["loss"] == "sampled" else 0))
            rows = ranks[index]["allreduce_bytes"] - (whole - by_rows)
            project(name, run, f"touched rows ({rows / 1e6:.1f} MB of a 64-sentence batch, measured on 2 ranks)",
                    lambda n: whole - by_rows + min(by_rows, n * rows))

def project(name, run, label, bytes_for):
        compute = run["seconds"] / run["steps"]
        tokens = run["target_tokens"] / run["steps"]
        print(f"Config {name}, {label}: one machine {compute:.3f} s a step, {tokens:.0f} target tokens, {bytes_for(1) / 1e6:.1f} MB summed a step\n")
        print("| link | machines | allreduce s | step s (no overlap) | tokens/s | × per doubling | step s (overlap) | tokens/s | × per doubling |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for gbps, latency in ((10, 30e-6), (100, 10e-6)):
            bandwidth = 0.9 * gbps / 8 * 1e9
            previous = None
            for n in (1, 2, 4, 8, 16, 32):
                allreduce = 0.0 if n == 1 else 2 * (n - 1) / n * bytes_for(n) / bandwidth + 2 * (n - 1) * latency
                step = compute + allreduce
                overlapped = compute + max(0.0, allreduce - compute / 2)
                rate, rate2 = n * tokens / step, n * tokens / overlapped
                ratio = "" if previous is None else f"{rate / previous[0]:.2f}"
                ratio2 = "" if previous is None else f"{rate2 / previous[1]:.2f}"
                print(f"| {gbps} Gb/s | {n} | {allreduce:.3f} | {step:.3f} | {rate:,.0f} | {ratio} | {overlapped:.3f} | {rate2:,.0f} | {ratio2} |")
                previous = (rate, rate2)
        print()

main()
