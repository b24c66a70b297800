"""The sequencer: a slot loop that builds blocks from the pool, publishes them to L1 and commits them."""
