from __future__ import annotations

from haven.errors import HavenError, InputError


class InvalidBankRequest(InputError):
    code = "invalid_bank_request"


class UnknownBank(HavenError):
    code = "unknown_bank"
