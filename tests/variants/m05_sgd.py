"""Alternative correct and plausible wrong answers for module 05_sgd."""

MODULE = "05_sgd"

# The body of a correct train_sgd with its helper in the same cell; WRONG variants edit it.
_TRAIN_TEMPLATE = '''
def _forward_backward(Xb, yb, params):
    """mlp_loss_and_grads from module 04, pasted into this cell."""
    m = len(Xb)
    acts, pres = [Xb], []
    for l, (W, b) in enumerate(params):
        Z = acts[-1] @ W + b
        pres.append(Z)
        acts.append(np.maximum(Z, 0) if l < len(params) - 1 else Z)
    e = np.exp(pres[-1] - pres[-1].max(axis=1, keepdims=True))
    P = e / e.sum(axis=1, keepdims=True)
    Y = np.eye(P.shape[1])[yb]
    loss = -np.mean(np.log(P[np.arange(m), yb] + 1e-300))
    dZ = __DZ__
    grads = []
    for l in range(len(params) - 1, -1, -1):
        grads.insert(0, (acts[l].T @ dZ, dZ.sum(axis=0)))
        if l > 0:
            dZ = (dZ @ params[l][0].T) * (pres[l - 1] > 0)
    return loss, grads


def train_sgd(X, y, layer_sizes, lr, epochs, batch_size, seed=0):
    """Glorot-uniform initialisation, the notebook's minibatches and a Python loop."""
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=int)
    rng = np.random.default_rng(seed)
    params = []
    for fan_in, fan_out in zip(layer_sizes[:-1], layer_sizes[1:]):
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        params.append((rng.uniform(-limit, limit, size=(fan_in, fan_out)), np.zeros(fan_out)))
    history = {"loss": []}
    for epoch in range(epochs):
        total, count = 0.0, 0
        for Xb, yb in minibatches(X, y, batch_size, rng):
            loss, grads = _forward_backward(Xb, yb, params)
            params = [(W __SIGN__ lr * dW, b __SIGN__ lr * db) for (W, b), (dW, db) in zip(params, grads)]
            total += loss * len(yb)
            count += len(yb)
        __RECORD__
    return params, history
'''


def _train(dz="(P - Y) / m", sign="-", record='history["loss"].append(total / count)'):
    return (_TRAIN_TEMPLATE.replace("__DZ__", dz).replace("__SIGN__", sign)
            .replace("__RECORD__", record))


# A differently written correct answer for every graded function (grade_id -> cell source).
CORRECT = {
    "minibatches": '''
def minibatches(X, y, batch_size, rng):
    """Shuffles copies (rng.shuffle on an index array), then slices with array_split."""
    X, y = np.array(X), np.array(y)
    idx = np.arange(len(X))
    rng.shuffle(idx)
    n_batches = int(np.ceil(len(X) / batch_size))
    for k in range(n_batches):
        part = idx[k * batch_size:(k + 1) * batch_size]
        yield X[part], y[part]
''',
    "sgd_update": '''
def sgd_update(params, grads, lr):
    new_params = []
    for layer, grad in zip(params, grads):
        new_params.append(tuple(np.subtract(p, np.multiply(lr, g)) for p, g in zip(layer, grad)))
    return new_params
''',
    "momentum_update": '''
def momentum_update(params, grads, velocity, lr, beta=0.9):
    new_velocity = [tuple(beta * np.asarray(v, float) - lr * np.asarray(g, float) for v, g in zip(vl, gl))
                    for vl, gl in zip(velocity, grads)]
    new_params = [tuple(np.asarray(p, float) + v for p, v in zip(pl, vl))
                  for pl, vl in zip(params, new_velocity)]
    return new_params, new_velocity
''',
    "adam_update": '''
def adam_update(params, grads, state, lr=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    """The textbook form: bias-corrected m_hat and v_hat, epsilon scaled as Keras does."""
    m, v, t = state
    t = t + 1
    flat = lambda pairs: [np.asarray(a, dtype=float) for pair in pairs for a in pair]
    P, G, M, V = flat(params), flat(grads), flat(m), flat(v)
    M = [beta_1 * mi + (1 - beta_1) * g for mi, g in zip(M, G)]
    V = [beta_2 * vi + (1 - beta_2) * g ** 2 for vi, g in zip(V, G)]
    c1, c2 = 1 - beta_1 ** t, 1 - beta_2 ** t
    # Keras adds epsilon to sqrt(v) before the correction: eps_hat = eps * sqrt(c2).
    P = [p - lr * (mi / c1) / (np.sqrt(vi / c2) + epsilon / np.sqrt(c2)) for p, mi, vi in zip(P, M, V)]
    pairs = lambda xs: [(xs[i], xs[i + 1]) for i in range(0, len(xs), 2)]
    return pairs(P), (pairs(M), pairs(V), t)
''',
    "train_sgd": _train(),
}

# At least two real student mistakes for every graded function: grade_id -> [(label, source)].
WRONG = {
    "minibatches": [
        ("samples with replacement: some samples repeat, others are dropped", '''
def minibatches(X, y, batch_size, rng):
    X, y = np.asarray(X), np.asarray(y)
    idx = rng.integers(0, len(X), size=len(X))
    for start in range(0, len(X), batch_size):
        part = idx[start:start + batch_size]
        yield X[part], y[part]
'''),
        ("drops the last, smaller batch", '''
def minibatches(X, y, batch_size, rng):
    X, y = np.asarray(X), np.asarray(y)
    idx = rng.permutation(len(X))
    for k in range(len(X) // batch_size):
        part = idx[k * batch_size:(k + 1) * batch_size]
        yield X[part], y[part]
'''),
        ("shuffles X and y with two different orders", '''
def minibatches(X, y, batch_size, rng):
    X, y = np.asarray(X), np.asarray(y)
    ix, iy = rng.permutation(len(X)), rng.permutation(len(X))
    for start in range(0, len(X), batch_size):
        yield X[ix[start:start + batch_size]], y[iy[start:start + batch_size]]
'''),
        ("shuffles the caller's arrays in place", '''
def minibatches(X, y, batch_size, rng):
    state = rng.bit_generator.state
    rng.shuffle(X)
    rng.bit_generator.state = state
    rng.shuffle(y)
    for start in range(0, len(X), batch_size):
        yield X[start:start + batch_size], y[start:start + batch_size]
'''),
        ("makes a new generator with a fixed seed instead of using rng", '''
def minibatches(X, y, batch_size, rng):
    X, y = np.asarray(X), np.asarray(y)
    idx = np.random.default_rng(0).permutation(len(X))
    for start in range(0, len(X), batch_size):
        yield X[idx[start:start + batch_size]], y[idx[start:start + batch_size]]
'''),
    ],
    "sgd_update": [
        ("adds the gradient (ascent instead of descent)", '''
def sgd_update(params, grads, lr):
    return [(W + lr * dW, b + lr * db) for (W, b), (dW, db) in zip(params, grads)]
'''),
        ("updates the caller's arrays in place", '''
def sgd_update(params, grads, lr):
    for (W, b), (dW, db) in zip(params, grads):
        W -= lr * dW
        b -= lr * db
    return params
'''),
        ("forgets the biases", '''
def sgd_update(params, grads, lr):
    return [(np.asarray(W) - lr * np.asarray(dW), np.asarray(b)) for (W, b), (dW, db) in zip(params, grads)]
'''),
    ],
    "momentum_update": [
        ("moves the parameters with the old velocity", '''
def momentum_update(params, grads, velocity, lr, beta=0.9):
    new_p, new_v = [], []
    for (W, b), (dW, db), (vW, vb) in zip(params, grads, velocity):
        new_p.append((W + vW, b + vb))
        new_v.append((beta * vW - lr * dW, beta * vb - lr * db))
    return new_p, new_v
'''),
        ("averaging form v = beta v + (1 - beta) g, p -= lr v", '''
def momentum_update(params, grads, velocity, lr, beta=0.9):
    new_p, new_v = [], []
    for (W, b), (dW, db), (vW, vb) in zip(params, grads, velocity):
        vW = beta * vW + (1 - beta) * dW
        vb = beta * vb + (1 - beta) * db
        new_p.append((W - lr * vW, b - lr * vb))
        new_v.append((vW, vb))
    return new_p, new_v
'''),
        ("updates velocity and parameters in place", '''
def momentum_update(params, grads, velocity, lr, beta=0.9):
    for (W, b), (dW, db), (vW, vb) in zip(params, grads, velocity):
        vW *= beta; vW -= lr * dW
        vb *= beta; vb -= lr * db
        W += vW; b += vb
    return params, velocity
'''),
    ],
    "adam_update": [
        ("no bias correction: the first steps are about three times too large", '''
def adam_update(params, grads, state, lr=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m, v, t = state
    new_p, new_m, new_v = [], [], []
    for pair, gpair, mpair, vpair in zip(params, grads, m, v):
        mm = [beta_1 * np.asarray(a, float) + (1 - beta_1) * np.asarray(g, float) for a, g in zip(mpair, gpair)]
        vv = [beta_2 * np.asarray(a, float) + (1 - beta_2) * np.asarray(g, float) ** 2 for a, g in zip(vpair, gpair)]
        new_p.append(tuple(np.asarray(p, float) - lr * a / (np.sqrt(b) + epsilon) for p, a, b in zip(pair, mm, vv)))
        new_m.append(tuple(mm))
        new_v.append(tuple(vv))
    return new_p, (new_m, new_v, t + 1)
'''),
        ("does not advance t: bias correction of the first step every time", '''
def adam_update(params, grads, state, lr=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m, v, t = state
    alpha = lr * np.sqrt(1 - beta_2 ** (t + 1)) / (1 - beta_1 ** (t + 1))
    new_p, new_m, new_v = [], [], []
    for pair, gpair, mpair, vpair in zip(params, grads, m, v):
        mm = [beta_1 * np.asarray(a, float) + (1 - beta_1) * np.asarray(g, float) for a, g in zip(mpair, gpair)]
        vv = [beta_2 * np.asarray(a, float) + (1 - beta_2) * np.asarray(g, float) ** 2 for a, g in zip(vpair, gpair)]
        new_p.append(tuple(np.asarray(p, float) - alpha * a / (np.sqrt(b) + epsilon) for p, a, b in zip(pair, mm, vv)))
        new_m.append(tuple(mm))
        new_v.append(tuple(vv))
    return new_p, (new_m, new_v, t)
'''),
    ],
    "train_sgd": [
        ("gradient of the softmax with the sign flipped (Y - P): the loss climbs",
         _train(dz="(Y - P) / m")),
        ("records the loss of every mini-batch instead of one per epoch",
         _train(record='history["loss"].extend([total / count] * (count // batch_size + 1))')),
        ("sums the gradient over the batch instead of averaging: the steps are 32 times too long",
         _train(dz="(P - Y)")),
    ],
}
