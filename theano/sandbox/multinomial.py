"""Old import path of the ops that turn uniforms into categorical draws
(``MultinomialFromUniform``, ``ChoiceFromUniform``); they are in ``theano/tensor/random/mrg.py``."""

from theano.tensor.random.mrg import ChoiceFromUniform, MultinomialFromUniform

__all__ = ["MultinomialFromUniform", "ChoiceFromUniform"]
