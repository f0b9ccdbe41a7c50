"""Policy: rules as data, evaluated into treatments with reasons."""

from haven.policy.errors import PolicyError
from haven.policy.evaluator import evaluate
from haven.policy.loader import load_policy, parse_policy
from haven.policy.model import TREATMENTS, Policy, Rule, Treatment

__all__ = [
    "TREATMENTS",
    "Policy",
    "PolicyError",
    "Rule",
    "Treatment",
    "evaluate",
    "load_policy",
    "parse_policy",
]
