#!/usr/bin/env python3
"""An independent reference of the whole model: forward loss and the gradient of every parameter.

Writes Tests/Fixtures/model/{dot,general,concat}.json: a tiny Seq2Seq (B=3, S=5, T=6, E=4, H=5,
Vs=11, Vt=13, L=2, input feeding on, full softmax) in OUR parameter layout (compute-core-spec.md,
"Parameter layout": the order of `Seq2Seq.init(configuration:layout:)`, offsets rounded up to 16
floats like `ParameterLayout.add`), random parameters, a padded batch of sentences of different
lengths, the loss Σ_{b,t} w[b,t]·CE / B and the flat gradient buffer.

NumPy only, float64 throughout. The forward pass follows the TF peer (shared/peers/tf_seq2seq.py:
BasicLSTMCell gates i, f, g, o with forget bias 1.0; masked encoder steps keep their state; Luong
attention with masked softmax; input feeding). The gradients come from hand-written
backpropagation (BPTT through both LSTM stacks, attention and input feeding) and are checked here,
before anything is written, against central finite differences of the float64 loss (4-point
stencil) for EVERY parameter entry: the script fails unless the largest relative error is below
1e-6, so the fixture stands on its own.

Parameters are rounded to float32 before the float64 computation, so the Swift side (Float) reads
exactly the values the reference used and differs only by its own rounding.

    python3 Tests/Fixtures/make_model_fixtures.py      (from the repository root; ~1 minute)

With --bi it writes only Tests/Fixtures/model/bi_residual.json: the forward pass (loss, the
encoder's h̄ and final states) of the same tiny model with L=3, `model.encoder: bi` (layer 0 a
forward and a backward LSTM of H/2 = 3 each over every sentence's real tokens, concatenated) and
`model.residual: true` (layer 2 of both stacks hands up h + x), with H=6. Its gradients are
checked in Swift against finite differences of ReferenceSeq2Seq.
Do not edit the outputs; regenerate them with this script.
"""
import json
import os
import sys

import numpy as np

B, S, T, E, H, VS, VT, L = 3, 5, 6, 4, 5, 11, 13, 2
INPUT_FEEDING = True
PAD, GO, EOS, UNK = 0, 1, 2, 3
SCORES = ("dot", "general", "concat")
OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "model")


# ---------------------------------------------------------------- layout (ParameterLayout)

def layout(score, bi=False, L=L, H=H):
    """[(name, rows, columns, offset, starts_at_zero)] in Seq2Seq.init's order, and the float count."""
    views, count = [], 0

    def add(name, rows, columns, zero=False):
        nonlocal count
        views.append((name, rows, columns, count, zero))
        count += (rows * columns + 15) & ~15  # ParameterLayout: every tensor starts on 16 floats

    add("source.embedding", VS, E)
    add("target.embedding", VT, E)
    for l in range(L):
        size = H // 2 if bi and l == 0 else H
        add(f"encoder.{l}.weight", (E if l == 0 else H) + size, 4 * size)
        add(f"encoder.{l}.bias", 1, 4 * size, zero=True)
        if bi and l == 0:
            add("encoder.0.reverse.weight", E + size, 4 * size)
            add("encoder.0.reverse.bias", 1, 4 * size, zero=True)
    for l in range(L):
        add(f"decoder.{l}.weight", (E + (H if INPUT_FEEDING else 0) if l == 0 else H) + H, 4 * H)
        add(f"decoder.{l}.bias", 1, 4 * H, zero=True)
    if score == "general":
        add("attention.W_a", H, H)
    elif score == "concat":
        add("attention.W_a", 2 * H, H)
        add("attention.v_a", 1, H)
    add("attention.W_c", 2 * H, H)
    add("output.weight", VT, H)
    add("output.bias", 1, VT, zero=True)
    return views, count


def tensors(flat, views):
    """Name -> a [rows, columns] view into the flat buffer (writes go through)."""
    return {name: flat[offset:offset + rows * cols].reshape(rows, cols) for name, rows, cols, offset, _ in views}


# ---------------------------------------------------------------- the batch

def make_batch(rng):
    """Three pairs of different lengths, unsorted on both sides (a model that sorts rows by
    length must put them back): source lengths 3, 5, 2; target lengths n = 5, 1, 3 (+ <eos>)."""
    src_lengths, tgt_lengths = [3, 5, 2], [5, 1, 3]
    src = np.zeros((B, S), np.int64)
    dec_in = np.zeros((B, T), np.int64)
    dec_out = np.zeros((B, T), np.int64)
    w = np.zeros((B, T))
    for b, (m, n) in enumerate(zip(src_lengths, tgt_lengths)):
        x = rng.integers(UNK, VS, m)          # <unk> may occur, so may repeats
        y = rng.integers(UNK, VT, n)
        src[b, S - m:] = x[::-1]              # reversed, padded on the left
        dec_in[b, 0] = GO
        dec_in[b, 1:n + 1] = y
        dec_out[b, :n] = y
        dec_out[b, n] = EOS
        w[b, :n + 1] = 1.0
    dec_in[0, 2] = dec_in[0, 4] = 7           # a repeated target id: embedding gradients must add up
    dec_out[0, 1] = dec_out[0, 3] = 7
    return src, dec_in, dec_out, w


# ---------------------------------------------------------------- forward

def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def cell_forward(x, h, c, W, b):
    """TF BasicLSTMCell: z = [x, h]·W + b, gates i, f, g, o; forget bias 1.0 (a constant)."""
    xh = np.concatenate([x, h], 1)
    z = xh @ W + b
    i, f, g, o = np.split(z, 4, 1)
    si, sf, tg, so = sigmoid(i), sigmoid(f + 1.0), np.tanh(g), sigmoid(o)
    c_new = sf * c + si * tg
    tc = np.tanh(c_new)
    h_new = so * tc
    return h_new, c_new, (xh, c, si, sf, tg, so, tc)


def cell_backward(dh, dc, cache, W, dW, db):
    """Adds dW, db; returns d[x, h_prev] and dc_prev through the cell."""
    xh, c_prev, si, sf, tg, so, tc = cache
    dso = dh * tc
    dct = dc + dh * so * (1 - tc * tc)
    dsf, dsi, dtg = dct * c_prev, dct * tg, dct * si
    dz = np.concatenate([dsi * si * (1 - si), dsf * sf * (1 - sf), dtg * (1 - tg * tg), dso * so * (1 - so)], 1)
    dW += xh.T @ dz
    db += dz.sum(0, keepdims=True)
    return dz @ W.T, dct * sf


def forward(p, batch, score, bi=False, residual=False, L=L, H=H):
    """The loss and everything backward needs (backward: not for bi or residual).
    bi: layer 0 is a forward LSTM of H/2 and `encoder.0.reverse` one of H/2 stepping t = S-1..0
    (the padding, on the left, comes last and keeps its state: each sentence's real tokens only);
    its outputs and final state are [fwd; bwd]. residual: layers 2.. hand up h + x."""
    src, dec_in, dec_out, w = batch
    mask = (src != PAD).astype(float)                       # [B, S]
    # Encoder: L layers over t = 0..S-1; a padded position keeps the state (h = m·h_new + (1-m)·h).
    x_seq = [p["source.embedding"][src[:, t]] for t in range(S)]
    enc_caches, enc_final = [], []
    for l in range(L):
        size = H // 2 if bi and l == 0 else H
        W, bias = p[f"encoder.{l}.weight"], p[f"encoder.{l}.bias"]
        h, c = np.zeros((B, size)), np.zeros((B, size))
        outs, caches = [], []
        for t in range(S):
            nh, nc, cache = cell_forward(x_seq[t], h, c, W, bias)
            m = mask[:, t:t + 1]
            h, c = m * nh + (1 - m) * h, m * nc + (1 - m) * c
            outs.append(h + x_seq[t] if residual and l >= 2 else h)
            caches.append(cache)
        if bi and l == 0:
            Wr, br = p["encoder.0.reverse.weight"], p["encoder.0.reverse.bias"]
            hb, cb = np.zeros((B, size)), np.zeros((B, size))
            for t in reversed(range(S)):
                nh, nc, _ = cell_forward(x_seq[t], hb, cb, Wr, br)
                m = mask[:, t:t + 1]
                hb, cb = m * nh + (1 - m) * hb, m * nc + (1 - m) * cb
                outs[t] = np.concatenate([outs[t], hb], 1)
            h, c = np.concatenate([h, hb], 1), np.concatenate([c, cb], 1)
        enc_caches.append(caches)
        enc_final.append((h, c))
        x_seq = outs
    memory = np.stack(x_seq, 1)                              # h̄_s [B, S, H]
    if score == "dot":
        keys = memory
    elif score == "general":
        keys = memory @ p["attention.W_a"]                   # W_a h̄_s, once per batch
    else:
        keys = memory @ p["attention.W_a"][H:]              # the h̄_s half of [h_t; h̄_s]·W_a, once per batch

    # Decoder with input feeding; initial state of layer l = encoder layer l's final state.
    states = list(enc_final)
    feed = np.zeros((B, H))
    dec_caches, att_caches, att_states = [], [], []
    for t in range(T):
        x = p["target.embedding"][dec_in[:, t]]
        if INPUT_FEEDING:
            x = np.concatenate([x, feed], 1)
        step = []
        for l in range(L):
            h, c, cache = cell_forward(x, states[l][0], states[l][1],
                                       p[f"decoder.{l}.weight"], p[f"decoder.{l}.bias"])
            states[l] = (h, c)
            step.append(cache)
            x = h + x if residual and l >= 2 else h
        dec_caches.append(step)
        ht = x
        if score == "concat":
            th = np.tanh((ht @ p["attention.W_a"][:H])[:, None, :] + keys)   # [B, S, H]
            s = th @ p["attention.v_a"][0]                                   # [B, S]
        else:
            th = None
            s = np.einsum("bh,bsh->bs", ht, keys)
        s = np.where(mask > 0, s, -np.inf)
        a = np.exp(s - s.max(1, keepdims=True))
        a /= a.sum(1, keepdims=True)                                          # padding gets exactly 0
        ctx = np.einsum("bs,bsh->bh", a, memory)
        ch = np.concatenate([ctx, ht], 1)
        feed = np.tanh(ch @ p["attention.W_c"])                              # h̃_t
        att_caches.append((ht, th, a, ch))
        att_states.append(feed)
    states_all = np.stack(att_states, 1).reshape(B * T, H)                   # row b·T + t
    logits = states_all @ p["output.weight"].T + p["output.bias"]
    logits = logits - logits.max(1, keepdims=True)
    logp = logits - np.log(np.exp(logits).sum(1, keepdims=True))
    labels, weights = dec_out.reshape(-1), w.reshape(-1)
    loss = -(weights * logp[np.arange(B * T), labels]).sum() / B
    cache = dict(mask=mask, enc_caches=enc_caches, enc_final=enc_final, memory=memory, keys=keys, dec_caches=dec_caches,
                 att_caches=att_caches, states_all=states_all, logp=logp, labels=labels, weights=weights)
    return loss, cache


# ---------------------------------------------------------------- backward

def backward(p, g, batch, score, cache):
    """Adds d loss / d parameter into g (same names and shapes as p)."""
    src, dec_in, _, _ = batch
    mask, memory, keys = cache["mask"], cache["memory"], cache["keys"]

    # Output projection and softmax cross-entropy: dlogits = w/B · (softmax − onehot).
    probs = np.exp(cache["logp"])
    probs[np.arange(B * T), cache["labels"]] -= 1
    dlogits = probs * (cache["weights"] / B)[:, None]
    g["output.weight"] += dlogits.T @ cache["states_all"]
    g["output.bias"] += dlogits.sum(0, keepdims=True)
    d_att_states = (dlogits @ p["output.weight"]).reshape(B, T, H)

    # Decoder, backward through time.
    dmemory = np.zeros_like(memory)
    dkeys = np.zeros_like(keys)
    dh = [np.zeros((B, H)) for _ in range(L)]
    dc = [np.zeros((B, H)) for _ in range(L)]
    dfeed = np.zeros((B, H))
    W_c = p["attention.W_c"]
    for t in reversed(range(T)):
        ht, th, a, ch = cache["att_caches"][t]
        feed = cache["states_all"].reshape(B, T, H)[:, t]
        du = (d_att_states[:, t] + dfeed) * (1 - feed * feed)               # through h̃ = tanh(u)
        g["attention.W_c"] += ch.T @ du
        dch = du @ W_c.T
        dctx, dht = dch[:, :H], dch[:, H:].copy()
        dmemory += a[:, :, None] * dctx[:, None, :]
        da = np.einsum("bsh,bh->bs", memory, dctx)
        ds = a * (da - (a * da).sum(1, keepdims=True))                       # softmax backward; 0 on padding
        if score == "concat":
            v = p["attention.v_a"][0]
            g["attention.v_a"] += np.einsum("bs,bsh->h", ds, th)[None, :]
            dpre = ds[:, :, None] * v[None, None, :] * (1 - th * th)        # [B, S, H]
            dq = dpre.sum(1)
            g["attention.W_a"][:H] += ht.T @ dq
            dht += dq @ p["attention.W_a"][:H].T
            dkeys += dpre
        else:
            dht += np.einsum("bs,bsh->bh", ds, keys)
            dkeys += ds[:, :, None] * ht[:, None, :]
        dh[L - 1] = dh[L - 1] + dht
        for l in reversed(range(L)):
            dxh, dc_prev = cell_backward(dh[l], dc[l], cache["dec_caches"][t][l],
                                         p[f"decoder.{l}.weight"], g[f"decoder.{l}.weight"], g[f"decoder.{l}.bias"])
            inputs = dxh.shape[1] - H
            dh[l], dc[l] = dxh[:, inputs:], dc_prev
            if l > 0:
                dh[l - 1] = dh[l - 1] + dxh[:, :inputs]
            else:
                np.add.at(g["target.embedding"], dec_in[:, t], dxh[:, :E])
                dfeed = dxh[:, E:inputs] if INPUT_FEEDING else np.zeros((B, H))
    # dfeed now reaches h̃_{-1} = 0, a constant; dh, dc reach the encoder's final states.

    # Keys back to the memory (and W_a).
    if score == "dot":
        dmemory += dkeys
    elif score == "general":
        g["attention.W_a"] += memory.reshape(-1, H).T @ dkeys.reshape(-1, H)
        dmemory += dkeys @ p["attention.W_a"].T
    else:
        g["attention.W_a"][H:] += memory.reshape(-1, H).T @ dkeys.reshape(-1, H)
        dmemory += dkeys @ p["attention.W_a"][H:].T

    # Encoder, top layer first; the top layer's outputs are the memory.
    d_outputs = [dmemory[:, t] for t in range(S)]
    for l in reversed(range(L)):
        W = p[f"encoder.{l}.weight"]
        dhl, dcl = dh[l], dc[l]                          # from decoder layer l's initial state
        d_inputs = [None] * S
        for t in reversed(range(S)):
            dhl = dhl + d_outputs[t]
            m = mask[:, t:t + 1]
            dxh, dc_cell = cell_backward(m * dhl, m * dcl, cache["enc_caches"][l][t], W,
                                         g[f"encoder.{l}.weight"], g[f"encoder.{l}.bias"])
            inputs = dxh.shape[1] - H
            d_inputs[t] = dxh[:, :inputs]
            dhl = (1 - m) * dhl + dxh[:, inputs:]
            dcl = (1 - m) * dcl + dc_cell
        d_outputs = d_inputs
    for t in range(S):
        np.add.at(g["source.embedding"], src[:, t], d_outputs[t])


# ---------------------------------------------------------------- check and write

def finite_difference_check(flat, views, batch, score, analytic):
    """Every entry of every tensor: 4-point central differences, error O(ε⁴)."""
    eps = 1e-3
    worst, worst_at = 0.0, None
    for name, rows, cols, offset, _ in views:
        for k in range(offset, offset + rows * cols):
            saved = flat[k]
            f = []
            for step in (2 * eps, eps, -eps, -2 * eps):
                flat[k] = saved + step
                f.append(forward(tensors(flat, views), batch, score)[0])
            flat[k] = saved
            numeric = (-f[0] + 8 * f[1] - 8 * f[2] + f[3]) / (12 * eps)
            # Relative to the gradient, with an absolute floor of 1e-5 (the loss is ~10): below it the
            # differences' own rounding (~1e-13 / ε) dominates.
            error = abs(numeric - analytic[k]) / max(abs(numeric), abs(analytic[k]), 1e-5)
            if error > worst:
                worst, worst_at = error, (name, (k - offset) // cols, (k - offset) % cols, analytic[k], numeric)
    return worst, worst_at


def random_model(rng, score, bi=False, L=L, H=H):
    """Our layout for `score` with every parameter from U(-0.5, 0.5) (biases included: they start at
    zero in training, but a zero bias would leave its gradient's use of the bias untested; the
    padding between tensors stays 0), rounded to float32 (what a Float store holds exactly), then a
    batch from the same generator. Returns views, count, the flat buffer, its named views, the batch."""
    views, count = layout(score, bi=bi, L=L, H=H)
    flat = np.zeros(count)
    p = tensors(flat, views)
    for name, rows, cols, offset, zero in views:
        p[name][...] = rng.uniform(-0.5, 0.5, (rows, cols))
    flat[:] = flat.astype(np.float32).astype(np.float64)
    return views, count, flat, p, make_batch(rng)


def write_fixture(name, generator, configuration, views, count, batch, loss, flat, **outputs):
    """Tests/Fixtures/model/<name>.json: the keys every model fixture has, then `outputs`."""
    src, dec_in, dec_out, w = batch
    fixture = {
        "generator": generator,
        "configuration": configuration,
        "layout": [dict(name=n, rows=r, columns=c, offset=o, startsAtZero=z) for n, r, c, o, z in views],
        "parameterCount": count,
        "batch": dict(size=B, sourceLength=S, targetLength=T, source=src.reshape(-1).tolist(),
                      decoderInput=dec_in.reshape(-1).tolist(), decoderTarget=dec_out.reshape(-1).tolist(),
                      targetWeights=w.reshape(-1).tolist()),
        "loss": loss,
        "values": flat.tolist(),
        **outputs,
    }
    path = os.path.join(OUT_DIR, f"{name}.json")
    with open(path, "w") as f:
        json.dump(fixture, f, indent=None, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {os.path.relpath(path)}")


def bi_residual_fixture():
    """Forward only: the loss, h̄ and the encoder's final states of a bi + residual model (L=3, H=6)."""
    layers, hidden, score = 3, 6, "general"
    rng = np.random.default_rng(2031)
    views, count, flat, p, batch = random_model(rng, score, bi=True, L=layers, H=hidden)
    loss, cache = forward(p, batch, score, bi=True, residual=True, L=layers, H=hidden)
    uni_loss, _ = forward(p, batch, score, bi=True, residual=False, L=layers, H=hidden)
    print(f"bi+residual: loss {loss:.10f} (without residual {uni_loss:.10f})")
    assert abs(loss - uni_loss) > 1e-3, "the residual connections change nothing"
    write_fixture(
        "bi_residual", "Tests/Fixtures/make_model_fixtures.py --bi (do not edit; regenerate with it)",
        dict(embedding=E, hidden=hidden, layers=layers, sourceVocabulary=VS, targetVocabulary=VT,
             attention=score, inputFeeding=INPUT_FEEDING, dropout=0.0, encoder="bi", residual=True),
        views, count, batch, loss, flat,
        # h̄ [B·S, H], row b·S + s, zero at padding; the final (h, c) of each layer [B, H].
        sourceStates=(cache["memory"] * cache["mask"][:, :, None]).reshape(-1).tolist(),
        finalHidden=[h.reshape(-1).tolist() for h, _ in cache["enc_final"]],
        finalCells=[c.reshape(-1).tolist() for _, c in cache["enc_final"]])


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    if "--bi" in sys.argv[1:]:
        return bi_residual_fixture()
    overall = 0.0
    for index, score in enumerate(SCORES):
        rng = np.random.default_rng(2024 + index)
        views, count, flat, p, batch = random_model(rng, score)
        loss, cache = forward(p, batch, score)
        gflat = np.zeros(count)
        backward(p, tensors(gflat, views), batch, score, cache)
        worst, worst_at = finite_difference_check(flat, views, batch, score, gflat)
        print(f"{score}: loss {loss:.10f}, {sum(r * c for _, r, c, _, _ in views)} parameters, "
              f"finite differences: max relative error {worst:.2e} at {worst_at}")
        assert worst < 1e-6, f"{score}: gradient check failed: {worst:.2e} at {worst_at}"
        overall = max(overall, worst)

        write_fixture(score, "Tests/Fixtures/make_model_fixtures.py (do not edit; regenerate with it)",
                      dict(embedding=E, hidden=H, layers=L, sourceVocabulary=VS, targetVocabulary=VT,
                           attention=score, inputFeeding=INPUT_FEEDING, dropout=0.0),
                      views, count, batch, loss, flat, gradients=gflat.tolist(), finiteDifferenceMaxRelativeError=worst)
    print(f"all gradients agree with finite differences: max relative error {overall:.2e} < 1e-6")


if __name__ == "__main__":
    sys.exit(main())
