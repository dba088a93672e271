#!/usr/bin/env python3
"""Cross-check of Tests/Fixtures/model/general.json against the TF peer itself (optional; needs the
peer's venv and the folder holding the peer's tf_seq2seq.py): loads the fixture's parameters into
the peer's own `Seq2Seq` (imported from that folder, not copied), runs its `loss(..., "full")` under a
GradientTape and compares the loss and every gradient with the NumPy reference (float32 vs float64).
The peer has only `general` attention, so only that fixture is checked.

    /tmp/peer/bin/python Tests/Fixtures/check_model_fixtures_with_peer.py PEERS_DIR
Measured when the fixtures were made: loss 10.1322069 (peer) vs 10.1322068 (reference), largest
gradient difference 5.0e-6 relative (floor 1e-3).
"""
import json
import os
import sys

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
if len(sys.argv) != 2:
    sys.exit("usage: check_model_fixtures_with_peer.py PEERS_DIR (the folder holding tf_seq2seq.py)")
sys.path.insert(0, sys.argv[1])
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import tensorflow as tf  # noqa: E402
import tf_seq2seq as peer  # noqa: E402

fx = json.load(open(os.path.join(here, "model/general.json")))
cfg = fx["configuration"]
c = dict(emb=cfg["embedding"], hidden=cfg["hidden"], layers=cfg["layers"], src_vocab=cfg["sourceVocabulary"], tgt_vocab=cfg["targetVocabulary"], batch=fx["batch"]["size"])
m = peer.Seq2Seq(c)
flat = np.array(fx["values"]); gflat = np.array(fx["gradients"])
views = {v["name"]: v for v in fx["layout"]}
def get(buf, name):
    v = views[name]; return buf[v["offset"]:v["offset"] + v["rows"] * v["columns"]].reshape(v["rows"], v["columns"])
pairs = [(m.src_emb, "source.embedding"), (m.tgt_emb, "target.embedding")]
for l in range(c["layers"]):
    pairs += [(m.enc[l][0], f"encoder.{l}.weight"), (m.enc[l][1], f"encoder.{l}.bias"), (m.dec[l][0], f"decoder.{l}.weight"), (m.dec[l][1], f"decoder.{l}.bias")]
pairs += [(m.W_a, "attention.W_a"), (m.W_c, "attention.W_c"), (m.out_w, "output.weight"), (m.out_b, "output.bias")]
for var, name in pairs:
    var.assign(get(flat, name).reshape(var.shape).astype(np.float32))
bt = fx["batch"]; B, S, T = bt["size"], bt["sourceLength"], bt["targetLength"]
src = tf.constant(np.array(bt["source"], np.int32).reshape(B, S)); di = tf.constant(np.array(bt["decoderInput"], np.int32).reshape(B, T))
do = tf.constant(np.array(bt["decoderTarget"], np.int32).reshape(B, T)); w = tf.constant(np.array(bt["targetWeights"], np.float32).reshape(B, T))
with tf.GradientTape() as tape:
    loss = m.loss(src, di, do, w, "full", 0)
grads = tape.gradient(loss, [v for v, _ in pairs])
print("loss peer", float(loss), "reference", fx["loss"])
worst = 0
for (var, name), g in zip(pairs, grads):
    g = tf.convert_to_tensor(g).numpy().reshape(-1); r = get(gflat, name).reshape(-1)
    e = np.max(np.abs(g - r) / np.maximum(np.abs(r), 1e-3)); worst = max(worst, e)
    print(f"{name:20s} max rel err (floor 1e-3) {e:.2e}")
print("worst", worst)
assert worst < 1e-4, "the reference and the peer disagree"
