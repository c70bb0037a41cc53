"""The logistic regression of Theano's tutorial ("A Real Example: Logistic Regression"), as printed
there, with the data cast to ``floatX`` so that it also runs with ``THEANO_FLAGS=floatX=float32``.

The hand-written ``p_1 = 1 / (1 + exp(-z))`` saturates to exactly 0 or 1 for some rows after the
first steps; the stabilizing rewrites turn the gradient of the cross-entropy into
``sigmoid(z) - y`` form, so the weights never become NaN and the training accuracy reaches 1.0.

Usage: ``python examples/logistic_regression_tutorial.py [training_steps]`` (default 10000).
"""

import sys

import numpy

import theano
import theano.tensor as T


def main(training_steps=10000, seed=None, verbose=True):
    rng = numpy.random if seed is None else numpy.random.RandomState(seed)
    floatX = theano.config.floatX

    N = 400          # training sample size
    feats = 784      # number of input variables

    # generate a dataset: D = (input_values, target_class)
    D = (rng.randn(N, feats).astype(floatX), rng.randint(size=N, low=0, high=2).astype(floatX))

    # Declare Theano symbolic variables
    x = T.matrix("x")
    y = T.vector("y")

    # initialize the weight vector w randomly and the bias term b to 0
    w = theano.shared(rng.randn(feats).astype(floatX), name="w")
    b = theano.shared(numpy.asarray(0., dtype=floatX), name="b")

    # Construct Theano expression graph
    p_1 = 1 / (1 + T.exp(-T.dot(x, w) - b))            # Probability that target = 1
    prediction = p_1 > 0.5                              # The prediction thresholded
    xent = -y * T.log(p_1) - (1 - y) * T.log(1 - p_1)   # Cross-entropy loss function
    cost = xent.mean() + 0.01 * (w ** 2).sum()          # The cost to minimize
    gw, gb = T.grad(cost, [w, b])                       # Compute the gradient of the cost

    # Compile
    train = theano.function(inputs=[x, y], outputs=[prediction, xent],
                            updates=((w, w - 0.1 * gw), (b, b - 0.1 * gb)))
    predict = theano.function(inputs=[x], outputs=prediction)

    # Train
    saw_nan = False
    for _ in range(training_steps):
        pred, err = train(D[0], D[1])
        saw_nan = saw_nan or bool(numpy.isnan(err).any()) or bool(numpy.isnan(w.get_value()).any())

    accuracy = float(numpy.mean(predict(D[0]) == D[1]))
    if verbose:
        print("floatX:", floatX)
        print("NaN seen during training:", saw_nan)
        print("training accuracy:", accuracy)
    return accuracy, saw_nan


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10000)
