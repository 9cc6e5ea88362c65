"""Alternative correct and plausible wrong answers for module 04_backprop."""

MODULE = "04_backprop"

# A differently written correct answer for every graded function (grade_id -> cell source).
CORRECT = {
    "dense_backward": '''
def dense_backward(dZ, X, W):
    """Loop over the batch: each sample adds its outer product to dW."""
    dZ, X, W = (np.asarray(a, dtype=np.float64) for a in (dZ, X, W))
    dW = np.zeros_like(W)
    db = np.zeros(W.shape[1])
    for x_i, dz_i in zip(X, dZ):
        dW += np.outer(x_i, dz_i)
        db += dz_i
    dX = np.einsum("ij,kj->ik", dZ, W)
    return dX, dW, db
''',
    "sigmoid_backward": '''
def sigmoid_backward(dA, Z):
    Z = np.asarray(Z, dtype=float)
    s = 0.5 * (1.0 + np.tanh(0.5 * Z))      # sigmoid via tanh: no overflow
    return np.asarray(dA, dtype=float) * s * (1 - s)
''',
    "relu_backward": '''
def relu_backward(dA, Z):
    dZ = np.array(dA, dtype=float)           # a copy, so writing into it is safe
    dZ[np.asarray(Z) <= 0] = 0.0
    return dZ
''',
    "mlp_loss_and_grads": '''
def mlp_loss_and_grads(X, y, params):
    """Uses the module's own dense_backward and relu_backward, and a one-hot matrix."""
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=int)
    m = len(X)
    activations, pre = [X], []
    for l, (W, b) in enumerate(params):
        Z = activations[-1] @ np.asarray(W, float) + np.asarray(b, float)
        pre.append(Z)
        if l < len(params) - 1:
            activations.append(np.maximum(0, Z))
    logits = pre[-1]
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    P = e / e.sum(axis=1, keepdims=True)
    Y = np.eye(logits.shape[1])[y]
    loss = -np.sum(Y * np.log(P)) / m
    dZ = (P - Y) / m
    grads = []
    for l in range(len(params) - 1, -1, -1):
        dA, dW, db = dense_backward(dZ, activations[l], params[l][0])
        grads.insert(0, (dW, db))
        if l > 0:
            dZ = relu_backward(dA, pre[l - 1])
    return loss, grads
''',
    "relative_error": '''
def relative_error(a, b):
    a = np.ravel(np.asarray(a, dtype=float))
    b = np.ravel(np.asarray(b, dtype=float))
    worst = 0.0
    for x, z in zip(a, b):
        worst = max(worst, abs(x - z) / max(abs(x) + abs(z), 1e-8))
    return worst
''',
    "gradient_check": '''
def gradient_check(f, x, analytic_grad, h=1e-5):
    """Builds perturbed copies instead of editing x in place."""
    x = np.asarray(x, dtype=float)
    num = np.empty(x.size)
    for i in range(x.size):
        e = np.zeros(x.size)
        e[i] = h
        e = e.reshape(x.shape)
        num[i] = (f(x + e) - f(x - e)) / (2 * h)
    a = np.asarray(analytic_grad, dtype=float).ravel()
    return float(np.max(np.abs(a - num) / np.maximum(np.abs(a) + np.abs(num), 1e-8)))
''',
}

# At least two real student mistakes for every graded function: grade_id -> [(label, source)].
WRONG = {
    "dense_backward": [
        ("divides dW and db by the batch size a second time", '''
def dense_backward(dZ, X, W):
    dZ, X, W = (np.asarray(a, dtype=float) for a in (dZ, X, W))
    m = X.shape[0]
    return dZ @ W.T, X.T @ dZ / m, dZ.mean(axis=0)
'''),
        ("transposed weight gradient dZ.T @ X", '''
def dense_backward(dZ, X, W):
    dZ, X, W = (np.asarray(a, dtype=float) for a in (dZ, X, W))
    return dZ @ W.T, dZ.T @ X, dZ.sum(axis=0)
'''),
        ("db summed over the wrong axis", '''
def dense_backward(dZ, X, W):
    dZ, X, W = (np.asarray(a, dtype=float) for a in (dZ, X, W))
    return dZ @ W.T, X.T @ dZ, dZ.sum(axis=1)
'''),
    ],
    "sigmoid_backward": [
        ("uses Z as if it were the sigmoid's output: Z * (1 - Z)", '''
def sigmoid_backward(dA, Z):
    Z = np.asarray(Z, dtype=float)
    return np.asarray(dA, dtype=float) * Z * (1 - Z)
'''),
        ("forgets the (1 - sigmoid) factor", '''
def sigmoid_backward(dA, Z):
    Z = np.asarray(Z, dtype=float)
    s = 0.5 * (1.0 + np.tanh(0.5 * Z))
    return np.asarray(dA, dtype=float) * s
'''),
        ("unstable sigmoid: overflows at Z = -1000", '''
def sigmoid_backward(dA, Z):
    s = 1 / (1 + np.exp(-np.asarray(Z, dtype=float)))
    return np.asarray(dA, dtype=float) * s * (1 - s)
'''),
    ],
    "relu_backward": [
        ("gradient 1 at Z = 0 (Z >= 0)", '''
def relu_backward(dA, Z):
    return np.asarray(dA, dtype=float) * (np.asarray(Z) >= 0)
'''),
        ("writes into the caller's dA", '''
def relu_backward(dA, Z):
    dA[np.asarray(Z) <= 0] = 0
    return dA
'''),
        ("masks on the sign of dA instead of Z", '''
def relu_backward(dA, Z):
    dA = np.asarray(dA, dtype=float)
    return dA * (dA > 0)
'''),
    ],
    "mlp_loss_and_grads": [
        ("missing the 1/m batch mean in the gradient", '''
def mlp_loss_and_grads(X, y, params):
    X = np.asarray(X, dtype=float); y = np.asarray(y, dtype=int); m = len(X)
    A, cache = X, []
    for i, (W, b) in enumerate(params):
        Z = A @ W + b
        cache.append((A, Z))
        A = np.maximum(Z, 0) if i < len(params) - 1 else Z
    e = np.exp(A - A.max(axis=1, keepdims=True)); P = e / e.sum(axis=1, keepdims=True)
    loss = -np.log(P[np.arange(m), y]).mean()
    dZ = P.copy(); dZ[np.arange(m), y] -= 1
    grads = [None] * len(params)
    for i in reversed(range(len(params))):
        A_prev, Z = cache[i]
        if i < len(params) - 1:
            dZ = dA * (Z > 0)
        grads[i] = (A_prev.T @ dZ, dZ.sum(axis=0))
        dA = dZ @ params[i][0].T
    return loss, grads
'''),
        ("softmax gradient with the sign flipped (Y - P)", '''
def mlp_loss_and_grads(X, y, params):
    X = np.asarray(X, dtype=float); y = np.asarray(y, dtype=int); m = len(X)
    A, cache = X, []
    for i, (W, b) in enumerate(params):
        Z = A @ W + b
        cache.append((A, Z))
        A = np.maximum(Z, 0) if i < len(params) - 1 else Z
    e = np.exp(A - A.max(axis=1, keepdims=True)); P = e / e.sum(axis=1, keepdims=True)
    loss = -np.log(P[np.arange(m), y]).mean()
    Y = np.eye(P.shape[1])[y]
    dZ = (Y - P) / m
    grads = [None] * len(params)
    for i in reversed(range(len(params))):
        A_prev, Z = cache[i]
        if i < len(params) - 1:
            dZ = dA * (Z > 0)
        grads[i] = (A_prev.T @ dZ, dZ.sum(axis=0))
        dA = dZ @ params[i][0].T
    return loss, grads
'''),
        ("forgets the ReLU derivative: hidden layers treated as linear", '''
def mlp_loss_and_grads(X, y, params):
    X = np.asarray(X, dtype=float); y = np.asarray(y, dtype=int); m = len(X)
    A, cache = X, []
    for i, (W, b) in enumerate(params):
        Z = A @ W + b
        cache.append(A)
        A = np.maximum(Z, 0) if i < len(params) - 1 else Z
    e = np.exp(A - A.max(axis=1, keepdims=True)); P = e / e.sum(axis=1, keepdims=True)
    loss = -np.log(P[np.arange(m), y]).mean()
    dZ = P.copy(); dZ[np.arange(m), y] -= 1; dZ /= m
    grads = [None] * len(params)
    for i in reversed(range(len(params))):
        grads[i] = (cache[i].T @ dZ, dZ.sum(axis=0))
        dZ = dZ @ params[i][0].T
    return loss, grads
'''),
    ],
    "relative_error": [
        ("mean instead of the maximum", '''
def relative_error(a, b):
    a = np.asarray(a, dtype=float); b = np.asarray(b, dtype=float)
    return float(np.mean(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-8)))
'''),
        ("no floor in the denominator: 0/0 for exact zeros", '''
def relative_error(a, b):
    a = np.asarray(a, dtype=float); b = np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b) / (np.abs(a) + np.abs(b))))
'''),
        ("divides by max(|a|, |b|) instead of |a| + |b|", '''
def relative_error(a, b):
    a = np.asarray(a, dtype=float); b = np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b) / np.maximum(np.maximum(np.abs(a), np.abs(b)), 1e-8)))
'''),
    ],
    "gradient_check": [
        ("forward differences (f(x+h) - f(x)) / h", '''
def gradient_check(f, x, analytic_grad, h=1e-5):
    x = np.array(x, dtype=float)
    num = np.zeros_like(x)
    fx = f(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        num[idx] = (f(x) - fx) / h
        x[idx] = old
    g = np.asarray(analytic_grad, dtype=float)
    return float(np.max(np.abs(g - num) / np.maximum(np.abs(g) + np.abs(num), 1e-8)))
'''),
        ("perturbs the caller's x in place and restores it by arithmetic", '''
def gradient_check(f, x, analytic_grad, h=1e-5):
    num = np.zeros(np.shape(x))
    for idx in np.ndindex(num.shape):
        x[idx] += h
        f_plus = f(x)
        x[idx] -= 2 * h
        f_minus = f(x)
        x[idx] += h
        num[idx] = (f_plus - f_minus) / (2 * h)
    g = np.asarray(analytic_grad, dtype=float)
    return float(np.max(np.abs(g - num) / np.maximum(np.abs(g) + np.abs(num), 1e-8)))
'''),
        ("returns the numerical gradient instead of the relative error", '''
def gradient_check(f, x, analytic_grad, h=1e-5):
    x = np.array(x, dtype=float)
    num = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h; fp = f(x)
        x[idx] = old - h; fm = f(x)
        x[idx] = old
        num[idx] = (fp - fm) / (2 * h)
    return num
'''),
    ],
}
