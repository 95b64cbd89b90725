"""The grading sandbox itself: what student code can and cannot reach, as root and as an ordinary user."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from mvdcourse.grading import sandbox

pytestmark = pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap not installed")


QUICK = sandbox.Limits(cell_timeout=3, notebook_timeout=15)


def run(tmp_path, *cells, limits=QUICK):
    nb = tmp_path / "nb.ipynb"
    nbformat.write(new_notebook(cells=[new_code_cell(c) for c in cells]), nb)
    result = sandbox.run_notebook(nb, tmp_path / "scratch", limits)
    outputs = []
    if result.executed:
        for cell in json.loads(result.executed.read_text())["cells"]:
            outputs.append(cell["outputs"])
    return result, outputs


def test_sandbox_sees_only_its_scratch_folder_and_no_network(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("the key")
    result, outs = run(
        tmp_path,
        f"import os\nprint(os.getcwd(), sorted(os.listdir('.')), os.path.exists({str(secret)!r}))",
        "import socket\ntry:\n    socket.create_connection(('1.1.1.1', 80), timeout=2)\n"
        "    print('OPEN')\nexcept OSError as e:\n    print('closed', e.errno)",
    )
    assert result.status == "ok"
    assert outs[0][0]["text"] == "/submission ['submission.ipynb'] False\n"
    assert outs[1][0]["text"].startswith("closed")


def test_writes_stay_in_the_scratch_copy(tmp_path):
    target = tmp_path / "outside.txt"
    result, outs = run(
        tmp_path,
        f"open('inside.txt', 'w').write('x')\ntry:\n    open({str(target)!r}, 'w')\n"
        "except OSError as e:\n    print('refused', type(e).__name__)",
    )
    assert result.status == "ok" and not target.exists()
    assert "refused" in outs[0][0]["text"]


def test_limits_time_memory_and_output(tmp_path):
    result, outs = run(
        tmp_path,
        "while True: pass",
        "x = bytearray(50 * 1024**3)",
        "for i in range(5000): print(i)",
        limits=sandbox.Limits(cell_timeout=1, notebook_timeout=15, max_lines=100),
    )
    assert result.status == "timeout"  # the first cell hit its time limit; later cells still ran
    assert outs[0][-1]["ename"] == "TimeoutError"
    assert outs[1][-1]["ename"] == "MemoryError"
    assert "output truncated (5000 lines)" in outs[2][0]["text"]


def test_whole_notebook_limit_stops_code_that_disables_the_cell_timer(tmp_path):
    result, _ = run(
        tmp_path,
        "import signal\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\nwhile True: pass",
        limits=sandbox.Limits(cell_timeout=1, notebook_timeout=4),
    )
    assert result.status == "timeout" and "longer than 4 s" in result.reason


def test_process_death_is_kernel_died(tmp_path):
    result, _ = run(tmp_path, "import os\nos._exit(3)")
    assert result.status == "kernel_died" and "exit code 3" in result.reason


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("setpriv") is None, reason="needs root to switch user")
def test_bubblewrap_also_works_for_an_ordinary_user():
    """Instructors grade as ordinary users: unprivileged user namespaces must work here."""
    cmd = [
        "setpriv",
        "--reuid=65534",
        "--regid=65534",
        "--clear-groups",
        "bwrap",
        "--unshare-all",
        "--die-with-parent",
        "--cap-drop",
        "ALL",
        "--ro-bind",
        "/usr",
        "/usr",
        "--ro-bind",
        "/lib",
        "/lib",
        "--ro-bind",
        "/lib64",
        "/lib64",
        "--ro-bind",
        "/bin",
        "/bin",
        "--tmpfs",
        "/tmp",
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "/usr/bin/python3",
        "-c",
        "import os, socket\nprint(os.getuid(), sorted(os.listdir('/')))",
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "65534 ['bin', 'dev', 'lib', 'lib64', 'proc', 'tmp', 'usr']"
