"""Run student code in a bubblewrap sandbox.

Why bubblewrap: it is a small, audited Debian package (``bubblewrap``) used by Flatpak; it needs no
daemon (unlike Docker, which these machines cannot run), works unprivileged through user namespaces
and as root, and gives exactly what grading needs: a private mount view, no network, its own PID
namespace, and death with its parent.

Inside the sandbox the student's notebook sees only:
- a private scratch folder (read-write, its working directory and $HOME) with its own copy of the
  notebook and the assignment's data files;
- the Python installation and the course package, read-only;
- an empty /tmp, /proc and /dev.
Not visible: the course directory (sources, item banks with the key, the gradebook, other students),
the rest of the home directory, the network (only a private loopback for the kernel). Limits: CPU time,
address space, file size and process count via rlimits; wall-clock time per notebook by killing the
sandbox; output truncated by the runner.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import mvdcourse

BWRAP = shutil.which("bwrap")


@dataclass(frozen=True)
class Limits:
    cell_timeout: int = 10  # seconds per cell
    notebook_timeout: int = 60  # seconds for the whole notebook, kernel start included
    memory_mb: int = 2048  # address space per process
    file_mb: int = 50  # largest file the notebook may write
    processes: int = 256  # max processes/threads (per sandbox user)
    max_lines: int = 1000  # stream lines kept per cell
    max_chars: int = 100_000  # stream characters kept per cell


#: The limits `mvdcourse grade` uses unless told otherwise (see its --help).
DEFAULT_LIMITS = Limits()


@dataclass
class RunResult:
    status: str  # ok | timeout | kernel_died | error
    reason: str
    seconds: float
    executed: Path | None


def unavailable_reason() -> str | None:
    """Why the sandbox cannot be used here, or None if it works."""
    if BWRAP is None:
        return "bubblewrap is not installed (Debian package `bubblewrap`; `apt-get install bubblewrap`)"
    probe = subprocess.run(
        _bwrap_args(Path("/"), []) + [sys.executable, "-c", "print('ok')"], capture_output=True, text=True, timeout=30
    )
    if probe.returncode != 0 or "ok" not in probe.stdout:
        return f"bubblewrap cannot create a sandbox here: {probe.stderr.strip()[:300]}"
    return None


def _readonly_roots() -> list[str]:
    roots = {sys.base_prefix, sys.prefix, str(Path(mvdcourse.__file__).resolve().parent)}
    for system in (
        "/usr",
        "/bin",
        "/sbin",
        "/lib",
        "/lib64",
        "/lib32",
        "/etc/alternatives",
        "/etc/ld.so.cache",
        "/etc/localtime",
        "/etc/passwd",
        "/etc/group",
        "/etc/nsswitch.conf",
        "/usr/share/fonts",
        "/etc/fonts",
    ):
        if os.path.exists(system):
            roots.add(system)
    return sorted(roots)


def _bwrap_args(scratch: Path, extra_env: list[str]) -> list[str]:
    args = [
        BWRAP or "bwrap",
        "--unshare-all",
        "--die-with-parent",
        "--new-session",
        "--cap-drop",
        "ALL",
        "--tmpfs",
        "/tmp",
        "--proc",
        "/proc",
        "--dev",
        "/dev",
    ]
    for root in _readonly_roots():
        args += ["--ro-bind", root, root]
    if scratch != Path("/"):
        args += ["--bind", str(scratch), "/submission", "--chdir", "/submission"]
    env = [
        "PATH",
        f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "HOME",
        "/submission",
        "MPLBACKEND",
        "Agg",
        "PYTHONDONTWRITEBYTECODE",
        "1",
        "OPENBLAS_NUM_THREADS",
        "1",
        "OMP_NUM_THREADS",
        "1",
        "JUPYTER_RUNTIME_DIR",
        "/tmp/jupyter-runtime",
        "IPYTHONDIR",
        "/tmp/ipython",
        "MPLCONFIGDIR",
        "/tmp/matplotlib",
        "NBGRADER_EXECUTION",
        "autograde",
        "LANG",
        "C.UTF-8",
    ]
    env += extra_env
    args.append("--clearenv")
    for name, value in zip(env[::2], env[1::2]):
        args += ["--setenv", name, value]
    return args


def _limit(limits: Limits):
    def apply():
        mb = 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_mb * mb, limits.memory_mb * mb))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_mb * mb, limits.file_mb * mb))
        resource.setrlimit(resource.RLIMIT_CPU, (limits.notebook_timeout * 2, limits.notebook_timeout * 2 + 5))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return apply


def run_notebook(notebook: Path, scratch: Path, limits: Limits = Limits(), sandboxed: bool = True) -> RunResult:
    """Execute ``notebook`` (copied into ``scratch``) and return the executed copy and a verdict."""
    scratch.mkdir(parents=True, exist_ok=True)
    shutil.copy(notebook, scratch / "submission.ipynb")
    runner = [
        sys.executable,
        "-m",
        "mvdcourse.grading.runner",
        "submission.ipynb",
        "executed.ipynb",
        f"--cell-timeout={limits.cell_timeout}",
        f"--max-lines={limits.max_lines}",
        f"--max-chars={limits.max_chars}",
    ]
    if sandboxed:
        cmd, cwd = _bwrap_args(scratch, []) + runner, None
    else:
        cmd, cwd = runner, scratch
    start = time.monotonic()
    proc = subprocess.Popen(
        cmd,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_limit(limits),
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=limits.notebook_timeout)
    except KeyboardInterrupt:  # Ctrl-C in a one-worker run: the sandbox is in its own session
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return RunResult(
            "timeout",
            f"the notebook ran longer than {limits.notebook_timeout} s and was stopped",
            time.monotonic() - start,
            None,
        )
    seconds = time.monotonic() - start
    executed = scratch / "executed.ipynb"
    verdict = None
    for line in reversed(out.strip().splitlines()):
        try:
            verdict = json.loads(line)
            break
        except json.JSONDecodeError:
            continue
    if verdict is None or not executed.exists():
        if "READY" in out.splitlines():
            return RunResult(
                "kernel_died",
                f"the notebook's process ended abruptly (exit code {proc.returncode}) while running the student's code",
                seconds,
                None,
            )
        tail = (err or out).strip().splitlines()[-1:] or [f"exit code {proc.returncode}"]
        return RunResult("error", f"the runner could not start: {tail[0][:300]}", seconds, None)
    status = {"ok": "ok", "cell_timeout": "timeout", "kernel_died": "kernel_died"}.get(verdict["status"], "error")
    return RunResult(status, verdict.get("reason", ""), seconds, executed)
