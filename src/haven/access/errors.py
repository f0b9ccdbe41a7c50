from __future__ import annotations

from haven.errors import HavenError, InputError


class NotAuthenticated(HavenError):
    code = "not_authenticated"


class InvalidKeyRequest(InputError):
    code = "invalid_key_request"


class InvalidStaffRequest(InputError):
    code = "invalid_staff_request"


class LoginFailed(HavenError):
    code = "login_failed"
