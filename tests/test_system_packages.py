"""The README's `make test` installs the Debian packages the suite needs, or stops with one sentence.

The install step (tools/system-packages.sh) is run on a PATH of shims: `chromium` and `bwrap` are absent,
and `apt-get`, `id` and `sudo` are fakes that record what they were asked. A scan then checks that every
external program the package, the tests and the benchmarks call is in system-packages.txt, in the venv,
or part of the base system the README assumes (Python, git, make on Debian).
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from mvdcourse import paths

ROOT = paths.COURSE_ROOT
SCRIPT = ROOT / "tools" / "system-packages.sh"
LIST = ROOT / "system-packages.txt"
# What a fresh Debian machine with Python 3.11, git and make already has (coreutils, util-linux, apt).
BASE_SYSTEM = {
    "sh",
    "bash",
    "python3",
    "git",
    "make",
    "setpriv",
    "apt-get",
    "id",
    "sudo",
    "env",
    "kill",
    "chmod",
    "dirname",
    # Debian "required" packages passwd and util-linux: deploy/coursehub.py manages local users
    "runuser",
    "useradd",
    "usermod",
    "userdel",
    "groupadd",
    "chpasswd",
}


def system_packages() -> dict[str, str]:
    """Program → Debian package, from the one list."""
    out = {}
    for line in LIST.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            pkg, prog, _why = line.split(maxsplit=2)
            out[Path(prog).name] = pkg
    return out


def shim_path(tmp_path: Path, *, uid: int, apt: bool = True, sudo: bool = False) -> tuple[dict, Path]:
    """A PATH holding only the tools the script uses, plus fakes; returns (env, log file)."""
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    log = tmp_path / "calls.log"
    for tool in ("sh", "dirname"):
        (bin_ / tool).symlink_to(shutil.which(tool))
    fakes = {"id": f"echo {uid}"}
    if apt:  # a fake apt-get: records its arguments; `install` puts the listed programs on PATH
        progs = " ".join(f"{pkg}={Path(prog).name}" for prog, pkg in ((p, k) for p, k in system_packages().items()))
        fakes["apt-get"] = (
            f'echo "apt-get $*" >> {log}\n'
            f'case "$*" in *" install "*) for pair in {progs}; do '
            f'printf "#!/bin/sh\\n" > {bin_}/"${{pair#*=}}"; '
            f'{shutil.which("chmod")} +x {bin_}/"${{pair#*=}}"; done;; esac'
        )
    if sudo:
        fakes["sudo"] = f'echo "sudo $*" >> {log}\n[ "$2" = true ] && exit 0\nshift; exec "$@"'
    for name, body in fakes.items():
        (bin_ / name).write_text(f"#!/bin/sh\n{body}\n")
        (bin_ / name).chmod(0o755)
    env = {"PATH": str(bin_), "HOME": str(tmp_path)}
    return env, log


def listed_packages() -> str:
    """The listed Debian packages, in list order, as the install command names them."""
    return " ".join(dict.fromkeys(system_packages().values()))


def run_step(env) -> subprocess.CompletedProcess:
    return subprocess.run(["/bin/sh", str(SCRIPT)], env=env, capture_output=True, text=True, timeout=30)


def test_the_list_names_the_packages_the_suite_needs():
    assert {"chromium": "chromium", "bwrap": "bubblewrap"}.items() <= system_packages().items()


def test_root_installs_the_missing_packages_once_and_says_why(tmp_path):
    env, log = shim_path(tmp_path, uid=0)
    first = run_step(env)
    assert first.returncode == 0, first.stderr
    lines = first.stdout.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"== installing Debian package(s) {listed_packages()}")
    assert "browser tests" in lines[0] and "grading sandbox" in lines[0]
    assert log.read_text().splitlines() == [
        "apt-get -o DPkg::Lock::Timeout=300 update -qq",
        f"apt-get -o DPkg::Lock::Timeout=300 install -y -qq {listed_packages()}",
    ]
    again = run_step(env)  # now present: nothing to do, nothing printed
    assert again.returncode == 0 and again.stdout == "" and len(log.read_text().splitlines()) == 2


def test_password_less_sudo_is_used_when_not_root(tmp_path):
    env, log = shim_path(tmp_path, uid=1000, sudo=True)
    assert run_step(env).returncode == 0
    assert f"sudo -n apt-get -o DPkg::Lock::Timeout=300 install -y -qq {listed_packages()}" in log.read_text()


def test_without_root_or_sudo_it_stops_before_any_test_with_one_sentence(tmp_path):
    env, log = shim_path(tmp_path, uid=1000)
    out = run_step(env)
    assert out.returncode == 1 and out.stdout == ""
    msg = out.stderr.strip()
    assert msg.count("\n") == 0, msg
    assert listed_packages() in msg and f"sudo apt-get install -y {listed_packages()}" in msg
    assert not log.exists()  # apt-get was never called


def test_without_apt_it_names_the_packages_and_the_command(tmp_path):
    env, _ = shim_path(tmp_path, uid=0, apt=False)
    out = run_step(env)
    assert out.returncode == 1 and "no apt-get" in out.stderr
    assert f"sudo apt-get install -y {listed_packages()}" in out.stderr


def test_make_test_runs_the_step_before_pytest_and_ci_only_calls_make_test():
    make = subprocess.run(
        ["make", "-n", "test"], cwd=ROOT, capture_output=True, text=True, env={**os.environ, "MAKEFLAGS": ""}
    )
    lines = make.stdout.splitlines()
    step = next(i for i, line in enumerate(lines) if "tools/system-packages.sh" in line)
    pytest_ = next(i for i, line in enumerate(lines) if "-m pytest" in line)
    assert step < pytest_
    start = subprocess.run(["make", "-n", "start"], cwd=ROOT, capture_output=True, text=True)
    assert "system-packages" not in start.stdout  # make start needs neither package
    ci = (ROOT / ".ci" / "run").read_text()
    assert "apt-get" not in ci and "make test" in ci


def test_readme_points_to_the_list_and_names_every_package():
    readme = (ROOT / "README.md").read_text()
    assert "system-packages.txt" in readme
    for pkg in system_packages().values():
        assert f"`{pkg}`" in readme, pkg


# ---- every external program the code calls is accounted for -------------------------------------------

SUBPROCESS_CALLS = {"run", "Popen", "check_call", "check_output", "call"}


def called_programs(source: str) -> set[str]:
    """Program names a Python source calls: which("x"), executable_path="x", first item of a command list
    passed to subprocess or named *cmd*, and any literal absolute path under /usr/bin or /usr/sbin."""
    tree = ast.parse(source)
    found: set[str] = set()

    def first_word(node):
        if (
            isinstance(node, ast.List)
            and node.elts
            and isinstance(node.elts[0], ast.Constant)
            and isinstance(node.elts[0].value, str)
        ):
            found.add(Path(node.elts[0].value).name)

    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name == "which" and node.args and isinstance(node.args[0], ast.Constant):
                found.add(node.args[0].value)
            via_module = isinstance(node.func, ast.Attribute) and getattr(node.func.value, "id", "") == "subprocess"
            if name in SUBPROCESS_CALLS and node.args and (via_module or name != "run"):
                first_word(node.args[0])
            for kw in node.keywords:
                if kw.arg == "executable_path" and isinstance(kw.value, ast.Constant):
                    found.add(Path(kw.value.value).name)
        elif isinstance(node, ast.Assign) and any("cmd" in getattr(t, "id", "").lower() for t in node.targets):
            first_word(node.value)
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and re.fullmatch(r"/usr/s?bin/[\w.+-]+", node.value)
        ):
            found.add(Path(node.value).name)
    return found


def test_the_scan_finds_programs_however_they_are_called():
    src = (
        'import shutil, subprocess\nB = shutil.which("bwrap")\nCHROME = "/usr/bin/chromium"\n'
        'subprocess.run(["pg_ctl", "start"])\nmy_cmd = ["initdb", "-D", "x"]\n'
        'p.chromium.launch(executable_path="/usr/bin/chromium")\nsubprocess.run([sys.executable, "-m", "x"])\n'
        'def run(args): ...\nrun(["release_assignment", "quiz1"])\n'
    )
    assert called_programs(src) == {"bwrap", "chromium", "pg_ctl", "initdb"}


def test_every_external_program_is_in_the_list_the_venv_or_the_base_system():
    venv_bin = Path(sys.executable).parent
    listed = system_packages()
    files = [p for d in ("mvdcourse", "tests", "benchmarks", "deploy") for p in (ROOT / d).rglob("*.py")]
    unaccounted = {}
    for f in files:
        for prog in called_programs(f.read_text()):
            if prog not in listed and prog not in BASE_SYSTEM and not (venv_bin / prog).exists():
                unaccounted.setdefault(prog, []).append(str(f.relative_to(ROOT)))
    assert not unaccounted, f"programs called but not in system-packages.txt: {unaccounted}"
    assert {"bwrap", "chromium"} <= {p for f in files for p in called_programs(f.read_text())}
