"""The compliance audit: policies as data, stage comparison, the ``Audit`` result."""

from ._policy import Policy, Scope, Target, list_policies, load_policy
from ._result import STATUSES, Audit, register_renderer
from ._run import audit

__all__ = ["Audit", "Policy", "STATUSES", "Scope", "Target", "audit", "list_policies", "load_policy",
           "register_renderer"]
