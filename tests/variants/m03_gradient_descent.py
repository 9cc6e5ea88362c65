"""Alternative correct and plausible wrong answers for module 03_gradient_descent."""

MODULE = "03_gradient_descent"

# A differently written correct answer for every graded function (grade_id -> cell source).
CORRECT = {
    "mse": '''
def mse(y_true, y_pred):
    d = np.ravel(np.subtract(y_pred, y_true, dtype=float))
    return d @ d / d.size
''',
    "binary_cross_entropy": '''
def binary_cross_entropy(y_true, p, eps=1e-12):
    # eps added inside the logarithms instead of clipping
    y = np.asarray(y_true, dtype=float)
    p = np.asarray(p, dtype=float)
    return -np.mean(y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps))
''',
    "numerical_gradient": '''
def numerical_gradient(f, x, h=1e-5):
    x = np.asarray(x, dtype=float)
    flat = x.ravel()
    grad = np.empty(flat.size)
    for j in range(flat.size):
        step = np.zeros(flat.size)
        step[j] = h
        grad[j] = (f((flat + step).reshape(x.shape)) - f((flat - step).reshape(x.shape))) / (2 * h)
    return grad.reshape(x.shape)
''',
    "gradient_descent": '''
def gradient_descent(grad, x0, lr, steps):
    x0 = np.asarray(x0, dtype=float)
    path = np.empty((steps + 1,) + x0.shape)
    path[0] = x0
    for k in range(steps):
        path[k + 1] = path[k] - lr * grad(path[k].copy())
    return path
''',
    "fit_line": '''
def fit_line(x, y, lr=0.1, steps=1000):
    # both parameters in one vector theta = (m, c); records the loss after every step
    A = np.column_stack([np.asarray(x, dtype=float), np.ones(len(x))])
    y = np.asarray(y, dtype=float)
    theta = np.zeros(2)
    losses = []
    for _ in range(steps):
        theta = theta - lr * 2 / len(y) * A.T @ (A @ theta - y)
        losses.append(np.mean((A @ theta - y) ** 2))
    return theta[0], theta[1], losses
''',
    "diverging_learning_rate": '''
def diverging_learning_rate():
    return 1e200  # right too: the iterates overflow to inf in floats, and the test must accept it
''',
}

# At least two real student mistakes for every graded function: grade_id -> [(label, source)].
WRONG = {
    "mse": [
        ("sum instead of mean", '''
def mse(y_true, y_pred):
    return float(np.sum((np.asarray(y_true, dtype=float) - np.asarray(y_pred, dtype=float)) ** 2))
'''),
        ("root mean squared error", '''
def mse(y_true, y_pred):
    return float(np.sqrt(np.mean((np.asarray(y_true, dtype=float) - np.asarray(y_pred, dtype=float)) ** 2)))
'''),
        ("square of the mean error", '''
def mse(y_true, y_pred):
    return float(np.mean(np.asarray(y_true, dtype=float) - np.asarray(y_pred, dtype=float)) ** 2)
'''),
    ],
    "binary_cross_entropy": [
        ("no clipping: log(0) at p = 0 or 1", '''
def binary_cross_entropy(y_true, p, eps=1e-12):
    y = np.asarray(y_true, dtype=float)
    p = np.asarray(p, dtype=float)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
'''),
        ("sum over the batch instead of the mean", '''
def binary_cross_entropy(y_true, p, eps=1e-12):
    y = np.asarray(y_true, dtype=float)
    p = np.clip(np.asarray(p, dtype=float), eps, 1 - eps)
    return float(-np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)))
'''),
        ("sign wrong: the loss is negative", '''
def binary_cross_entropy(y_true, p, eps=1e-12):
    y = np.asarray(y_true, dtype=float)
    p = np.clip(np.asarray(p, dtype=float), eps, 1 - eps)
    return float(np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
'''),
    ],
    "numerical_gradient": [
        ("forward difference instead of central", '''
def numerical_gradient(f, x, h=1e-5):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        xp = x.copy(); xp[i] += h
        grad[i] = (f(xp) - f(x)) / h
    return grad
'''),
        ("divides by h instead of 2h: off by a factor 2", '''
def numerical_gradient(f, x, h=1e-5):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        xp = x.copy(); xp[i] += h
        xm = x.copy(); xm[i] -= h
        grad[i] = (f(xp) - f(xm)) / h
    return grad
'''),
        ("nudges the caller's array in place and moves it back (round-off changes it; integers round h away)", '''
def numerical_gradient(f, x, h=1e-5):
    x = np.asarray(x)
    grad = np.zeros(x.shape)
    for i in np.ndindex(x.shape):
        x[i] += h
        fp = f(x)
        x[i] -= 2 * h
        fm = f(x)
        x[i] += h
        grad[i] = (fp - fm) / (2 * h)
    return grad
'''),
    ],
    "gradient_descent": [
        ("sign wrong: steps up the gradient", '''
def gradient_descent(grad, x0, lr, steps):
    x = np.array(x0, dtype=float)
    path = [x]
    for _ in range(steps):
        x = x + lr * grad(x)
        path.append(x)
    return np.array(path)
'''),
        ("updates in place: every stored row is the same array", '''
def gradient_descent(grad, x0, lr, steps):
    x = np.asarray(x0, dtype=float)
    path = [x]
    for _ in range(steps):
        x -= lr * grad(x)
        path.append(x)
    return np.array(path)
'''),
        ("off by one: leaves out x0", '''
def gradient_descent(grad, x0, lr, steps):
    x = np.array(x0, dtype=float)
    path = []
    for _ in range(steps):
        x = x - lr * grad(x)
        path.append(x)
    return np.array(path)
'''),
    ],
    "fit_line": [
        ("gradient without the factor 2", '''
def fit_line(x, y, lr=0.1, steps=1000):
    x = np.asarray(x, dtype=float); y = np.asarray(y, dtype=float)
    m = c = 0.0
    losses = [np.mean((y - c) ** 2)]
    for _ in range(steps):
        r = y - (m * x + c)
        m, c = m + lr * np.mean(x * r), c + lr * np.mean(r)
        losses.append(np.mean((y - m * x - c) ** 2))
    return m, c, np.array(losses)
'''),
        ("updates m first, then computes the gradient of c with the new m", '''
def fit_line(x, y, lr=0.1, steps=1000):
    x = np.asarray(x, dtype=float); y = np.asarray(y, dtype=float)
    m = c = 0.0
    losses = [np.mean((y - c) ** 2)]
    for _ in range(steps):
        m = m + lr * 2 * np.mean(x * (y - (m * x + c)))
        c = c + lr * 2 * np.mean(y - (m * x + c))
        losses.append(np.mean((y - m * x - c) ** 2))
    return m, c, np.array(losses)
'''),
        ("sum instead of mean in the gradient: a step n times too long", '''
def fit_line(x, y, lr=0.1, steps=1000):
    x = np.asarray(x, dtype=float); y = np.asarray(y, dtype=float)
    m = c = 0.0
    losses = [np.mean((y - c) ** 2)]
    with np.errstate(all="ignore"):
        for _ in range(steps):
            r = y - (m * x + c)
            m, c = m + lr * 2 * np.sum(x * r), c + lr * 2 * np.sum(r)
            losses.append(np.mean((y - m * x - c) ** 2))
    return m, c, np.array(losses)
'''),
    ],
    "diverging_learning_rate": [
        ("lr = 1: |x| stays 1, it oscillates but does not diverge", '''
def diverging_learning_rate():
    return 1.0
'''),
        ("lr = 0.9: oscillates and converges", '''
def diverging_learning_rate():
    return 0.9
'''),
    ],
}
