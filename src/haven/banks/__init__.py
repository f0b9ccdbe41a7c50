"""Banks of known harmful media (child sexual abuse material, terrorist content): named hash
lists with a gradual enable ratio, negative banks of known false positives, per-entry disable,
CSV import and export, and the matcher the ``hashes`` analyzer asks."""
