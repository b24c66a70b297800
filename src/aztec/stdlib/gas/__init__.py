"""Gas: what each unit of work costs, and the L2 fee rule."""
