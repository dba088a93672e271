#!/usr/bin/env python3
"""Reference fixtures for the Loss and Train modules (Tests/LossTests, Tests/TrainTests).

Run once with NumPy; the outputs are committed, so the tests need no Python:

    python3 Tests/Fixtures/make_loss_fixtures.py [--check-tf]

Writes under Tests/Fixtures/loss/:

  sampled_softmax.json  for small random h [N, H], W [V, H], b [V], labels, weights and a FIXED
                        candidate list with its num_tries: TF's `sampled_softmax_loss` formula
                        (log-uniform expected counts, subtract log Q, accidental hits removed, true
                        class at index 0) in float64 -- the loss sum(w * CE) * scale, the gradients
                        with respect to h, W and b, the expected counts, the norm of the gradient
                        as TF's IndexedSlices hold it, and the full-softmax evaluation
  optimizers.json       SGD and Keras 3 Adam steps and tf.clip_by_global_norm, in float32 as
                        TF computes them (NumPy float32 arithmetic, the same operations in the same
                        order)

--check-tf (needs TensorFlow, e.g. the peer's venv: /tmp/peer/bin/python) also runs TF itself on the
same inputs (`tf.nn.sampled_softmax_loss` with `sampled_values`, `keras.optimizers.Adam`,
`tf.clip_by_global_norm`) and asserts that it agrees with what is written.
"""
import argparse
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "loss")


def f32(a):
    """float32 values as Python floats (exact: every float32 is a float64)."""
    return [float(x) for x in np.asarray(a, np.float32).ravel()]


def probability(k, V):
    """LogUniformSampler::Probability: log((k+2)/(k+1)) / log(V+1), rounded to float32 as TF returns it."""
    return np.float32(np.log((k + 2.0) / (k + 1.0)) / np.log1p(V)).astype(np.float64)


def expected_count(k, V, num_sampled, num_tries):
    """ExpectedCountHelper (range_sampler.cc): p * num_sampled when no draw was rejected, else 1 - (1-p)^num_tries."""
    p = probability(np.asarray(k, np.float64), V)
    if num_tries == num_sampled:
        return p * num_sampled
    return -np.expm1(num_tries * np.log1p(-p))


def sampled_softmax(h, W, b, labels, weights, scale, candidates, num_tries):
    """TF's _compute_sampled_logits + softmax_cross_entropy_with_logits_v2, and its gradients, in float64."""
    N, H = h.shape
    V = W.shape[0]
    S = len(candidates)
    q_true = expected_count(labels, V, S, num_tries)
    q_sampled = expected_count(candidates, V, S, num_tries)
    true_logits = np.sum(h * W[labels], 1) + b[labels] - np.log(q_true)                 # [N]
    sampled_logits = h @ W[candidates].T + b[candidates] - np.log(q_sampled)            # [N, S]
    hits = labels[:, None] == candidates[None, :]                                       # compute_accidental_hits
    sampled_logits = np.where(hits, -np.inf, sampled_logits)                            # + (-FLT_MAX): probability 0
    logits = np.concatenate([true_logits[:, None], sampled_logits], 1)                  # true class at index 0
    m = logits.max(1, keepdims=True)
    e = np.exp(logits - m)
    p = e / e.sum(1, keepdims=True)
    ce = np.log(e.sum(1)) + m[:, 0] - true_logits
    loss = float(np.sum(weights * ce) * scale)
    d = p.copy()
    d[:, 0] -= 1
    d *= (weights * scale)[:, None]                                                     # dLoss/dlogits [N, 1+S]
    d_true, d_sampled = d[:, 0], d[:, 1:]
    dh = d_true[:, None] * W[labels] + d_sampled @ W[candidates]
    # TF's gradients of W and b are IndexedSlices: one slice per label row, one per candidate.
    slices_w = np.concatenate([d_true[:, None] * h, d_sampled.T @ h], 0)                # [N + S, H]
    slices_b = np.concatenate([d_true, d_sampled.sum(0)], 0)                            # [N + S]
    ids = np.concatenate([labels, candidates])
    dW = np.zeros_like(W)
    db = np.zeros_like(b)
    np.add.at(dW, ids, slices_w)
    np.add.at(db, ids, slices_b)
    slice_squared_norm = float(np.sum(slices_w ** 2) + np.sum(slices_b ** 2))
    # Full softmax over the vocabulary, for evaluation (rows of weight 0 skipped).
    full = h @ W.T + b
    fm = full.max(1, keepdims=True)
    full_ce = np.log(np.exp(full - fm).sum(1)) + fm[:, 0] - full[np.arange(N), labels]
    keep = weights != 0
    return dict(trueExpectedCounts=q_true.tolist(), expectedCounts=q_sampled.tolist(), loss=loss,
                dStates=dh.ravel().tolist(), dWeight=dW.ravel().tolist(), dBias=db.tolist(),
                sliceSquaredNorm=slice_squared_norm,
                evalCrossEntropy=float(np.sum((weights * full_ce)[keep])), evalWeight=float(np.sum(weights[keep])),
                perRowCrossEntropy=ce.tolist())


def sampled_case(name, rng, N, H, V, S, num_tries, scale, hit_rows, repeated):
    """Random inputs; labels of `hit_rows` equal candidates (accidental hits); `repeated` rows share one label."""
    h = rng.normal(0, 1, (N, H)).astype(np.float32)
    W = rng.normal(0, 0.7, (V, H)).astype(np.float32)
    b = rng.normal(0, 0.5, V).astype(np.float32)
    candidates = rng.choice(V, S, replace=False).astype(np.int64)
    labels = rng.integers(0, V, N).astype(np.int64)
    for i, row in enumerate(hit_rows):
        labels[row] = candidates[(2 * i + 1) % S]
    for row in repeated:
        labels[row] = labels[repeated[0]]
    weights = np.ones(N, np.float32)
    weights[::5] = 0                      # padding rows
    weights[3 % N] = 0.5                  # a fractional weight
    case = dict(name=name, rows=N, hidden=H, vocabulary=V, numTries=num_tries, scale=float(np.float32(scale)),
                states=f32(h), weight=f32(W), bias=f32(b), labels=labels.tolist(), weights=f32(weights),
                candidates=candidates.tolist())
    result = sampled_softmax(h.astype(np.float64), W.astype(np.float64), b.astype(np.float64), labels,
                             weights.astype(np.float64), float(np.float32(scale)), candidates, num_tries)
    case.update(result)
    return case


def adam_keras(w, grads, lr, beta1=0.9, beta2=0.999, epsilon=1e-7):
    """keras/src/optimizers/adam.py update_step, float32 operations in Keras' order."""
    w = w.astype(np.float32).copy()
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    lr = np.float32(lr)
    out = []
    for t, g in enumerate(grads, 1):
        g = g.astype(np.float32)
        # TF's float32 pow rounds the exact power (checked against TF 2.21 for t <= 7); NumPy's
        # float32 power (libm powf) is an ulp off at t = 4 for 0.9, so take it in float64.
        b1p = np.float32(np.float64(np.float32(beta1)) ** t)
        b2p = np.float32(np.float64(np.float32(beta2)) ** t)
        alpha = lr * np.sqrt(np.float32(1) - b2p) / (np.float32(1) - b1p)
        m = m + (g - m) * np.float32(1 - beta1)
        v = v + (np.square(g) - v) * np.float32(1 - beta2)
        w = w - (m * alpha) / (np.sqrt(v) + np.float32(epsilon))
        out.append(dict(w=f32(w), m=f32(m), v=f32(v)))
    return out


def optimizer_cases(rng):
    w = rng.normal(0, 0.5, 37).astype(np.float32)
    grads = [rng.normal(0, s, 37).astype(np.float32) for s in (1.0, 0.01, 3.0, 1e-4)]
    grads[1][:5] = 0                      # zero gradients (Adam still moves w: m ≠ 0)
    sgd = [f32(w - g * np.float32(0.1)) for g in grads[:1]]
    adam = adam_keras(w, grads, 0.01)
    # tf.clip_by_global_norm on two tensors: sqrt(2 * sum(l2_loss)) and scale clip * min(1/norm, 1/clip).
    a = rng.normal(0, 1, (4, 5)).astype(np.float32)
    c = rng.normal(0, 1, 7).astype(np.float32)
    clips = []
    for clip in (1.0, 5.0, 100.0):
        norm = np.float32(np.sqrt(np.float64(np.sum(a.astype(np.float64) ** 2) + np.sum(c.astype(np.float64) ** 2))))
        scale = np.float32(clip) * np.minimum(np.float32(1) / norm, np.float32(1) / np.float32(clip))
        clips.append(dict(maxNorm=clip, norm=float(norm), clipped=f32(np.concatenate([a.ravel(), c]) * scale)))
    return dict(weights=f32(w), gradients=[f32(g) for g in grads], sgdLearningRate=0.1, sgd=sgd,
                adamLearningRate=0.01, adam=adam,
                clipTensors=dict(a=f32(a), aShape=[4, 5], c=f32(c)), clip=clips)


def check_with_tensorflow(cases, optim):
    import tensorflow as tf
    for case in cases:
        N, H, V = case["rows"], case["hidden"], case["vocabulary"]
        W = tf.Variable(np.array(case["weight"], np.float32).reshape(V, H))
        b = tf.Variable(np.array(case["bias"], np.float32))
        h = tf.Variable(np.array(case["states"], np.float32).reshape(N, H))
        cand = np.array(case["candidates"], np.int64)
        labels = np.array(case["labels"], np.int64)
        S = len(cand)
        # TF's own sampler kernel gives the expected counts for this num_tries only through sampling,
        # so they are passed in (float32), as `sampled_values` would carry them.
        sv = (tf.constant(cand), tf.constant(np.float32(case["trueExpectedCounts"]).reshape(N, 1)),
              tf.constant(np.float32(case["expectedCounts"])))
        w = tf.constant(np.array(case["weights"], np.float32))
        with tf.GradientTape() as tape:
            ce = tf.nn.sampled_softmax_loss(W, b, labels[:, None], h, S, V, sampled_values=sv)
            loss = tf.reduce_sum(ce * w) * case["scale"]
        dh, dW, db = tape.gradient(loss, [h, W, b])
        _, tf_norm = tf.clip_by_global_norm([dW, db], 1.0)
        close = lambda x, y, tol=2e-5: np.testing.assert_allclose(np.asarray(x, np.float64).ravel(), np.asarray(y).ravel(), rtol=tol, atol=tol)
        close(loss.numpy(), case["loss"])
        close(dh.numpy(), case["dStates"])
        close(tf.convert_to_tensor(dW).numpy(), case["dWeight"])
        close(tf.convert_to_tensor(db).numpy(), case["dBias"])
        close(float(tf_norm) ** 2, case["sliceSquaredNorm"], 1e-4)
        print(f"tensorflow {tf.__version__} agrees on {case['name']}: loss {float(loss):.6f}, slice norm {float(tf_norm):.6f}")
    import keras
    var = tf.Variable(np.array(optim["weights"], np.float32))
    opt = keras.optimizers.Adam(optim["adamLearningRate"])
    for g, step in zip(optim["gradients"], optim["adam"]):
        opt.apply_gradients([(tf.constant(np.array(g, np.float32)), var)])
        np.testing.assert_array_equal(var.numpy(), np.array(step["w"], np.float32))
    print(f"keras {keras.__version__} Adam agrees bit for bit over {len(optim['adam'])} steps")
    a = tf.constant(np.array(optim["clipTensors"]["a"], np.float32).reshape(4, 5))
    c = tf.constant(np.array(optim["clipTensors"]["c"], np.float32))
    for clip in optim["clip"]:
        (ca, cc), norm = tf.clip_by_global_norm([a, c], clip["maxNorm"])
        np.testing.assert_allclose(float(norm), clip["norm"], rtol=1e-6)
        np.testing.assert_allclose(np.concatenate([ca.numpy().ravel(), cc.numpy()]), clip["clipped"], rtol=1e-6)
    print("tf.clip_by_global_norm agrees")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--check-tf", action="store_true", help="also compare with TensorFlow (must be importable)")
    args = parser.parse_args()
    rng = np.random.default_rng(20150101)
    cases = [
        # Rejections happened (num_tries > num_sampled): expected counts 1 - (1-p)^num_tries.
        sampled_case("rejections", rng, N=12, H=7, V=40, S=9, num_tries=15, scale=1 / 3,
                     hit_rows=[1, 4, 7], repeated=[2, 6, 9]),
        # Every draw new (num_tries == num_sampled): TF's shortcut p * num_sampled.
        sampled_case("noRejection", rng, N=6, H=5, V=30, S=5, num_tries=5, scale=1 / 2, hit_rows=[2], repeated=[]),
    ]
    optim = optimizer_cases(rng)
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "sampled_softmax.json"), "w") as f:
        json.dump(dict(generator="Tests/Fixtures/make_loss_fixtures.py", cases=cases), f, indent=1)
        f.write("\n")
    with open(os.path.join(OUT, "optimizers.json"), "w") as f:
        json.dump(dict(generator="Tests/Fixtures/make_loss_fixtures.py", **optim), f, indent=1)
        f.write("\n")
    if args.check_tf:
        check_with_tensorflow(cases, optim)


if __name__ == "__main__":
    main()
