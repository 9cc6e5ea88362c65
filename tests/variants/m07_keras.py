"""Alternative correct and plausible wrong answers for module 07_keras."""

MODULE = "07_keras"

# A differently written correct answer for every graded function (grade_id -> cell source).
CORRECT = {
    "build_mlp": '''
def build_mlp(input_shape, hidden_units, num_classes):
    # Sequential, with the activations as separate layers.
    layers = [keras.Input(shape=input_shape), keras.layers.Flatten()]
    for units in hidden_units:
        layers += [keras.layers.Dense(units), keras.layers.ReLU()]
    layers += [keras.layers.Dense(num_classes), keras.layers.Softmax()]
    return keras.Sequential(layers)
''',
    "train_classifier": '''
def train_classifier(model, x_train, y_train, epochs, batch_size):
    # Default Adam, loss and metric as objects, one line per epoch.
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(),
                  metrics=[keras.metrics.SparseCategoricalAccuracy()])
    history = model.fit(x_train, y_train, batch_size=batch_size, epochs=epochs, verbose=2)
    return history
''',
    "train_step": '''
def train_step(model, optimizer, loss_fn, x, y):
    # Keras 3 optimizer.apply, and the regularisation losses summed in Python.
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x, training=True)) + sum(model.losses)
    variables = model.trainable_variables
    optimizer.apply(tape.gradient(loss, variables), variables)
    return float(loss)
''',
    "build_delay_model": '''
def build_delay_model(n_airports, n_airlines):
    """One-hot encodings instead of embeddings, a smaller hidden layer."""
    sizes = {"origin": n_airports, "destination": n_airports, "airline": n_airlines,
             "month": 13, "weekday": 7}
    inputs = {k: keras.Input(shape=(1,), dtype="int32", name=k) for k in sizes}
    parts = [keras.layers.CategoryEncoding(num_tokens=n, output_mode="one_hot")(inputs[k])
             for k, n in sizes.items()]
    h = keras.layers.Dense(16, activation="relu")(keras.layers.Concatenate()(parts))
    return keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(h))
''',
    "build_regressor": '''
def build_regressor(n_features):
    return keras.Sequential([
        keras.Input((n_features,)),
        keras.layers.Dense(32, activation="elu"),
        keras.layers.Dense(1, activation="linear"),
    ])
''',
}

# At least two real student mistakes for every graded function: grade_id -> [(label, source)].
WRONG = {
    "build_mlp": [
        ("no softmax at the output: the model returns logits", '''
def build_mlp(input_shape, hidden_units, num_classes):
    inputs = keras.Input(shape=input_shape)
    h = keras.layers.Flatten()(inputs)
    for units in hidden_units:
        h = keras.layers.Dense(units, activation="relu")(h)
    return keras.Model(inputs, keras.layers.Dense(num_classes)(h))
'''),
        ("hidden layers without activation: a linear model", '''
def build_mlp(input_shape, hidden_units, num_classes):
    inputs = keras.Input(shape=input_shape)
    h = keras.layers.Flatten()(inputs)
    for units in hidden_units:
        h = keras.layers.Dense(units)(h)
    return keras.Model(inputs, keras.layers.Dense(num_classes, activation="softmax")(h))
'''),
        ("no Flatten: image inputs keep their spatial axes", '''
def build_mlp(input_shape, hidden_units, num_classes):
    inputs = keras.Input(shape=input_shape)
    h = inputs
    for units in hidden_units:
        h = keras.layers.Dense(units, activation="relu")(h)
    return keras.Model(inputs, keras.layers.Dense(num_classes, activation="softmax")(h))
'''),
    ],
    "train_classifier": [
        ("ignores epochs and batch_size: fits with Keras' defaults", '''
def train_classifier(model, x_train, y_train, epochs, batch_size):
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model.fit(x_train, y_train, verbose=0)
'''),
        ("plain SGD with its default learning rate: compiles, but learns far too slowly", '''
def train_classifier(model, x_train, y_train, epochs, batch_size):
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model.fit(x_train, y_train, epochs=epochs, batch_size=batch_size, verbose=0)
'''),
        ("forgets to return the History", '''
def train_classifier(model, x_train, y_train, epochs, batch_size):
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=epochs, batch_size=batch_size, verbose=0)
'''),
    ],
    "train_step": [
        ("calls the model in inference mode: batch norm uses its moving statistics", '''
def train_step(model, optimizer, loss_fn, x, y):
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x)) + sum(model.losses)
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    return loss
'''),
        ("gradient ascent: applies the negated gradients", '''
def train_step(model, optimizer, loss_fn, x, y):
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x, training=True)) + sum(model.losses)
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip([-g for g in grads], model.trainable_variables))
    return loss
'''),
        ("leaves out model.losses, which fit adds", '''
def train_step(model, optimizer, loss_fn, x, y):
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x, training=True))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    return loss
'''),
    ],
    "build_delay_model": [
        ("month embedding with input_dim 12: month 12 is out of range", '''
def build_delay_model(n_airports, n_airlines):
    sizes = {"origin": n_airports, "destination": n_airports, "airline": n_airlines,
             "month": 12, "weekday": 7}
    inputs = {k: keras.Input(shape=(1,), dtype="int32", name=k) for k in sizes}
    parts = [keras.layers.Flatten()(keras.layers.Embedding(n, 4)(inputs[k])) for k, n in sizes.items()]
    h = keras.layers.Dense(32, activation="relu")(keras.layers.Concatenate()(parts))
    return keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(h))
'''),
        ("ids fed to Dense layers as numbers, no embedding", '''
def build_delay_model(n_airports, n_airlines):
    names = ["origin", "destination", "airline", "month", "weekday"]
    inputs = {k: keras.Input(shape=(1,), dtype="int32", name=k) for k in names}
    h = keras.layers.Concatenate()([keras.ops.cast(inputs[k], "float32") for k in names])
    h = keras.layers.Dense(32, activation="relu")(h)
    h = keras.layers.Dense(32, activation="relu")(h)
    return keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(h))
'''),
    ],
    "build_regressor": [
        ("softmax on the one-unit output: always predicts 1.0, never learns", '''
def build_regressor(n_features):
    inputs = keras.Input(shape=(n_features,))
    h = keras.layers.Dense(64, activation="relu")(inputs)
    return keras.Model(inputs, keras.layers.Dense(1, activation="softmax")(h))
'''),
        ("ReLU on the output: cannot predict standardised prices below the mean", '''
def build_regressor(n_features):
    inputs = keras.Input(shape=(n_features,))
    h = keras.layers.Dense(64, activation="relu")(inputs)
    return keras.Model(inputs, keras.layers.Dense(1, activation="relu")(h))
'''),
    ],
}
