"""Alternative correct and plausible wrong answers for module 13_gans."""

MODULE = "13_gans"

# A differently written correct answer for every graded function (grade_id -> cell source).
CORRECT = {
    "discriminator_loss": '''
def discriminator_loss(real_logits, fake_logits):
    real_logits = tf.cast(real_logits, tf.float32)
    fake_logits = tf.cast(fake_logits, tf.float32)
    real_loss = tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.ones_like(real_logits), logits=real_logits)
    fake_loss = tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.zeros_like(fake_logits), logits=fake_logits)
    return tf.reduce_mean(real_loss) + tf.reduce_mean(fake_loss)
''',
    "generator_loss": '''
def generator_loss(fake_logits):
    return -tf.reduce_mean(tf.math.log_sigmoid(tf.cast(fake_logits, tf.float32)))
''',
    "build_generator": '''
def build_generator(latent_dim, data_dim):
    z = keras.Input(shape=(latent_dim,))
    h = keras.layers.Dense(96)(z)
    h = keras.layers.LeakyReLU(0.2)(h)
    h = keras.layers.Dense(96)(h)
    h = keras.layers.LeakyReLU(0.2)(h)
    return keras.Model(z, keras.layers.Dense(data_dim)(h))
''',
    "build_discriminator": '''
def build_discriminator(data_dim):
    x = keras.Input(shape=(data_dim,))
    h = keras.layers.Dense(64, activation="relu")(x)
    h = keras.layers.Dense(64, activation="relu")(h)
    return keras.Model(x, keras.layers.Dense(1)(h))
''',
    "gan_train_step": '''
def gan_train_step(generator, discriminator, g_opt, d_opt, real, latent_dim):
    # As in the Keras examples: the discriminator moves first, then the generator, with fresh noise.
    real = tf.convert_to_tensor(real, dtype=tf.float32)
    batch = tf.shape(real)[0]
    z = keras.random.normal((batch, latent_dim))
    with tf.GradientTape() as tape:
        d_loss = discriminator_loss(discriminator(real, training=True),
                                    discriminator(generator(z, training=True), training=True))
    d_vars = discriminator.trainable_variables
    d_opt.apply_gradients(zip(tape.gradient(d_loss, d_vars), d_vars))
    z = keras.random.normal((batch, latent_dim))
    with tf.GradientTape() as tape:
        g_loss = generator_loss(discriminator(generator(z, training=True), training=True))
    g_vars = generator.trainable_variables
    g_opt.apply_gradients(zip(tape.gradient(g_loss, g_vars), g_vars))
    return d_loss, g_loss
''',
}

# At least two real student mistakes for every graded function: grade_id -> [(label, source)].
WRONG = {
    "discriminator_loss": [
        ("labels flipped: real -> 0, fake -> 1", '''
def discriminator_loss(real_logits, fake_logits):
    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    return bce(tf.zeros_like(real_logits), real_logits) + bce(tf.ones_like(fake_logits), fake_logits)
'''),
        ("computed in NumPy: right values, but GradientTape cannot differentiate it", '''
def discriminator_loss(real_logits, fake_logits):
    real = np.asarray(real_logits, dtype=float)
    fake = np.asarray(fake_logits, dtype=float)
    return np.mean(np.logaddexp(0.0, -real)) + np.mean(np.logaddexp(0.0, fake))
'''),
        ("sums over the batch instead of averaging", '''
def discriminator_loss(real_logits, fake_logits):
    bce = keras.losses.BinaryCrossentropy(from_logits=True, reduction="sum")
    return bce(tf.ones_like(real_logits), real_logits) + bce(tf.zeros_like(fake_logits), fake_logits)
'''),
        ("one mean over real and fake together (half the loss)", '''
def discriminator_loss(real_logits, fake_logits):
    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    logits = tf.concat([real_logits, fake_logits], axis=0)
    labels = tf.concat([tf.ones_like(real_logits), tf.zeros_like(fake_logits)], axis=0)
    return bce(labels, logits)
'''),
        ("treats the logits as probabilities (from_logits forgotten)", '''
def discriminator_loss(real_logits, fake_logits):
    bce = keras.losses.BinaryCrossentropy()
    return bce(tf.ones_like(real_logits), real_logits) + bce(tf.zeros_like(fake_logits), fake_logits)
'''),
    ],
    "generator_loss": [
        ("the saturating loss: minimises log(1 - D(G(z)))", '''
def generator_loss(fake_logits):
    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    return -bce(tf.zeros_like(fake_logits), fake_logits)
'''),
        ("computed in NumPy: right values, but GradientTape cannot differentiate it", '''
def generator_loss(fake_logits):
    return float(np.mean(np.logaddexp(0.0, -np.asarray(fake_logits, dtype=float))))
'''),
        ("labels the fakes 0, as the discriminator does", '''
def generator_loss(fake_logits):
    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    return bce(tf.zeros_like(fake_logits), fake_logits)
'''),
        ("sums over the batch instead of averaging", '''
def generator_loss(fake_logits):
    return tf.reduce_sum(tf.nn.softplus(-tf.cast(fake_logits, tf.float32)))
'''),
    ],
    "build_generator": [
        ("tanh output: cannot reach the ring of radius 2", '''
def build_generator(latent_dim, data_dim):
    return keras.Sequential([keras.Input(shape=(latent_dim,)),
                             keras.layers.Dense(128, activation="relu"),
                             keras.layers.Dense(128, activation="relu"),
                             keras.layers.Dense(data_dim, activation="tanh")])
'''),
        ("outputs latent_dim values instead of data_dim", '''
def build_generator(latent_dim, data_dim):
    return keras.Sequential([keras.Input(shape=(latent_dim,)),
                             keras.layers.Dense(128, activation="relu"),
                             keras.layers.Dense(latent_dim)])
'''),
        ("ReLU on the output: no negative coordinates", '''
def build_generator(latent_dim, data_dim):
    return keras.Sequential([keras.Input(shape=(latent_dim,)),
                             keras.layers.Dense(128, activation="relu"),
                             keras.layers.Dense(data_dim, activation="relu")])
'''),
    ],
    "build_discriminator": [
        ("sigmoid on the output: probabilities, not logits", '''
def build_discriminator(data_dim):
    return keras.Sequential([keras.Input(shape=(data_dim,)),
                             keras.layers.Dense(128, activation="leaky_relu"),
                             keras.layers.Dense(128, activation="leaky_relu"),
                             keras.layers.Dense(1, activation="sigmoid")])
'''),
        ("no hidden layer: a straight boundary cannot tell a ring from its centre", '''
def build_discriminator(data_dim):
    return keras.Sequential([keras.Input(shape=(data_dim,)), keras.layers.Dense(1)])
'''),
        ("two softmax outputs instead of one logit", '''
def build_discriminator(data_dim):
    return keras.Sequential([keras.Input(shape=(data_dim,)),
                             keras.layers.Dense(128, activation="relu"),
                             keras.layers.Dense(2, activation="softmax")])
'''),
    ],
    "gan_train_step": [
        ("updates the discriminator only", '''
def gan_train_step(generator, discriminator, g_opt, d_opt, real, latent_dim):
    real = tf.cast(real, tf.float32)
    z = tf.random.normal((tf.shape(real)[0], latent_dim))
    with tf.GradientTape() as tape:
        fake_logits = discriminator(generator(z, training=True), training=True)
        d_loss = discriminator_loss(discriminator(real, training=True), fake_logits)
        g_loss = generator_loss(fake_logits)
    d_vars = discriminator.trainable_variables
    d_opt.apply_gradients(zip(tape.gradient(d_loss, d_vars), d_vars))
    return d_loss, g_loss
'''),
        ("trains the generator on the discriminator's loss (it helps the discriminator)", '''
def gan_train_step(generator, discriminator, g_opt, d_opt, real, latent_dim):
    real = tf.cast(real, tf.float32)
    z = tf.random.normal((tf.shape(real)[0], latent_dim))
    with tf.GradientTape(persistent=True) as tape:
        fake_logits = discriminator(generator(z, training=True), training=True)
        d_loss = discriminator_loss(discriminator(real, training=True), fake_logits)
        g_loss = generator_loss(fake_logits)
    d_vars, g_vars = discriminator.trainable_variables, generator.trainable_variables
    d_opt.apply_gradients(zip(tape.gradient(d_loss, d_vars), d_vars))
    g_opt.apply_gradients(zip(tape.gradient(d_loss, g_vars), g_vars))
    return d_loss, g_loss
'''),
        ("returns (g_loss, d_loss)", '''
def gan_train_step(generator, discriminator, g_opt, d_opt, real, latent_dim):
    real = tf.cast(real, tf.float32)
    z = tf.random.normal((tf.shape(real)[0], latent_dim))
    with tf.GradientTape() as d_tape, tf.GradientTape() as g_tape:
        fake_logits = discriminator(generator(z, training=True), training=True)
        d_loss = discriminator_loss(discriminator(real, training=True), fake_logits)
        g_loss = generator_loss(fake_logits)
    d_opt.apply_gradients(zip(d_tape.gradient(d_loss, discriminator.trainable_variables),
                              discriminator.trainable_variables))
    g_opt.apply_gradients(zip(g_tape.gradient(g_loss, generator.trainable_variables),
                              generator.trainable_variables))
    return g_loss, d_loss
'''),
        ("labels flipped inside the step (real -> 0, fake -> 1)", '''
def gan_train_step(generator, discriminator, g_opt, d_opt, real, latent_dim):
    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    real = tf.cast(real, tf.float32)
    z = tf.random.normal((tf.shape(real)[0], latent_dim))
    with tf.GradientTape() as d_tape, tf.GradientTape() as g_tape:
        real_logits = discriminator(real, training=True)
        fake_logits = discriminator(generator(z, training=True), training=True)
        d_loss = bce(tf.zeros_like(real_logits), real_logits) + bce(tf.ones_like(fake_logits), fake_logits)
        g_loss = bce(tf.zeros_like(fake_logits), fake_logits)
    d_opt.apply_gradients(zip(d_tape.gradient(d_loss, discriminator.trainable_variables),
                              discriminator.trainable_variables))
    g_opt.apply_gradients(zip(g_tape.gradient(g_loss, generator.trainable_variables),
                              generator.trainable_variables))
    return d_loss, g_loss
'''),
    ],
}

# What the student reads for a wrong answer: wrong answers #k -> function -> words that a
# failed test of that function must say (a loss computed in NumPy is told what to change,
# not shown a TypeError from inside TensorFlow).
EXPECTED_MESSAGES = {
    1: {"discriminator_loss": "compute the loss with TensorFlow or Keras operations",
        "generator_loss": "compute the loss with TensorFlow or Keras operations"},
}
