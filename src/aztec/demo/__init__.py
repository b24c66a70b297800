"""A small demo service that records a few metrics, until the node service replaces it in the sandbox."""
