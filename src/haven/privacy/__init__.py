"""Privacy (GDPR data-subject rights): everything Haven holds about a person exported as one
JSON document, erasure with the exceptions the law allows, retention rules with a purge job,
and the keyed pseudonyms that stand for people in the append-only audit log."""
