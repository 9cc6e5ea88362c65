"""Alternative correct and plausible wrong answers for module 12_autoencoders."""

MODULE = "12_autoencoders"

# A differently written correct answer for every graded function (grade_id -> cell source).
CORRECT = {
    "build_autoencoder": '''
def build_autoencoder(input_dim, latent_dim):
    encoder = keras.Sequential([
        keras.Input(shape=(input_dim,)),
        keras.layers.Dense(48, activation="relu"),
        keras.layers.Dense(latent_dim),
    ], name="encoder")
    decoder = keras.Sequential([
        keras.Input(shape=(latent_dim,)),
        keras.layers.Dense(48, activation="relu"),
        keras.layers.Dense(input_dim, activation="sigmoid"),
    ], name="decoder")
    autoencoder = keras.Sequential([encoder, decoder], name="autoencoder")
    return autoencoder, encoder, decoder
''',
    "reconstruction_errors": '''
def reconstruction_errors(autoencoder, x):
    x = tf.convert_to_tensor(np.asarray(x, dtype=np.float32))
    diff = tf.reshape(x - autoencoder(x), (tf.shape(x)[0], -1))
    return tf.reduce_mean(tf.square(diff), axis=1).numpy()
''',
    "anomaly_threshold": '''
def anomaly_threshold(errors, quantile=0.99):
    ordered = np.sort(np.asarray(errors, dtype=float))
    return ordered[int(np.ceil(quantile * (len(ordered) - 1)))]
''',
    "add_noise": '''
def add_noise(x, stddev, rng):
    x = np.array(x, dtype=float)
    noisy = x + stddev * rng.standard_normal(x.shape)
    noisy[noisy < 0] = 0.0
    noisy[noisy > 1] = 1.0
    return noisy
''',
}

# At least two real student mistakes for every graded function: grade_id -> [(label, source)].
WRONG = {
    "build_autoencoder": [
        ("autoencoder built from fresh layers, not shared with encoder and decoder", '''
def build_autoencoder(input_dim, latent_dim):
    def encoder_model():
        return keras.Sequential([keras.Input(shape=(input_dim,)),
                                 keras.layers.Dense(64, activation="relu"),
                                 keras.layers.Dense(latent_dim)])
    def decoder_model():
        return keras.Sequential([keras.Input(shape=(latent_dim,)),
                                 keras.layers.Dense(64, activation="relu"),
                                 keras.layers.Dense(input_dim, activation="sigmoid")])
    encoder, decoder = encoder_model(), decoder_model()
    autoencoder = keras.Sequential([encoder_model(), decoder_model()])
    return autoencoder, encoder, decoder
'''),
        ("returns (encoder, decoder, autoencoder) in the wrong order", '''
def build_autoencoder(input_dim, latent_dim):
    encoder = keras.Sequential([keras.Input(shape=(input_dim,)),
                                keras.layers.Dense(64, activation="relu"),
                                keras.layers.Dense(latent_dim)])
    decoder = keras.Sequential([keras.Input(shape=(latent_dim,)),
                                keras.layers.Dense(64, activation="relu"),
                                keras.layers.Dense(input_dim, activation="sigmoid")])
    autoencoder = keras.Sequential([encoder, decoder])
    return encoder, decoder, autoencoder
'''),
        ("ReLU on the code and on the output with a 1-unit bottleneck ignoring latent_dim", '''
def build_autoencoder(input_dim, latent_dim):
    encoder = keras.Sequential([keras.Input(shape=(input_dim,)),
                                keras.layers.Dense(1, activation="relu")])
    decoder = keras.Sequential([keras.Input(shape=(1,)),
                                keras.layers.Dense(input_dim, activation="relu")])
    autoencoder = keras.Sequential([encoder, decoder])
    return autoencoder, encoder, decoder
'''),
    ],
    "reconstruction_errors": [
        ("one mean over the whole batch instead of one error per sample", '''
def reconstruction_errors(autoencoder, x):
    x = np.asarray(x, dtype=float)
    return float(np.mean((x - autoencoder.predict(x, verbose=0)) ** 2))
'''),
        ("sums the squared errors instead of averaging them", '''
def reconstruction_errors(autoencoder, x):
    x = np.asarray(x, dtype=float)
    diff = (x - autoencoder.predict(x, verbose=0)).reshape(len(x), -1)
    return np.sum(diff ** 2, axis=1)
'''),
        ("averages over axis 1 only: wrong for images", '''
def reconstruction_errors(autoencoder, x):
    x = np.asarray(x, dtype=float)
    return np.mean((x - autoencoder.predict(x, verbose=0)) ** 2, axis=1)
'''),
    ],
    "anomaly_threshold": [
        ("np.percentile with a fraction: the 0.99th percentile, not the 99th", '''
def anomaly_threshold(errors, quantile=0.99):
    return float(np.percentile(errors, quantile))
'''),
        ("mean plus three standard deviations, ignoring the quantile", '''
def anomaly_threshold(errors, quantile=0.99):
    errors = np.asarray(errors, dtype=float)
    return float(errors.mean() + 3 * errors.std())
'''),
        ("the largest error: flags no normal sample at all", '''
def anomaly_threshold(errors, quantile=0.99):
    return float(np.max(errors))
'''),
    ],
    "add_noise": [
        ("no clipping to [0, 1]", '''
def add_noise(x, stddev, rng):
    x = np.asarray(x, dtype=float)
    return x + rng.normal(0.0, stddev, size=x.shape)
'''),
        ("ignores rng and draws from np.random: not reproducible", '''
def add_noise(x, stddev, rng):
    x = np.asarray(x, dtype=float)
    return np.clip(x + np.random.normal(0.0, stddev, size=x.shape), 0.0, 1.0)
'''),
        ("uses stddev as the variance", '''
def add_noise(x, stddev, rng):
    x = np.asarray(x, dtype=float)
    return np.clip(x + rng.normal(0.0, stddev ** 2, size=x.shape), 0.0, 1.0)
'''),
    ],
}
