"""The ``claims`` analyzer: matching texts against a bank of fact-checked claims."""
