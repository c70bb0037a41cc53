"""Theano 1.0's ``theano.configparser`` names."""

from theano.configdefaults import TheanoConfig, change_flags, config

__all__ = ["config", "change_flags", "TheanoConfig"]
