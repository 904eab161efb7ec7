"""The compliance audit: policies as data, stage comparison, the ``Audit`` result."""

from ._policy import Policy, Scope, Target, list_policies, load_policy
from ._result import STATUSES, Audit
from ._run import audit

__all__ = ["Audit", "Policy", "STATUSES", "Scope", "Target", "audit", "list_policies", "load_policy"]
