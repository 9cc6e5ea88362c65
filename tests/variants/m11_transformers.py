"""Alternative correct and plausible wrong answers for module 11_transformers."""

MODULE = "11_transformers"

# A differently written correct answer for every graded function (grade_id -> cell source).
CORRECT = {
    "scaled_dot_product_attention": '''
import tensorflow as tf

def scaled_dot_product_attention(q, k, v, mask=None):
    q, k, v = (tf.constant(np.asarray(a, dtype=np.float64)) for a in (q, k, v))
    scores = tf.matmul(q, k, transpose_b=True) / tf.sqrt(tf.cast(tf.shape(k)[-1], tf.float64))
    if mask is not None:
        scores += (1.0 - tf.cast(np.asarray(mask), tf.float64)) * -1e9
    weights = tf.nn.softmax(scores, axis=-1)
    return tf.matmul(weights, v).numpy(), weights.numpy()
''',
    "causal_mask": '''
def causal_mask(n):
    i, j = np.indices((n, n))
    return j <= i
''',
    "positional_encoding": '''
def positional_encoding(length, depth):
    pe = np.zeros((length, depth))
    for p in range(length):
        for i in range((depth + 1) // 2):
            angle = p / 10000 ** (2 * i / depth)
            pe[p, 2 * i] = np.sin(angle)
            if 2 * i + 1 < depth:
                pe[p, 2 * i + 1] = np.cos(angle)
    return pe
''',
    "TransformerBlock": '''
class TransformerBlock(keras.layers.Layer):
    def __init__(self, embed_dim, num_heads, ff_dim, dropout=0.0, **kwargs):
        super().__init__(**kwargs)
        self.embed_dim = embed_dim
        self.num_heads = num_heads
        self.ff_dim = ff_dim
        self.dropout = dropout
        self.mha = keras.layers.MultiHeadAttention(num_heads=num_heads, key_dim=embed_dim, dropout=dropout)
        self.ffn = keras.Sequential([keras.layers.Dense(ff_dim, activation="gelu"), keras.layers.Dense(embed_dim),
                                     keras.layers.Dropout(dropout)])
        self.ln_a = keras.layers.LayerNormalization(epsilon=1e-6)
        self.ln_b = keras.layers.LayerNormalization(epsilon=1e-6)

    def call(self, inputs, training=None):
        h = self.ln_a(inputs + self.mha(query=inputs, value=inputs, key=inputs, training=training))
        return self.ln_b(h + self.ffn(h, training=training))

    def get_config(self):
        config = super().get_config()
        config.update(embed_dim=self.embed_dim, num_heads=self.num_heads, ff_dim=self.ff_dim, dropout=self.dropout)
        return config
''',
    "build_transformer_classifier": '''
def build_transformer_classifier(vocab_size, max_len):
    inputs = keras.Input(shape=(max_len,), dtype="int32")
    h = keras.layers.Embedding(vocab_size, 24)(inputs)
    h = h + keras.ops.convert_to_tensor(positional_encoding(max_len, 24).astype("float32"))
    h = TransformerBlock(24, 4, 48)(h)
    h = keras.layers.Flatten()(h)
    outputs = keras.layers.Dense(1, activation="sigmoid")(h)
    return keras.Model(inputs, outputs)
''',
}

# At least two real student mistakes for every graded function: grade_id -> [(label, source)].
WRONG = {
    "scaled_dot_product_attention": [
        ("scales by d_k instead of sqrt(d_k)", '''
def scaled_dot_product_attention(q, k, v, mask=None):
    q, k, v = (np.asarray(a, dtype=float) for a in (q, k, v))
    scores = q @ np.swapaxes(k, -1, -2) / q.shape[-1]
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    w = np.exp(scores - scores.max(-1, keepdims=True))
    w = w / w.sum(-1, keepdims=True)
    return w @ v, w
'''),
        ("mask applied after the softmax", '''
def scaled_dot_product_attention(q, k, v, mask=None):
    q, k, v = (np.asarray(a, dtype=float) for a in (q, k, v))
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    w = np.exp(scores - scores.max(-1, keepdims=True))
    w = w / w.sum(-1, keepdims=True)
    if mask is not None:
        w = w * np.asarray(mask, dtype=float)
    return w @ v, w
'''),
        ("keys and queries swapped", '''
def scaled_dot_product_attention(q, k, v, mask=None):
    q, k, v = (np.asarray(a, dtype=float) for a in (q, k, v))
    scores = k @ np.swapaxes(q, -1, -2) / np.sqrt(q.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    w = np.exp(scores - scores.max(-1, keepdims=True))
    w = w / w.sum(-1, keepdims=True)
    return w @ v, w
'''),
        ("softmax over the queries (axis -2)", '''
def scaled_dot_product_attention(q, k, v, mask=None):
    q, k, v = (np.asarray(a, dtype=float) for a in (q, k, v))
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, -1e9)
    w = np.exp(scores - scores.max(-2, keepdims=True))
    w = w / w.sum(-2, keepdims=True)
    return w @ v, w
'''),
    ],
    "causal_mask": [
        ("upper triangle: lets positions attend to the future", '''
def causal_mask(n):
    return np.triu(np.ones((n, n), dtype=bool))
'''),
        ("leaves out the diagonal: a position cannot attend to itself", '''
def causal_mask(n):
    return np.tril(np.ones((n, n), dtype=bool), k=-1)
'''),
    ],
    "positional_encoding": [
        ("sines and cosines concatenated instead of interleaved", '''
def positional_encoding(length, depth):
    half = depth // 2
    pos = np.arange(length)[:, None]
    angles = pos / np.power(10000.0, 2 * np.arange(half)[None, :] / depth)
    return np.concatenate([np.sin(angles), np.cos(angles)], axis=-1)
'''),
        ("column index j used in place of i: 10000^(2j/depth)", '''
def positional_encoding(length, depth):
    pos = np.arange(length)[:, None]
    j = np.arange(depth)[None, :]
    angles = pos / np.power(10000.0, 2 * j / depth)
    return np.where(j % 2 == 0, np.sin(angles), np.cos(angles))
'''),
        ("sine and cosine swapped", '''
def positional_encoding(length, depth):
    pos = np.arange(length)[:, None]
    j = np.arange(depth)[None, :]
    angles = pos / np.power(10000.0, 2 * (j // 2) / depth)
    return np.where(j % 2 == 0, np.cos(angles), np.sin(angles))
'''),
    ],
    "TransformerBlock": [
        ("get_config leaves out the block's own arguments", '''
class TransformerBlock(keras.layers.Layer):
    def __init__(self, embed_dim, num_heads, ff_dim, dropout=0.0, **kwargs):
        super().__init__(**kwargs)
        self.attention = keras.layers.MultiHeadAttention(num_heads, key_dim=embed_dim // num_heads)
        self.ff_hidden = keras.layers.Dense(ff_dim, activation="relu")
        self.ff_out = keras.layers.Dense(embed_dim)
        self.norm1 = keras.layers.LayerNormalization()
        self.norm2 = keras.layers.LayerNormalization()
        self.drop = keras.layers.Dropout(dropout)

    def call(self, x, training=False):
        x = self.norm1(x + self.drop(self.attention(x, x), training=training))
        return self.norm2(x + self.drop(self.ff_out(self.ff_hidden(x)), training=training))

    def get_config(self):
        return super().get_config()
'''),
        ("pre-norm instead of post-norm", '''
class TransformerBlock(keras.layers.Layer):
    def __init__(self, embed_dim, num_heads, ff_dim, dropout=0.0, **kwargs):
        super().__init__(**kwargs)
        self.embed_dim, self.num_heads, self.ff_dim, self.dropout = embed_dim, num_heads, ff_dim, dropout
        self.attention = keras.layers.MultiHeadAttention(num_heads, key_dim=embed_dim // num_heads)
        self.ff_hidden = keras.layers.Dense(ff_dim, activation="relu")
        self.ff_out = keras.layers.Dense(embed_dim)
        self.norm1 = keras.layers.LayerNormalization()
        self.norm2 = keras.layers.LayerNormalization()
        self.drop = keras.layers.Dropout(dropout)

    def call(self, x, training=False):
        n = self.norm1(x)
        x = x + self.drop(self.attention(n, n), training=training)
        return x + self.drop(self.ff_out(self.ff_hidden(self.norm2(x))), training=training)

    def get_config(self):
        return {**super().get_config(), "embed_dim": self.embed_dim, "num_heads": self.num_heads,
                "ff_dim": self.ff_dim, "dropout": self.dropout}
'''),
        ("no residual connection around the attention", '''
class TransformerBlock(keras.layers.Layer):
    def __init__(self, embed_dim, num_heads, ff_dim, dropout=0.0, **kwargs):
        super().__init__(**kwargs)
        self.embed_dim, self.num_heads, self.ff_dim, self.dropout = embed_dim, num_heads, ff_dim, dropout
        self.attention = keras.layers.MultiHeadAttention(num_heads, key_dim=embed_dim // num_heads)
        self.ff_hidden = keras.layers.Dense(ff_dim, activation="relu")
        self.ff_out = keras.layers.Dense(embed_dim)
        self.norm1 = keras.layers.LayerNormalization()
        self.norm2 = keras.layers.LayerNormalization()
        self.drop = keras.layers.Dropout(dropout)

    def call(self, x, training=False):
        x = self.norm1(self.drop(self.attention(x, x), training=training))
        return self.norm2(x + self.drop(self.ff_out(self.ff_hidden(x)), training=training))

    def get_config(self):
        return {**super().get_config(), "embed_dim": self.embed_dim, "num_heads": self.num_heads,
                "ff_dim": self.ff_dim, "dropout": self.dropout}
'''),
    ],
    "build_transformer_classifier": [
        ("no positional encoding: the model cannot see the order", '''
def build_transformer_classifier(vocab_size, max_len):
    inputs = keras.Input(shape=(max_len,), dtype="int32")
    h = keras.layers.Embedding(vocab_size, 32)(inputs)
    h = TransformerBlock(32, num_heads=2, ff_dim=64)(h)
    h = keras.layers.GlobalAveragePooling1D()(h)
    outputs = keras.layers.Dense(1, activation="sigmoid")(h)
    return keras.Model(inputs, outputs)
'''),
        ("softmax on a single unit: always outputs 1", '''
def build_transformer_classifier(vocab_size, max_len):
    positions = np.arange(max_len)[:, None]
    columns = np.arange(32)[None, :]
    angles = positions / np.power(10000.0, 2 * (columns // 2) / 32)
    pe = np.where(columns % 2 == 0, np.sin(angles), np.cos(angles)).astype("float32")
    inputs = keras.Input(shape=(max_len,), dtype="int32")
    h = keras.layers.Embedding(vocab_size, 32)(inputs) + pe
    h = TransformerBlock(32, num_heads=2, ff_dim=64)(h)
    h = keras.layers.GlobalAveragePooling1D()(h)
    outputs = keras.layers.Dense(1, activation="softmax")(h)
    return keras.Model(inputs, outputs)
'''),
    ],
}
