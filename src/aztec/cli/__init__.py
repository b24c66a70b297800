"""The ``aztec`` console command; one module per command group."""
