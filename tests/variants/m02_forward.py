"""Alternative correct and plausible wrong answers for module 02_forward."""

MODULE = "02_forward"

# A differently written correct answer for every graded function (grade_id -> cell source).
CORRECT = {
    "init_params": '''
def init_params(layer_sizes, seed=0):
    # the legacy generator, seeded by `seed`, and the weights scaled after drawing
    rng = np.random.RandomState(seed)
    sizes = list(layer_sizes)
    return [(rng.standard_normal((sizes[i], sizes[i + 1])) * (2.0 / sizes[i]) ** 0.5, np.zeros(sizes[i + 1]))
            for i in range(len(sizes) - 1)]
''',
    "dense": '''
def dense(X, W, b, activation):
    Z = np.einsum("mn,nk->mk", np.array(X, dtype=float), np.array(W, dtype=float))
    return activation(Z + np.reshape(b, (1, -1)))
''',
    "mlp_forward": '''
def mlp_forward(X, params, hidden_activation, output_activation):
    import tensorflow as tf
    a = tf.constant(np.asarray(X, dtype=np.float64))
    for W, b in params[:-1]:
        a = tf.constant(hidden_activation((tf.matmul(a, np.asarray(W, dtype=np.float64)) + b).numpy()))
    W, b = params[-1]
    return output_activation((tf.matmul(a, np.asarray(W, dtype=np.float64)) + b).numpy())
''',
    "count_params": '''
def count_params(layer_sizes):
    total = 0
    for i in range(1, len(layer_sizes)):
        total += layer_sizes[i - 1] * layer_sizes[i]   # weights
        total += layer_sizes[i]                        # biases
    return total
''',
    "xor_network": '''
def xor_network():
    # hidden units NAND and OR, output AND
    W1 = np.array([[-2.0, 2.0], [-2.0, 2.0]])
    b1 = np.array([3.0, -1.0])
    W2 = np.array([[1.0], [1.0]])
    b2 = np.array([-1.5])
    return [(W1, b1), (W2, b2)]
''',
}

# At least two real student mistakes for every graded function: grade_id -> [(label, source)].
WRONG = {
    "init_params": [
        ("scale sqrt(2 / fan_out) instead of sqrt(2 / fan_in)", '''
def init_params(layer_sizes, seed=0):
    rng = np.random.default_rng(seed)
    return [(rng.normal(0.0, np.sqrt(2.0 / n_out), size=(n_in, n_out)), np.zeros(n_out))
            for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])]
'''),
        ("ignores the seed: draws from the global, unseeded generator", '''
def init_params(layer_sizes, seed=0):
    return [(np.random.randn(n_in, n_out) * np.sqrt(2.0 / n_in), np.zeros(n_out))
            for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])]
'''),
        ("weights transposed: W of shape (fan_out, fan_in)", '''
def init_params(layer_sizes, seed=0):
    rng = np.random.default_rng(seed)
    return [(rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_out, n_in)), np.zeros(n_out))
            for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:])]
'''),
    ],
    "dense": [
        ("weights transposed: X @ W.T", '''
def dense(X, W, b, activation):
    return activation(np.asarray(X, dtype=float) @ np.asarray(W, dtype=float).T + b)
'''),
        ("bias added after the activation", '''
def dense(X, W, b, activation):
    return activation(np.asarray(X, dtype=float) @ np.asarray(W, dtype=float)) + b
'''),
    ],
    "mlp_forward": [
        ("hidden activation applied to the output layer too, then the output activation", '''
def mlp_forward(X, params, hidden_activation, output_activation):
    A = np.asarray(X, dtype=float)
    for W, b in params:
        A = hidden_activation(A @ W + b)
    return output_activation(A)
'''),
        ("off by one: the output activation is never used (hidden activation on every layer)", '''
def mlp_forward(X, params, hidden_activation, output_activation):
    A = np.asarray(X, dtype=float)
    for i, (W, b) in enumerate(params):
        activation = output_activation if i == len(params) else hidden_activation
        A = activation(A @ W + b)
    return A
'''),
        ("output activation used for every layer", '''
def mlp_forward(X, params, hidden_activation, output_activation):
    A = np.asarray(X, dtype=float)
    for W, b in params:
        A = output_activation(A @ W + b)
    return A
'''),
    ],
    "count_params": [
        ("forgets the biases", '''
def count_params(layer_sizes):
    return sum(n * k for n, k in zip(layer_sizes[:-1], layer_sizes[1:]))
'''),
        ("counts a bias for the input layer too", '''
def count_params(layer_sizes):
    return sum(n * k for n, k in zip(layer_sizes[:-1], layer_sizes[1:])) + sum(layer_sizes)
'''),
    ],
    "xor_network": [
        ("the output unit computes OR of the hidden units (OR, AND): gives OR", '''
def xor_network():
    W1 = np.array([[1.0, 1.0], [1.0, 1.0]])
    b1 = np.array([-0.5, -1.5])
    W2 = np.array([[1.0], [1.0]])
    b2 = np.array([-0.5])
    return [(W1, b1), (W2, b2)]
'''),
        ("relies on step(0) = 1: the AND unit has bias -2", '''
def xor_network():
    W1 = np.array([[1.0, 1.0], [1.0, 1.0]])
    b1 = np.array([-0.5, -2.0])
    W2 = np.array([[1.0], [-1.0]])
    b2 = np.array([-0.5])
    return [(W1, b1), (W2, b2)]
'''),
    ],
}
