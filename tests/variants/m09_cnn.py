"""Alternative correct and plausible wrong answers for module 09_cnn."""

MODULE = "09_cnn"

# A differently written correct answer for every graded function (grade_id -> cell source).
CORRECT = {
    "conv_output_size": '''
import math

def conv_output_size(n, k, stride, padding):
    if padding == "same":
        return int(math.ceil(n / stride))
    return int(math.floor((n - k) / stride)) + 1
''',
    "conv2d": '''
def conv2d(x, kernel, bias, stride=1, padding="valid"):
    # Pure Python loops over every output value (slow but right), TF-style "same" padding.
    x = np.array(x, dtype=np.float64)
    kernel = np.array(kernel, dtype=np.float64)
    n, h, w, c_in = x.shape
    kh, kw, _, c_out = kernel.shape
    if padding == "same":
        oh, ow = (h + stride - 1) // stride, (w + stride - 1) // stride
        ph = max((oh - 1) * stride + kh - h, 0)
        pw = max((ow - 1) * stride + kw - w, 0)
        padded = np.zeros((n, h + ph, w + pw, c_in))
        padded[:, ph // 2:ph // 2 + h, pw // 2:pw // 2 + w, :] = x
        x = padded
    oh = (x.shape[1] - kh) // stride + 1
    ow = (x.shape[2] - kw) // stride + 1
    out = np.zeros((n, oh, ow, c_out))
    for b in range(n):
        for i in range(oh):
            for j in range(ow):
                for o in range(c_out):
                    out[b, i, j, o] = np.sum(x[b, i * stride:i * stride + kh,
                                               j * stride:j * stride + kw, :] * kernel[..., o]) + bias[o]
    return out
''',
    "max_pool2d": '''
def max_pool2d(x, pool_size=2, stride=2):
    # Vectorised with sliding_window_view.
    x = np.asarray(x, dtype=float)
    windows = np.lib.stride_tricks.sliding_window_view(x, (pool_size, pool_size), axis=(1, 2))
    return windows[:, ::stride, ::stride].max(axis=(-2, -1))
''',
    "residual_block": '''
def residual_block(x, filters):
    # Pre-activation block (ResNet v2): BN -> ReLU -> Conv, twice, then x + F(x).
    y = layers.BatchNormalization()(x)
    y = layers.ReLU()(y)
    y = layers.Conv2D(filters, 3, padding="same")(y)
    y = layers.BatchNormalization()(y)
    y = layers.ReLU()(y)
    y = layers.Conv2D(filters, 3, padding="same")(y)
    return layers.Add()([y, x])
''',
    "build_cnn": '''
def build_cnn(input_shape, num_classes):
    # Sequential, with batch normalization and a hidden Dense layer.
    return keras.Sequential([
        keras.Input(shape=input_shape),
        layers.Conv2D(32, 3, padding="same", use_bias=False),
        layers.BatchNormalization(),
        layers.Activation("relu"),
        layers.Conv2D(64, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(),
        layers.Flatten(),
        layers.Dense(128, activation="relu"),
        layers.Dropout(0.3),
        layers.Dense(num_classes, activation="softmax"),
    ])
''',
}

# At least two real student mistakes for every graded function: grade_id -> [(label, source)].
WRONG = {
    "conv_output_size": [
        ("'same' ignores the stride (returns n)", '''
def conv_output_size(n, k, stride, padding):
    if padding == "same":
        return n
    return (n - k) // stride + 1
'''),
        ("'valid' off by one: (n - k) // stride", '''
def conv_output_size(n, k, stride, padding):
    if padding == "same":
        return -(-n // stride)
    return (n - k) // stride
'''),
        ("true division: (n - k) / stride + 1 is not an int", '''
def conv_output_size(n, k, stride, padding):
    if padding == "same":
        return n / stride
    return (n - k) / stride + 1
'''),
    ],
    "conv2d": [
        ("flips the kernel (true convolution, not Keras' cross-correlation)", '''
def conv2d(x, kernel, bias, stride=1, padding="valid"):
    x = np.asarray(x, dtype=float)
    kernel = np.asarray(kernel, dtype=float)[::-1, ::-1]
    kh, kw, _, c_out = kernel.shape
    if padding == "same":
        pads = []
        for size, k in [(x.shape[1], kh), (x.shape[2], kw)]:
            out = -(-size // stride)
            total = max((out - 1) * stride + k - size, 0)
            pads.append((total // 2, total - total // 2))
        x = np.pad(x, [(0, 0), pads[0], pads[1], (0, 0)])
    oh = (x.shape[1] - kh) // stride + 1
    ow = (x.shape[2] - kw) // stride + 1
    y = np.empty((x.shape[0], oh, ow, c_out))
    for i in range(oh):
        for j in range(ow):
            patch = x[:, i * stride:i * stride + kh, j * stride:j * stride + kw, :]
            y[:, i, j, :] = np.tensordot(patch, kernel, axes=([1, 2, 3], [0, 1, 2]))
    return y + np.asarray(bias, dtype=float)
'''),
        ("'same' pads k // 2 on every side (wrong for even kernels and strides > 1)", '''
def conv2d(x, kernel, bias, stride=1, padding="valid"):
    x = np.asarray(x, dtype=float)
    kernel = np.asarray(kernel, dtype=float)
    kh, kw, _, c_out = kernel.shape
    if padding == "same":
        x = np.pad(x, [(0, 0), (kh // 2, kh // 2), (kw // 2, kw // 2), (0, 0)])
    oh = (x.shape[1] - kh) // stride + 1
    ow = (x.shape[2] - kw) // stride + 1
    y = np.empty((x.shape[0], oh, ow, c_out))
    for i in range(oh):
        for j in range(ow):
            patch = x[:, i * stride:i * stride + kh, j * stride:j * stride + kw, :]
            y[:, i, j, :] = np.tensordot(patch, kernel, axes=([1, 2, 3], [0, 1, 2]))
    return y + np.asarray(bias, dtype=float)
'''),
        ("reads the images as NCHW (channels first)", '''
def conv2d(x, kernel, bias, stride=1, padding="valid"):
    x = np.asarray(x, dtype=float)          # taken as (N, C, H, W)
    kernel = np.asarray(kernel, dtype=float)
    kh, kw, _, c_out = kernel.shape
    if padding == "same":
        x = np.pad(x, [(0, 0), (0, 0), (kh // 2, kh // 2), (kw // 2, kw // 2)])
    oh = (x.shape[2] - kh) // stride + 1
    ow = (x.shape[3] - kw) // stride + 1
    y = np.zeros((x.shape[0], oh, ow, c_out))
    for i in range(max(oh, 0)):
        for j in range(max(ow, 0)):
            patch = x[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw]
            y[:, i, j, :] = np.einsum("nchw,hwco->no", patch, kernel)
    return y + np.asarray(bias, dtype=float)
'''),
        ("ignores the stride", '''
def conv2d(x, kernel, bias, stride=1, padding="valid"):
    x = np.asarray(x, dtype=float)
    kernel = np.asarray(kernel, dtype=float)
    kh, kw, _, c_out = kernel.shape
    if padding == "same":
        x = np.pad(x, [(0, 0), ((kh - 1) // 2, kh // 2), ((kw - 1) // 2, kw // 2), (0, 0)])
    oh, ow = x.shape[1] - kh + 1, x.shape[2] - kw + 1
    y = np.empty((x.shape[0], oh, ow, c_out))
    for i in range(oh):
        for j in range(ow):
            y[:, i, j, :] = np.tensordot(x[:, i:i + kh, j:j + kw, :], kernel, axes=([1, 2, 3], [0, 1, 2]))
    return y + np.asarray(bias, dtype=float)
'''),
    ],
    "max_pool2d": [
        ("pools as NCHW (over width and channels)", '''
def max_pool2d(x, pool_size=2, stride=2):
    x = np.asarray(x, dtype=float)
    oh = (x.shape[2] - pool_size) // stride + 1
    ow = (x.shape[3] - pool_size) // stride + 1
    y = np.zeros((x.shape[0], x.shape[1], max(oh, 0), max(ow, 0)))
    for i in range(max(oh, 0)):
        for j in range(max(ow, 0)):
            y[:, :, i, j] = x[:, :, i * stride:i * stride + pool_size,
                              j * stride:j * stride + pool_size].max(axis=(2, 3))
    return y
'''),
        ("windows moved by pool_size, not by stride", '''
def max_pool2d(x, pool_size=2, stride=2):
    x = np.asarray(x, dtype=float)
    n, h, w, c = x.shape
    oh, ow = h // pool_size, w // pool_size
    x = x[:, :oh * pool_size, :ow * pool_size, :]
    return x.reshape(n, oh, pool_size, ow, pool_size, c).max(axis=(2, 4))
'''),
        ("starts the maximum at 0 (wrong for negative values)", '''
def max_pool2d(x, pool_size=2, stride=2):
    x = np.asarray(x, dtype=float)
    oh = (x.shape[1] - pool_size) // stride + 1
    ow = (x.shape[2] - pool_size) // stride + 1
    y = np.zeros((x.shape[0], oh, ow, x.shape[3]))
    for i in range(oh):
        for j in range(ow):
            window = x[:, i * stride:i * stride + pool_size, j * stride:j * stride + pool_size, :]
            y[:, i, j, :] = np.maximum(y[:, i, j, :], window.max(axis=(1, 2)))
    return y
'''),
    ],
    "residual_block": [
        ("no shortcut: a plain stack of convolutions", '''
def residual_block(x, filters):
    y = layers.Conv2D(filters, 3, padding="same")(x)
    y = layers.BatchNormalization()(y)
    y = layers.Activation("relu")(y)
    y = layers.Conv2D(filters, 3, padding="same")(y)
    y = layers.BatchNormalization()(y)
    return layers.Activation("relu")(y)
'''),
        ("shortcut through a 1x1 convolution instead of the identity", '''
def residual_block(x, filters):
    shortcut = layers.Conv2D(filters, 1)(x)
    y = layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
    y = layers.Conv2D(filters, 3, padding="same")(y)
    return layers.Activation("relu")(layers.Add()([shortcut, y]))
'''),
        ("concatenates instead of adding: the channels double", '''
def residual_block(x, filters):
    y = layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
    y = layers.Conv2D(filters, 3, padding="same")(y)
    return layers.Activation("relu")(layers.Concatenate()([x, y]))
'''),
    ],
    "build_cnn": [
        ("an MLP: no convolution at all", '''
def build_cnn(input_shape, num_classes):
    return keras.Sequential([
        keras.Input(shape=input_shape),
        layers.Flatten(),
        layers.Dense(128, activation="relu"),
        layers.Dense(num_classes, activation="softmax"),
    ])
'''),
        ("logits out: the last layer has no softmax", '''
def build_cnn(input_shape, num_classes):
    return keras.Sequential([
        keras.Input(shape=input_shape),
        layers.Conv2D(32, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(),
        layers.Flatten(),
        layers.Dense(num_classes),
    ])
'''),
        ("a sigmoid hidden stack that learns too slowly to reach 0.97", '''
def build_cnn(input_shape, num_classes):
    return keras.Sequential([
        keras.Input(shape=input_shape),
        layers.Conv2D(2, 3, activation="sigmoid"),
        layers.MaxPooling2D(3),
        layers.Flatten(),
        layers.Dense(num_classes, activation="softmax"),
    ])
'''),
    ],
}
