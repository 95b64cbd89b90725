"""Known, harmless warnings from the grading stack, silenced where they arise so that real ones stand out.

- SQLAlchemy's ``SAWarning: Object of type <SubmittedAssignment> not in session`` comes from nbgrader's
  gradebook code on every autograde (nbgrader 0.9 with SQLAlchemy 2); grades are stored correctly.
- ipykernel's "Kernel is running over TCP without encryption" (a warning logged by every kernel that
  nbgrader starts on the local machine) is hidden by starting those kernels with ``KERNEL_QUIET_ARGS``
  (errors are still logged); nbgrader_config.py and ``mvdcourse check`` use them.
"""

from __future__ import annotations

import contextlib
import warnings

KERNEL_QUIET_ARGS = ["--IPKernelApp.log_level=ERROR"]


def silence_known_warnings() -> None:
    from sqlalchemy.exc import SAWarning

    # raised inside SQLAlchemy but attributed (stacklevel) to nbgrader/api.py, so match on the message
    warnings.filterwarnings("ignore", message=r"Object of type <\w+> not in session", category=SAWarning)


@contextlib.contextmanager
def quiet():
    """Run with the known harmless warnings filtered (restored afterwards)."""
    with warnings.catch_warnings():
        silence_known_warnings()
        yield
