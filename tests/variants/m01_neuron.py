"""Alternative correct and plausible wrong answers for module 01_neuron."""

MODULE = "01_neuron"

# A differently written correct answer for every graded function (grade_id -> cell source).
CORRECT = {
    "line": '''
def line(x, m, c):
    return np.add(np.multiply(x, m), c)
''',
    "sigmoid": '''
def sigmoid(z):
    # tanh form: 1 / (1 + e^-z) = (1 + tanh(z / 2)) / 2, and tanh never overflows
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=float)))
''',
    "relu": '''
def relu(z):
    z = np.array(z, dtype=float)          # a copy
    z[z < 0] = 0.0
    return z
''',
    "neuron": '''
def neuron(x, w, b, activation):
    x = np.array(x, dtype=float)
    if x.ndim == 1:
        return activation(sum(x_i * w_i for x_i, w_i in zip(x, w)) + b)
    return np.array([activation(sum(x_i * w_i for x_i, w_i in zip(row, w)) + b) for row in x])
''',
    "perceptron_weights": '''
def perceptron_weights(gate):
    if gate == "and":
        return np.array([2.0, 2.0]), -3.0
    elif gate == "or":
        return np.array([2.0, 2.0]), -1.0
    elif gate == "nand":
        return np.array([-0.5, -0.5]), 0.75
    else:
        raise ValueError("no single neuron for " + repr(gate))
''',
    "perceptron_train": '''
def perceptron_train(X, y, lr=1.0, epochs=20):
    # vectorised bookkeeping, bias folded into the weights as a constant input 1
    X = np.hstack([np.asarray(X, dtype=float), np.ones((len(X), 1))])
    y = np.asarray(y, dtype=float)
    theta = np.zeros(X.shape[1])
    for epoch in range(epochs):
        for i in range(len(y)):
            error = y[i] - float(X[i] @ theta > 0)
            theta += lr * error * X[i]
        if np.all((X @ theta > 0) == (y == 1)):
            break
    return theta[:-1], theta[-1]
''',
}

# At least two real student mistakes for every graded function: grade_id -> [(label, source)].
WRONG = {
    "line": [
        ("does not convert lists: [0, 1, 2] * 2 repeats the list", '''
def line(x, m, c):
    return m * x + c
'''),
        ("slope and intercept swapped", '''
def line(x, m, c):
    return c * np.asarray(x, dtype=float) + m
'''),
        ("forgets the intercept", '''
def line(x, m, c):
    return m * np.asarray(x, dtype=float)
'''),
    ],
    "sigmoid": [
        ("textbook formula: overflows for z = -1000", '''
def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))
'''),
        ("e^z / (1 + e^z): inf / inf = nan for z = 1000", '''
def sigmoid(z):
    e = np.exp(np.asarray(z, dtype=float))
    return e / (1.0 + e)
'''),
        ("clips z to +-30: no warning but not the exact limits", '''
def sigmoid(z):
    z = np.clip(np.asarray(z, dtype=float), -30, 30)
    return 1.0 / (1.0 + np.exp(-z))
'''),
    ],
    "relu": [
        ("np.max instead of np.maximum: returns one number", '''
def relu(z):
    return np.max(np.asarray(z, dtype=float), 0)
'''),
        ("sets negatives to zero in place, changing the caller's array", '''
def relu(z):
    z = np.asarray(z, dtype=float)
    z[z < 0] = 0
    return z
'''),
        ("absolute value instead of max(0, z)", '''
def relu(z):
    return np.abs(np.asarray(z, dtype=float))
'''),
    ],
    "neuron": [
        ("w @ x: fails on a batch (missing batch dimension)", '''
def neuron(x, w, b, activation):
    return activation(np.asarray(w, dtype=float) @ np.asarray(x, dtype=float) + b)
'''),
        ("adds the bias after the activation", '''
def neuron(x, w, b, activation):
    return activation(np.asarray(x, dtype=float) @ np.asarray(w, dtype=float)) + b
'''),
        ("sums over all samples of the batch", '''
def neuron(x, w, b, activation):
    return activation(np.sum(np.asarray(x, dtype=float) * np.asarray(w, dtype=float)) + b)
'''),
    ],
    "perceptron_weights": [
        ("AND with the line through the corner (1, 1): works only if step(0) = 1", '''
def perceptron_weights(gate):
    if gate == "and":
        return np.array([1.0, 1.0]), -2.0
    if gate == "or":
        return np.array([1.0, 1.0]), -1.0
    if gate == "nand":
        return np.array([-1.0, -1.0]), 2.0
    raise ValueError(gate)
'''),
        ("NAND with AND's weights, and no error for unknown gates", '''
def perceptron_weights(gate):
    if gate == "or":
        return np.array([1.0, 1.0]), -0.5
    return np.array([1.0, 1.0]), -1.5
'''),
    ],
    "perceptron_train": [
        ("sign error: moves the weights away from the misclassified sample", '''
def perceptron_train(X, y, lr=1.0, epochs=20):
    X = np.asarray(X, dtype=float); y = np.asarray(y, dtype=float)
    w = np.zeros(X.shape[1]); b = 0.0
    for _ in range(epochs):
        for x_i, y_i in zip(X, y):
            error = y_i - (1.0 if x_i @ w + b > 0 else 0.0)
            w = w - lr * error * x_i
            b = b - lr * error
    return w, b
'''),
        ("never updates the bias: only boundaries through the origin", '''
def perceptron_train(X, y, lr=1.0, epochs=20):
    X = np.asarray(X, dtype=float); y = np.asarray(y, dtype=float)
    w = np.zeros(X.shape[1]); b = 0.0
    for _ in range(epochs):
        for x_i, y_i in zip(X, y):
            error = y_i - (1.0 if x_i @ w + b > 0 else 0.0)
            w = w + lr * error * x_i
    return w, b
'''),
    ],
}
