"""Well-being: the people side of Haven (helplines and resource hubs so far)."""
