"""Who may do what: integration API keys scoped to one platform (and, with the console, staff
accounts with roles)."""
