"""The L2 block as published to L1, stored by the archiver and served over JSON-RPC."""
