"""Alternative correct and plausible wrong answers for module 06_softmax."""

MODULE = "06_softmax"

# A differently written correct answer for every graded function (grade_id -> cell source).
CORRECT = {
    "sigmoid_sum_counterexample": '''
def sigmoid_sum_counterexample():
    return np.array([-5.0, -5.0])     # 2 * 0.0067: far below 1
''',
    "softmax": '''
def softmax(z, axis=-1):
    # log-sum-exp form, with TensorFlow's reduce_logsumexp
    import tensorflow as tf
    z = tf.constant(np.asarray(z, dtype=float))
    return tf.exp(z - tf.reduce_logsumexp(z, axis=axis, keepdims=True)).numpy()
''',
    "softmax_jacobian": '''
def softmax_jacobian(z):
    z = [float(v) for v in z]
    top = max(z)
    e = [np.exp(v - top) for v in z]
    a = [v / sum(e) for v in e]
    K = len(z)
    J = np.zeros((K, K))
    for j in range(K):
        for k in range(K):
            J[j, k] = a[j] * ((1.0 if j == k else 0.0) - a[k])
    return J
''',
    "softmax_nonlocality": '''
def softmax_nonlocality(z, k, delta):
    z = np.asarray(z, dtype=float)
    shift = np.zeros_like(z)
    shift[k] = delta
    def sm(v):
        return np.exp(v - np.logaddexp.reduce(v))
    return sm(z + shift) - sm(z)
''',
    "softmax_inverse": '''
def softmax_inverse(a):
    a = np.asarray(a, dtype=float)
    return np.log(a) - np.log(a).mean() + 7.0     # any constant shift is fine
''',
    "softmax_temperature": '''
def softmax_temperature(z, c):
    import keras
    z = np.asarray(z, dtype=float) * c
    return keras.ops.convert_to_numpy(keras.activations.softmax(keras.ops.convert_to_tensor(z), axis=-1))
''',
    "cross_entropy": '''
def cross_entropy(y_onehot, a):
    y = np.asarray(y_onehot)
    a = np.asarray(a, dtype=float)
    losses = [-np.log(a[i, np.argmax(y[i])]) for i in range(len(y))]
    return sum(losses) / len(losses)
''',
    "softmax_cross_entropy_grad": '''
def softmax_cross_entropy_grad(z, y_onehot):
    import tensorflow as tf
    z = tf.constant(np.asarray(z, dtype=float))
    y = tf.constant(np.asarray(y_onehot, dtype=float))
    with tf.GradientTape() as tape:
        tape.watch(z)
        loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=z))
    return tape.gradient(loss, z).numpy()
''',
}

# At least two real student mistakes for every graded function: grade_id -> [(label, source)].
# Short written answers a student might give (the sample class and the term's tests).
PROOFS = {
    "proof_monotonicity": "Differentiating a_j = e^{z_j} / sum_k e^{z_k}: for k = j the "
                          "derivative is a_j (1 - a_j) > 0, for k != j it is -a_j a_k < 0.",
    "proof_nonlocality": "Every a_j has the sum of all e^{z_k} in its denominator, so "
                         "changing any z_k changes every activation.",
    "proof_inversion": "From a_j = e^{z_j} / S we get z_j = ln a_j + ln S, and ln S is the "
                       "same constant C for every j.",
}


WRONG = {
    "sigmoid_sum_counterexample": [
        ("zeros: 0.5 + 0.5 is exactly 1", '''
def sigmoid_sum_counterexample():
    return np.zeros(2)
'''),
        ("a symmetric pair: sigmoid(3) + sigmoid(-3) = 1", '''
def sigmoid_sum_counterexample():
    return np.array([3.0, -3.0])
'''),
    ],
    "softmax": [
        ("not stable: overflows at z = 1000", '''
def softmax(z, axis=-1):
    e = np.exp(np.asarray(z, dtype=float))
    return e / e.sum(axis=axis, keepdims=True)
'''),
        ("normalises over the whole array, not along the axis (no batch)", '''
def softmax(z, axis=-1):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max())
    return e / e.sum()
'''),
        ("subtracts the global maximum: rows far below it underflow to 0 / 0", '''
def softmax(z, axis=-1):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max())
    return e / e.sum(axis=axis, keepdims=True)
'''),
        ("ignores the axis argument", '''
def softmax(z, axis=-1):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
'''),
    ],
    "softmax_jacobian": [
        ("only the diagonal a_j (1 - a_j)", '''
def softmax_jacobian(z):
    z = np.asarray(z, dtype=float)
    a = np.exp(z - z.max()); a = a / a.sum()
    return np.diag(a * (1 - a))
'''),
        ("sign error: a a^T - diag(a)", '''
def softmax_jacobian(z):
    z = np.asarray(z, dtype=float)
    a = np.exp(z - z.max()); a = a / a.sum()
    return np.outer(a, a) - np.diag(a)
'''),
        ("outer(a, 1 - a): right diagonal, wrong off-diagonal", '''
def softmax_jacobian(z):
    z = np.asarray(z, dtype=float)
    a = np.exp(z - z.max()); a = a / a.sum()
    return np.outer(a, 1 - a)
'''),
    ],
    "softmax_nonlocality": [
        ("returns the new activations instead of their change", '''
def softmax_nonlocality(z, k, delta):
    z = np.array(z, dtype=float)
    z[k] += delta
    e = np.exp(z - z.max())
    return e / e.sum()
'''),
        ("changes the caller's z in place", '''
def softmax_nonlocality(z, k, delta):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max()); before = e / e.sum()
    z[k] += delta
    e = np.exp(z - z.max()); after = e / e.sum()
    return after - before
'''),
        ("sign error: before minus after", '''
def softmax_nonlocality(z, k, delta):
    z = np.array(z, dtype=float)
    e = np.exp(z - z.max()); before = e / e.sum()
    z[k] += delta
    e = np.exp(z - z.max()); after = e / e.sum()
    return before - after
'''),
    ],
    "softmax_inverse": [
        ("the sigmoid's inverse (logit) instead of the softmax's", '''
def softmax_inverse(a):
    a = np.asarray(a, dtype=float)
    return np.log(a / (1 - a))
'''),
        ("sign error: -ln a", '''
def softmax_inverse(a):
    return -np.log(np.asarray(a, dtype=float))
'''),
        ("returns a itself", '''
def softmax_inverse(a):
    return np.asarray(a, dtype=float)
'''),
    ],
    "softmax_temperature": [
        ("divides by c (physicist's temperature) instead of multiplying", '''
def softmax_temperature(z, c):
    s = np.asarray(z, dtype=float) / c
    e = np.exp(s - s.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
'''),
        ("not stable: exp(c * z) overflows when c * z is in the thousands", '''
def softmax_temperature(z, c):
    e = np.exp(c * np.asarray(z, dtype=float))
    return e / e.sum(axis=-1, keepdims=True)
'''),
    ],
    "cross_entropy": [
        ("sums over the batch instead of averaging", '''
def cross_entropy(y_onehot, a):
    return float(-np.sum(np.asarray(y_onehot) * np.log(np.asarray(a, dtype=float))))
'''),
        ("np.mean over classes too: divides by m*K", '''
def cross_entropy(y_onehot, a):
    return float(-np.mean(np.asarray(y_onehot) * np.log(np.asarray(a, dtype=float))))
'''),
        ("sign error: a negative loss", '''
def cross_entropy(y_onehot, a):
    y = np.asarray(y_onehot, dtype=float)
    return float(np.mean(np.sum(y * np.log(np.asarray(a, dtype=float)), axis=-1)))
'''),
    ],
    "softmax_cross_entropy_grad": [
        ("gradient of the sum, not the mean: forgets the 1/m", '''
def softmax_cross_entropy_grad(z, y_onehot):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True) - np.asarray(y_onehot, dtype=float)
'''),
        ("sign error: y - a", '''
def softmax_cross_entropy_grad(z, y_onehot):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    a = e / e.sum(axis=-1, keepdims=True)
    return (np.asarray(y_onehot, dtype=float) - a) / (z.size // z.shape[-1])
'''),
        ("z - y: forgets the softmax", '''
def softmax_cross_entropy_grad(z, y_onehot):
    z = np.asarray(z, dtype=float)
    return (z - np.asarray(y_onehot, dtype=float)) / (z.size // z.shape[-1])
'''),
    ],
}
