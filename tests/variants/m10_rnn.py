"""Alternative correct and plausible wrong answers for module 10_rnn."""

MODULE = "10_rnn"

# A differently written correct answer for every graded function (grade_id -> cell source).
CORRECT = {
    "rnn_cell": '''
import tensorflow as tf

def rnn_cell(x_t, h_prev, Wx, Wh, b):
    x_t, h_prev, Wx, Wh, b = (tf.constant(np.asarray(a, dtype=np.float64)) for a in (x_t, h_prev, Wx, Wh, b))
    return tf.tanh(tf.matmul(x_t, Wx) + tf.matmul(h_prev, Wh) + b).numpy()
''',
    "rnn_forward": '''
def rnn_forward(x, h0, Wx, Wh, b):
    x = np.asarray(x, dtype=float)
    h = np.asarray(h0, dtype=float)
    Wx, Wh, b = np.asarray(Wx, dtype=float), np.asarray(Wh, dtype=float), np.asarray(b, dtype=float)
    projected = np.einsum("bti,iu->btu", x, Wx) + b      # input part of every step at once
    out = np.empty(x.shape[:2] + (Wh.shape[0],))
    for t in range(x.shape[1]):
        h = np.tanh(projected[:, t, :] + h @ Wh)
        out[:, t, :] = h
    return out
''',
    "lstm_cell": '''
def lstm_cell(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias):
    x_t, h_prev, c_prev = (np.asarray(a, dtype=float) for a in (x_t, h_prev, c_prev))
    kernel, recurrent_kernel, bias = (np.asarray(a, dtype=float) for a in (kernel, recurrent_kernel, bias))
    units = h_prev.shape[-1]
    z = x_t @ kernel + h_prev @ recurrent_kernel + bias
    gate = lambda k: z[:, k * units:(k + 1) * units]
    sig = lambda a: 0.5 * (1.0 + np.tanh(0.5 * a))
    i, f, g, o = sig(gate(0)), sig(gate(1)), np.tanh(gate(2)), sig(gate(3))
    c = f * c_prev + i * g
    return o * np.tanh(c), c
''',
    "gru_cell": '''
def gru_cell(x_t, h_prev, kernel, recurrent_kernel, bias):
    """TensorFlow ops, blocks sliced by hand."""
    import tensorflow as tf
    x = tf.constant(x_t, dtype=tf.float64)
    h = tf.constant(h_prev, dtype=tf.float64)
    K = tf.constant(kernel, dtype=tf.float64)
    R = tf.constant(recurrent_kernel, dtype=tf.float64)
    B = tf.constant(bias, dtype=tf.float64)
    u = int(h.shape[-1])
    block = lambda a, k: a[..., k * u:(k + 1) * u]
    gx, gh = x @ K + B[0], h @ R + B[1]
    z = tf.sigmoid(block(gx, 0) + block(gh, 0))
    r = tf.sigmoid(block(gx, 1) + block(gh, 1))
    h_tilde = tf.tanh(block(gx, 2) + r * block(gh, 2))
    return (h_tilde + z * (h - h_tilde)).numpy()
''',
    "build_sequence_classifier": '''
def build_sequence_classifier(vocab_size, max_len):
    return keras.Sequential([
        keras.Input(shape=(max_len,), dtype="int32"),
        keras.layers.Embedding(vocab_size, 24, mask_zero=True),
        keras.layers.GRU(32),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
''',
}

# At least two real student mistakes for every graded function: grade_id -> [(label, source)].
WRONG = {
    "rnn_cell": [
        ("sigmoid instead of tanh", '''
def rnn_cell(x_t, h_prev, Wx, Wh, b):
    x_t, h_prev, Wx, Wh, b = (np.asarray(a, dtype=float) for a in (x_t, h_prev, Wx, Wh, b))
    return 1.0 / (1.0 + np.exp(-(x_t @ Wx + h_prev @ Wh + b)))
'''),
        ("forgets the bias", '''
def rnn_cell(x_t, h_prev, Wx, Wh, b):
    x_t, h_prev, Wx, Wh = (np.asarray(a, dtype=float) for a in (x_t, h_prev, Wx, Wh))
    return np.tanh(x_t @ Wx + h_prev @ Wh)
'''),
        ("adds the previous state instead of multiplying it by Wh", '''
def rnn_cell(x_t, h_prev, Wx, Wh, b):
    x_t, h_prev, Wx, b = (np.asarray(a, dtype=float) for a in (x_t, h_prev, Wx, b))
    return np.tanh(x_t @ Wx + h_prev + b)
'''),
    ],
    "rnn_forward": [
        ("never updates the state: every step starts from h0", '''
def rnn_forward(x, h0, Wx, Wh, b):
    x, h0, Wx, Wh, b = (np.asarray(a, dtype=float) for a in (x, h0, Wx, Wh, b))
    return np.stack([np.tanh(x[:, t] @ Wx + h0 @ Wh + b) for t in range(x.shape[1])], axis=1)
'''),
        ("returns h0 too: time + 1 states", '''
def rnn_forward(x, h0, Wx, Wh, b):
    x, h, Wx, Wh, b = (np.asarray(a, dtype=float) for a in (x, h0, Wx, Wh, b))
    states = [h]
    for t in range(x.shape[1]):
        h = np.tanh(x[:, t] @ Wx + h @ Wh + b)
        states.append(h)
    return np.stack(states, axis=1)
'''),
        ("returns only the last state", '''
def rnn_forward(x, h0, Wx, Wh, b):
    x, h, Wx, Wh, b = (np.asarray(a, dtype=float) for a in (x, h0, Wx, Wh, b))
    for t in range(x.shape[1]):
        h = np.tanh(x[:, t] @ Wx + h @ Wh + b)
    return h
'''),
    ],
    "lstm_cell": [
        ("gate order i, c, f, o instead of Keras' i, f, c, o", '''
def lstm_cell(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias):
    x_t, h_prev, c_prev, kernel, recurrent_kernel, bias = (
        np.asarray(a, dtype=float) for a in (x_t, h_prev, c_prev, kernel, recurrent_kernel, bias))
    z = x_t @ kernel + h_prev @ recurrent_kernel + bias
    z_i, z_c, z_f, z_o = np.split(z, 4, axis=-1)
    sigmoid = lambda a: 1.0 / (1.0 + np.exp(-a))
    c = sigmoid(z_f) * c_prev + sigmoid(z_i) * np.tanh(z_c)
    return sigmoid(z_o) * np.tanh(c), c
'''),
        ("gate order i, f, o, c", '''
def lstm_cell(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias):
    x_t, h_prev, c_prev, kernel, recurrent_kernel, bias = (
        np.asarray(a, dtype=float) for a in (x_t, h_prev, c_prev, kernel, recurrent_kernel, bias))
    z = x_t @ kernel + h_prev @ recurrent_kernel + bias
    z_i, z_f, z_o, z_c = np.split(z, 4, axis=-1)
    sigmoid = lambda a: 1.0 / (1.0 + np.exp(-a))
    c = sigmoid(z_f) * c_prev + sigmoid(z_i) * np.tanh(z_c)
    return sigmoid(z_o) * np.tanh(c), c
'''),
        ("h = o * c: forgets the tanh of the cell state", '''
def lstm_cell(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias):
    x_t, h_prev, c_prev, kernel, recurrent_kernel, bias = (
        np.asarray(a, dtype=float) for a in (x_t, h_prev, c_prev, kernel, recurrent_kernel, bias))
    z = x_t @ kernel + h_prev @ recurrent_kernel + bias
    z_i, z_f, z_c, z_o = np.split(z, 4, axis=-1)
    sigmoid = lambda a: 1.0 / (1.0 + np.exp(-a))
    c = sigmoid(z_f) * c_prev + sigmoid(z_i) * np.tanh(z_c)
    return sigmoid(z_o) * c, c
'''),
    ],
    "gru_cell": [
        ("z and 1 - z swapped (the textbook convention, not Keras')", '''
def gru_cell(x_t, h_prev, kernel, recurrent_kernel, bias):
    x_t, h_prev, kernel, recurrent_kernel, bias = (np.asarray(a, dtype=float)
        for a in (x_t, h_prev, kernel, recurrent_kernel, bias))
    x_z, x_r, x_h = np.split(x_t @ kernel + bias[0], 3, axis=-1)
    h_z, h_r, h_h = np.split(h_prev @ recurrent_kernel + bias[1], 3, axis=-1)
    z = 1 / (1 + np.exp(-(x_z + h_z)))
    r = 1 / (1 + np.exp(-(x_r + h_r)))
    return (1 - z) * h_prev + z * np.tanh(x_h + r * h_h)
'''),
        ("reset applied before the product (reset_after=False)", '''
def gru_cell(x_t, h_prev, kernel, recurrent_kernel, bias):
    x_t, h_prev, kernel, recurrent_kernel, bias = (np.asarray(a, dtype=float)
        for a in (x_t, h_prev, kernel, recurrent_kernel, bias))
    u = h_prev.shape[-1]
    x_z, x_r, x_h = np.split(x_t @ kernel + bias[0], 3, axis=-1)
    h_z, h_r, _ = np.split(h_prev @ recurrent_kernel + bias[1], 3, axis=-1)
    z = 1 / (1 + np.exp(-(x_z + h_z)))
    r = 1 / (1 + np.exp(-(x_r + h_r)))
    h_tilde = np.tanh(x_h + (r * h_prev) @ recurrent_kernel[:, 2 * u:] + bias[1][2 * u:])
    return z * h_prev + (1 - z) * h_tilde
'''),
    ],
    "build_sequence_classifier": [
        ("bag of words: averages the embeddings, so word order is lost", '''
def build_sequence_classifier(vocab_size, max_len):
    inputs = keras.Input(shape=(max_len,), dtype="int32")
    h = keras.layers.Embedding(vocab_size, 16)(inputs)
    h = keras.layers.GlobalAveragePooling1D()(h)
    h = keras.layers.Dense(32, activation="relu")(h)
    outputs = keras.layers.Dense(1, activation="sigmoid")(h)
    return keras.Model(inputs, outputs)
'''),
        ("softmax on a single unit: always outputs 1", '''
def build_sequence_classifier(vocab_size, max_len):
    inputs = keras.Input(shape=(max_len,), dtype="int32")
    h = keras.layers.Embedding(vocab_size, 16)(inputs)
    h = keras.layers.LSTM(32)(h)
    outputs = keras.layers.Dense(1, activation="softmax")(h)
    return keras.Model(inputs, outputs)
'''),
    ],
}
