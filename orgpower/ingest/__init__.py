"""HR exports -> validated org model."""
