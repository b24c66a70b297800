"""The prover node: proves blocks handed over by the sequencer and submits the proofs to L1."""
