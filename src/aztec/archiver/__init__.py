"""The archiver: follows the L1 rollup contract and stores proposed and proven L2 blocks."""
