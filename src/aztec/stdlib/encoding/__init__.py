"""Canonical binary encodings: the reader and writer, the ``Serializable`` base, and codecs of shared types."""
