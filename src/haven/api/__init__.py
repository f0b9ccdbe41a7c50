"""The HTTP API (FastAPI): thin routers over the domain services. Domain errors become HTTP
statuses here and nowhere else."""
