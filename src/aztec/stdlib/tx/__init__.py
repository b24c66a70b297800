"""Transactions: the signed tx and its encoding, global variables, processed txs and their effects, outcomes."""
