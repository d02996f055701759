"""graphc's version, in a module of its own: the graph format records it (graphc.serialize), and that
module cannot import the `graphc` package it is part of without an import circle."""

__version__ = "0.1.0"
