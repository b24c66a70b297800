"""The sandbox: a development L1, a sequencer node with its prover, a follower node and a bot, in one process."""
