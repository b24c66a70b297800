"""Proofs: circuit names, proofs with their public inputs, and the root rollup's outputs that L1 checks."""
