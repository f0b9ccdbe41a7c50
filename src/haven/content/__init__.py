"""Content a platform submits for a decision: texts now, videos and images through the same
records. Each submission is stored with its context and queued as a job in one transaction."""
