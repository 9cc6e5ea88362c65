"""Alternative correct and plausible wrong answers for module 08_training."""

MODULE = "08_training"

# A differently written correct answer for every graded function (grade_id -> cell source).
CORRECT = {
    "dropout": '''
def dropout(x, rate, training, rng):
    x = np.array(x, dtype=np.float64)
    if not training:
        return x
    mask = rng.uniform(size=x.shape) < 1.0 - rate
    return x * mask / (1.0 - rate)
''',
    "batchnorm": '''
def batchnorm(x, gamma, beta, eps=1e-3):
    # TensorFlow ops, in float64.
    x = tf.convert_to_tensor(np.asarray(x, dtype=np.float64))
    mean, var = tf.nn.moments(x, axes=[0])
    return tf.nn.batch_normalization(x, mean, var, tf.constant(beta, tf.float64),
                                     tf.constant(gamma, tf.float64), eps).numpy()
''',
    "l2_penalty": '''
def l2_penalty(weights, lam):
    total = 0.0
    for w in weights:
        for value in np.ravel(w):
            total += float(value) ** 2
    return lam * total
''',
    "layer_gradient_norms": '''
def layer_gradient_norms(model, x, y, loss_fn):
    kernels = [v for v in model.trainable_variables if "kernel" in v.path]
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x, training=True))
    return [float(np.sqrt(np.sum(np.square(g.numpy())))) for g in tape.gradient(loss, kernels)]
''',
    "early_stopping_epoch": '''
def early_stopping_epoch(val_losses, patience):
    # Keras' own bookkeeping: a wait counter reset on improvement.
    best, best_epoch, wait = None, 0, 0
    for epoch, loss in enumerate(val_losses):
        wait += 1
        if best is None or loss < best:
            best, best_epoch, wait = loss, epoch, 0
            continue
        if wait >= patience and epoch > 0:
            break
    return best_epoch
''',
}

# At least two real student mistakes for every graded function: grade_id -> [(label, source)].
WRONG = {
    "dropout": [
        ("does not rescale the kept activations: the mean drops by (1 - rate)", '''
def dropout(x, rate, training, rng):
    x = np.asarray(x, dtype=float)
    if not training:
        return x.copy()
    return x * (rng.random(x.shape) >= rate)
'''),
        ("keeps each activation with probability rate instead of dropping it", '''
def dropout(x, rate, training, rng):
    x = np.asarray(x, dtype=float)
    if not training:
        return x.copy()
    return x * (rng.random(x.shape) < rate) / (1 - rate)
'''),
        ("old-style scaling: multiplies the kept values by (1 - rate)", '''
def dropout(x, rate, training, rng):
    x = np.asarray(x, dtype=float)
    if not training:
        return x.copy()
    return x * (rng.random(x.shape) >= rate) * (1 - rate)
'''),
    ],
    "batchnorm": [
        ("normalises over the feature axis instead of the batch axis", '''
def batchnorm(x, gamma, beta, eps=1e-3):
    x = np.asarray(x, dtype=float)
    mean = x.mean(axis=1, keepdims=True)
    var = x.var(axis=1, keepdims=True)
    return gamma * (x - mean) / np.sqrt(var + eps) + beta
'''),
        ("unbiased variance (ddof=1), Keras divides by m", '''
def batchnorm(x, gamma, beta, eps=1e-3):
    x = np.asarray(x, dtype=float)
    return gamma * (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0, ddof=1) + eps) + beta
'''),
        ("epsilon added outside the square root", '''
def batchnorm(x, gamma, beta, eps=1e-3):
    x = np.asarray(x, dtype=float)
    return gamma * (x - x.mean(axis=0)) / (x.std(axis=0) + eps) + beta
'''),
    ],
    "l2_penalty": [
        ("uses the norm, not the squared norm", '''
def l2_penalty(weights, lam):
    return float(lam * sum(np.linalg.norm(np.asarray(w, dtype=float)) for w in weights))
'''),
        ("the 1/2 factor of some textbooks, not Keras' convention", '''
def l2_penalty(weights, lam):
    return float(0.5 * lam * sum(np.sum(np.square(w)) for w in weights))
'''),
        ("only the first array", '''
def l2_penalty(weights, lam):
    return float(lam * np.sum(np.square(weights[0]))) if len(weights) else 0.0
'''),
    ],
    "layer_gradient_norms": [
        ("includes the biases: one norm per variable, not per kernel", '''
def layer_gradient_norms(model, x, y, loss_fn):
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x, training=True))
    grads = tape.gradient(loss, model.trainable_variables)
    return [float(tf.norm(g)) for g in grads]
'''),
        ("last layer first (the order backpropagation visits them)", '''
def layer_gradient_norms(model, x, y, loss_fn):
    kernels = [layer.kernel for layer in model.layers if hasattr(layer, "kernel")]
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x, training=True))
    return [float(tf.norm(g)) for g in tape.gradient(loss, kernels)][::-1]
'''),
        ("norms of the kernels themselves, not of their gradients", '''
def layer_gradient_norms(model, x, y, loss_fn):
    return [float(tf.norm(layer.kernel)) for layer in model.layers if hasattr(layer, "kernel")]
'''),
    ],
    "early_stopping_epoch": [
        ("the minimum of the whole sequence: ignores that training stopped", '''
def early_stopping_epoch(val_losses, patience):
    return int(np.argmin(val_losses))
'''),
        ("counts an equal loss as an improvement", '''
def early_stopping_epoch(val_losses, patience):
    best, best_epoch = np.inf, 0
    for epoch, loss in enumerate(val_losses):
        if loss <= best:
            best, best_epoch = loss, epoch
        elif epoch - best_epoch >= patience:
            break
    return best_epoch
'''),
        ("patience off by one: waits one epoch too long", '''
def early_stopping_epoch(val_losses, patience):
    best, best_epoch = np.inf, 0
    for epoch, loss in enumerate(val_losses):
        if loss < best:
            best, best_epoch = loss, epoch
        elif epoch - best_epoch > patience:
            break
    return best_epoch
'''),
    ],
}
