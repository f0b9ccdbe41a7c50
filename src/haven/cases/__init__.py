"""Cases: reports (DSA Art. 16), the review queue, human decisions, appeals (Art. 20) and the
append-only, hash-chained audit log of every event on every subject."""
