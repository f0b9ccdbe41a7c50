"""The append-only, hash-chained audit log of every event on every subject: written by every
domain package in the transaction of the change it records."""
