from __future__ import annotations

from haven.errors import HavenError, InputError


class InvalidAuditEntry(InputError):
    code = "invalid_audit_entry"


class AuditChainBroken(HavenError):
    """The audit log does not verify: a row was altered, removed or inserted out of order."""

    code = "audit_chain_broken"
