"""A whole class on one server: JupyterHub + nbgrader exchange + PostgreSQL gradebook, up and down.

    python deploy/coursehub.py up   --state DIR [--port 9400] [--users deploy/users.example.csv]
    python deploy/coursehub.py down --state DIR

Run as root (it creates system users, and the hub starts each user's server as that user). ``up``:

1. builds the shared user environment ``DIR/venv`` from Debian's ``/usr/bin/python3`` (every user can run
   it; the course package and the pinned packages of requirements.txt + deploy/requirements-hub.txt),
2. creates local system users from the users file (home folders mode 0700: Debian's default 0755 would
   let students read each other's work), instructors in the group ``mvd-instructors``,
3. starts PostgreSQL (a cluster in ``DIR/postgres`` run by the ``postgres`` user, loopback only) with two
   databases: the nbgrader gradebook and JupyterHub's own database (no SQLite anywhere),
4. lays out the course directory ``DIR/course`` (group ``mvd-instructors``, 2770: students cannot read the
   sources, keys or gradebook password), the exchange ``DIR/exchange`` (1777, nbgrader's layout) and the
   Jupyter config that every user's server reads (``DIR/etc``: students' servers have no formgrader),
5. starts JupyterHub (``deploy/jupyterhub_config.py``) with configurable-http-proxy and the idle culler.

``down`` stops the hub (which stops the users' servers and the proxy) and PostgreSQL; data stays in DIR.
Nothing is ever deleted: run ``up`` again to resume.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import grp
import hashlib
import json
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEPLOY = REPO / "deploy"
INSTRUCTORS_GROUP = "mvd-instructors"
COURSE_ID = "mvd-course"
REQUIREMENTS = [REPO / "requirements.txt", DEPLOY / "requirements-hub.txt"]
DB_OWNER = "postgres"  # PostgreSQL refuses to run as root; Debian's package creates this user


class HubError(RuntimeError):
    """A step of bringing the course server up failed; the message says which and what to do."""


@dataclass
class Site:
    """Everything the hub config needs, written to DIR/site.json (root only: it holds database passwords)."""

    state: str
    port: int = 9400  # public (proxy); hub +1, proxy API +2
    pg_port: int = 9432
    user_ports: tuple[int, int] | None = None  # None: random ports
    instructors: list[str] = field(default_factory=list)
    students: list[str] = field(default_factory=list)
    idle_timeout: int = 3600  # seconds without activity before a user's server is stopped
    authenticator: str = "jupyterhub.auth.PAMAuthenticator"
    course_id: str = COURSE_ID
    repo: str = str(REPO)
    venv: str = ""
    chp: str = ""
    gradebook_url: str = ""
    hub_db_url: str = ""
    ops_token: str = ""

    @property
    def root(self) -> Path:
        return Path(self.state)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def save(self) -> Path:
        path = self.root / "site.json"
        path.write_text(json.dumps(asdict(self), indent=1))
        path.chmod(0o600)
        return path

    @classmethod
    def load(cls, state: Path) -> Site:
        data = json.loads((Path(state) / "site.json").read_text())
        data["user_ports"] = tuple(data["user_ports"]) if data.get("user_ports") else None
        return cls(**data)


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, text=True, capture_output=True, **kw)
    if proc.returncode != 0:
        raise HubError(f"`{' '.join(map(str, cmd))}` failed: {(proc.stderr or proc.stdout).strip()[-1500:]}")
    return proc


def as_user(user: str, cmd: list[str], **kw) -> subprocess.CompletedProcess:
    return run(["runuser", "-u", user, "--", *cmd], **kw)


# ---------------------------------------------------------------------------------------------- checks
def preflight() -> None:
    if os.geteuid() != 0:
        raise HubError("run as root: the hub creates system users and starts each user's server as that user")
    missing = [p for p in ("/usr/bin/python3", "/usr/bin/node", "/usr/bin/npm") if not Path(p).exists()]
    missing += [] if pg_bindir() else ["PostgreSQL server binaries"]
    try:
        pwd.getpwnam(DB_OWNER)
    except KeyError:
        missing.append(f"the system user {DB_OWNER!r}")
    if missing:
        raise HubError(
            f"missing {', '.join(missing)}: install the Debian packages in system-packages.txt "
            "(`make system-packages`, or `apt-get install postgresql nodejs npm`)"
        )


def pg_bindir() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent if found else None


# ---------------------------------------------------------------------------------- user environment
def _requirements_hash() -> str:
    h = hashlib.sha256()
    for path in [*REQUIREMENTS, REPO / "constraints.txt", REPO / "pyproject.toml"]:
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


# Pins whose releases need a newer Python than Debian 12's 3.11.2 (soupsieve 3.0.2+ needs 3.11.5): held back
# in the shared user environment only; .venv and the Kubernetes image keep constraints.txt as it is.
DEBIAN_PYTHON_HOLDS = {"soupsieve": "2.10"}
PUBLIC_CONTENT = ("assets", "lessons", "mvdcourse", "pyproject.toml", "README.md", "LICENSE", "LICENSE-CONTENT.md")


def copy_public_content(content: Path) -> Path:
    """The course's public part (lessons, fact base, package), readable by every user: not assignments/,
    whose item banks hold the keys. Refreshed on every ``up``."""
    content.mkdir(parents=True, exist_ok=True)
    for name in PUBLIC_CONTENT:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(
                src,
                content / name,
                dirs_exist_ok=True,
                ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints"),
            )
        else:
            shutil.copy(src, content / name)
    for path in [content, *content.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    return content


def _constraints_for(python: Path, out: Path) -> Path:
    version = run([str(python), "-c", "import sys; print(*sys.version_info[:3])"]).stdout.split()
    lines = (REPO / "constraints.txt").read_text().splitlines()
    if tuple(map(int, version)) < (3, 11, 5):
        lines = [
            f"{line.split('==')[0]}=={DEBIAN_PYTHON_HOLDS[line.split('==')[0].lower()]}"
            if line.split("==")[0].lower() in DEBIAN_PYTHON_HOLDS
            else line
            for line in lines
        ]
    out.write_text("\n".join(lines) + "\n")
    return out


def ensure_user_env(env: Path) -> Path:
    """ENV/venv, the Python environment every user's server runs in, from Debian's /usr/bin/python3 (a
    Python every user can execute), with the course package installed from ENV/content. Built once and
    rebuilt when the pins change; returns the venv path."""
    env.mkdir(parents=True, exist_ok=True)
    env.chmod(0o755)
    content = copy_public_content(env / "content")
    venv = env / "venv"
    stamp = venv / ".mvdcourse-installed"
    want = _requirements_hash()
    if venv.exists():
        _ipython_config(venv)
    if stamp.exists() and stamp.read_text() == want:
        return venv
    if not (venv / "bin" / "python").exists():
        # --without-pip: Debian's python3 makes venvs with pip only with the python3-venv package; this
        # process's pip installs into it instead (pip --python).
        run(["/usr/bin/python3", "-m", "venv", "--without-pip", str(venv)])
    python = venv / "bin" / "python"
    pip = [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--disable-pip-version-check"]
    constraints = _constraints_for(python, env / "constraints.txt")
    run([*pip, *sum((["-r", str(r)] for r in REQUIREMENTS), []), "-c", str(constraints)])
    run([*pip, "--no-deps", "-e", str(content)])
    # The same pop-up switch as `make start`: JupyterLab's news prompt would cover the lesson.
    run([str(venv / "bin" / "jupyter"), "labextension", "disable", "@jupyterlab/apputils-extension:announcements"])
    _ipython_config(venv)
    stamp.write_text(want)
    return venv


def _ipython_config(venv: Path) -> None:
    """Kernels keep their command history in memory: IPython's default is an SQLite file in every home."""
    etc = venv / "etc" / "ipython"
    etc.mkdir(parents=True, exist_ok=True)
    (etc / "ipython_config.py").write_text(
        "# written by deploy/coursehub.py\nc = get_config()  # noqa: F821\nc.HistoryManager.hist_file = ':memory:'\n"
    )
    etc.chmod(0o755)
    (etc / "ipython_config.py").chmod(0o644)


def ensure_proxy(prefix: Path) -> Path:
    """configurable-http-proxy from npm, pinned, inside the state folder (no global npm install)."""
    binary = prefix / "node_modules" / ".bin" / "configurable-http-proxy"
    if not binary.exists():
        run(
            [
                "npm",
                "install",
                "--prefix",
                str(prefix),
                "--no-audit",
                "--no-fund",
                "--silent",
                "configurable-http-proxy@5.3.0",
            ]
        )
    return binary


# ------------------------------------------------------------------------------------------- users
def read_users(path: Path) -> list[dict]:
    """users file: CSV with columns username,role[,password]; role is instructor or student."""
    rows = []
    with open(path, newline="", encoding="utf-8") as fh:
        for n, row in enumerate(csv.DictReader(fh), start=2):
            name, role = (row.get("username") or "").strip(), (row.get("role") or "").strip()
            if not name or role not in ("instructor", "student"):
                raise HubError(f"{path} line {n}: each row needs a username and a role (instructor or student)")
            rows.append({"username": name, "role": role, "password": (row.get("password") or "").strip()})
    return rows


def ensure_group(name: str) -> None:
    try:
        grp.getgrnam(name)
    except KeyError:
        run(["groupadd", "--system", name])


def ensure_user(name: str, instructor: bool, password: str | None = None) -> bool:
    """Create the account if needed (returns True if it was created); home 0700; optional password."""
    created = False
    try:
        pwd.getpwnam(name)
    except KeyError:
        run(["useradd", "--create-home", "--shell", "/bin/bash", name])
        created = True
    if instructor:
        run(["usermod", "-a", "-G", INSTRUCTORS_GROUP, name])
    home = Path(pwd.getpwnam(name).pw_dir)
    home.chmod(0o700)
    if password:
        run(["chpasswd"], input=f"{name}:{password}\n")
    return created


def remove_user(name: str) -> None:
    """Stop the user's processes and delete the account with its home (tests and benchmarks only)."""
    import psutil

    for proc in psutil.process_iter(["username"]):
        if proc.info["username"] == name:
            with contextlib.suppress(psutil.Error):
                proc.kill()
    subprocess.run(["userdel", "--remove", name], capture_output=True)


# -------------------------------------------------------------------------------------- PostgreSQL
class Postgres:
    """A PostgreSQL cluster in DIR/postgres, owned and run by the ``postgres`` user, on loopback only."""

    def __init__(self, data: Path, port: int):
        self.data, self.port = Path(data), port
        self.sockets = self.data.parent / "postgres-run"
        self.bin = pg_bindir()

    def _pg(self, *args: str, **kw):
        return as_user(DB_OWNER, [str(self.bin / args[0]), *args[1:]], **kw)

    def init(self) -> None:
        if (self.data / "PG_VERSION").exists():
            return
        self.data.mkdir(parents=True, exist_ok=True)
        shutil.chown(self.data, DB_OWNER, DB_OWNER)
        self.data.chmod(0o700)
        self._pg(
            "initdb",
            "-D",
            str(self.data),
            "--auth-local=peer",
            "--auth-host=scram-sha-256",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
        )

    def start(self) -> None:
        self.sockets.mkdir(exist_ok=True)
        shutil.chown(self.sockets, DB_OWNER, DB_OWNER)
        if self.running():
            return
        opts = f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1 -c max_connections=300"
        self._pg("pg_ctl", "-D", str(self.data), "-l", str(self.data / "server.log"), "-o", opts, "-w", "start")

    def running(self) -> bool:
        return (
            subprocess.run(
                ["runuser", "-u", DB_OWNER, "--", str(self.bin / "pg_ctl"), "-D", str(self.data), "status"],
                capture_output=True,
            ).returncode
            == 0
        )

    def stop(self) -> None:
        if self.data.exists() and self.running():
            self._pg("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def sql(self, statement: str, db: str = "postgres") -> str:
        return self._pg(
            "psql",
            "-h",
            str(self.sockets),
            "-p",
            str(self.port),
            "-d",
            db,
            "-v",
            "ON_ERROR_STOP=1",
            "-tA",
            "-c",
            statement,
        ).stdout.strip()

    def ensure_database(self, name: str, role: str, password: str) -> str:
        """A database owned by its own login role; returns its SQLAlchemy URL (psycopg2, loopback TCP)."""
        exists = self.sql(f"SELECT 1 FROM pg_roles WHERE rolname = '{role}'")
        verb = "ALTER" if exists else "CREATE"
        self.sql(f"{verb} ROLE \"{role}\" LOGIN PASSWORD '{password}'")
        if not self.sql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'"):
            self.sql(f'CREATE DATABASE "{name}" OWNER "{role}"')
            self.sql(f'REVOKE ALL ON DATABASE "{name}" FROM PUBLIC')
        return f"postgresql+psycopg2://{role}:{password}@127.0.0.1:{self.port}/{name}"


# ------------------------------------------------------------------------------- course and exchange
DEPLOY_BLOCK = "# --- added by deploy/coursehub.py: the shared course on this server ---"


def setup_course(site: Site) -> Path:
    """DIR/course: the nbgrader course directory shared by the instructors (group mvd-instructors, 2770).

    nbgrader's autograde and formgrader need the sources on disk (nbgrader #1683), so the course folder is
    a real directory on this machine; the gradebook is PostgreSQL (db_url), never gradebook.db.
    """
    course = site.root / "course"
    src = Path(site.repo) / "assignments"
    if not course.exists():
        course.mkdir()
        for name in ("items", "source"):
            shutil.copytree(src / name, course / name)
        shutil.copy(src / "README.md", course / "README.md")
    config = (src / "nbgrader_config.py").read_text()
    config += (
        f"\n{DEPLOY_BLOCK}\n"
        f"c.CourseDirectory.db_url = {site.gradebook_url!r}\n"
        f"c.CourseDirectory.groupshared = True\n"
        f"c.Exchange.root = {str(site.root / 'exchange')!r}\n"
    )
    (course / "nbgrader_config.py").write_text(config)
    gid = grp.getgrnam(INSTRUCTORS_GROUP).gr_gid
    for path in [course, *course.rglob("*")]:
        os.chown(path, 0, gid, follow_symlinks=False)
        if path.is_dir():
            path.chmod(0o2770)
        elif path.name == "nbgrader_config.py":
            path.chmod(0o640)  # holds the gradebook password: instructors read it, nobody else
        else:
            path.chmod(0o660)
    return course


def setup_exchange(site: Site) -> Path:
    """nbgrader's exchange: world-writable with the sticky bit; the course's folder belongs to instructors."""
    exchange = site.root / "exchange"
    exchange.mkdir(exist_ok=True)
    exchange.chmod(0o1777)
    course = exchange / site.course_id
    course.mkdir(exist_ok=True)
    os.chown(course, 0, grp.getgrnam(INSTRUCTORS_GROUP).gr_gid)
    course.chmod(0o2775)
    return exchange


def link_course(instructor: str, course: Path) -> Path:
    """~/mvd-course -> the shared course folder: instructors run nbgrader there, and formgrader needs the
    course under the server's root (the home folder)."""
    account = pwd.getpwnam(instructor)
    link = Path(account.pw_dir) / "mvd-course"
    if not link.is_symlink():
        link.symlink_to(course)
        os.lchown(link, account.pw_uid, account.pw_gid)
    return link


def write_jupyter_config(site: Site) -> None:
    """DIR/etc/{common,student,instructor}: the Jupyter config each user's server reads (JUPYTER_CONFIG_PATH)."""
    etc = site.root / "etc"
    common, student, instructor = etc / "common", etc / "student", etc / "instructor"
    for d in (common, student, instructor, student / "labconfig"):
        d.mkdir(parents=True, exist_ok=True)
    (common / "nbgrader_config.py").write_text(
        "c = get_config()  # noqa: F821\n"
        f"c.Exchange.root = {str(site.root / 'exchange')!r}\n"
        f"c.CourseDirectory.course_id = {site.course_id!r}\n"
    )
    # Jupyter's notebook-trust store is an SQLite file in every home by default (nbsignatures.db): keep it
    # in memory, so that no SQLite file sits in 300 homes (or on NFS, where SQLite locking is unreliable).
    # Kernels idle for 20 minutes are stopped (a lesson kernel holds ~120 MB); the hub's culler stops
    # whole servers after site.idle_timeout.
    (common / "jupyter_server_config.json").write_text(
        json.dumps(
            {
                "NotebookNotary": {"db_file": ":memory:"},
                "MappingKernelManager": {"cull_idle_timeout": 1200, "cull_interval": 120},
            },
            indent=1,
        )
    )
    # Students: no formgrader and no "create assignment" in their server or in JupyterLab.
    (student / "jupyter_server_config.json").write_text(
        json.dumps({"ServerApp": {"jpserver_extensions": {"nbgrader.server_extensions.formgrader": False}}}, indent=1)
    )
    (student / "labconfig" / "page_config.json").write_text(
        json.dumps(
            {"disabledExtensions": {"@jupyter/nbgrader:formgrader": True, "@jupyter/nbgrader:create-assignment": True}},
            indent=1,
        )
    )
    # Instructors: the course folder is linked into their home (formgrader needs it under the server root).
    (instructor / "nbgrader_config.py").write_text(
        "import os\nc = get_config()  # noqa: F821\nc.CourseDirectory.root = os.path.expanduser('~/mvd-course')\n"
    )
    for path in [etc, *etc.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)


# ----------------------------------------------------------------------------------------- the hub
def hub_pid(site: Site) -> int | None:
    pidfile = site.root / "hub" / "jupyterhub.pid"
    try:
        pid = int(pidfile.read_text())
        os.kill(pid, 0)
        return pid
    except (OSError, ValueError):
        return None


def start_hub(site: Site, timeout: float = 90) -> subprocess.Popen | None:
    if hub_pid(site):
        return None
    hubdir = site.root / "hub"
    env = {
        "PATH": f"{site.venv}/bin:/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "MVDCOURSE_HUB_SITE": str(site.root / "site.json"),
        "HOME": "/root",
    }
    with open(hubdir / "jupyterhub.log", "a") as log:
        proc = subprocess.Popen(
            [f"{site.venv}/bin/jupyterhub", "-f", str(DEPLOY / "jupyterhub_config.py")],
            cwd=hubdir,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    (hubdir / "jupyterhub.pid").write_text(str(proc.pid))
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise HubError(
                f"JupyterHub exited; see {hubdir / 'jupyterhub.log'}:\n"
                + (hubdir / "jupyterhub.log").read_text()[-2000:]
            )
        try:
            urllib.request.urlopen(f"{site.url}/hub/api/", timeout=2)
            return proc
        except OSError:
            time.sleep(0.5)
    raise HubError(f"JupyterHub did not answer on {site.url} within {timeout:.0f} s; see {hubdir / 'jupyterhub.log'}")


def stop_hub(site: Site, timeout: float = 60) -> None:
    pid = hub_pid(site)
    if not pid:
        return
    os.kill(pid, signal.SIGTERM)
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            os.kill(pid, 0)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)
            time.sleep(0.3)
        except OSError:
            break
    else:
        os.killpg(pid, signal.SIGKILL)
    (site.root / "hub" / "jupyterhub.pid").unlink(missing_ok=True)


def up(
    state: Path,
    users: list[dict],
    port: int = 9400,
    pg_port: int = 9432,
    env: Path | None = None,
    idle_timeout: int = 3600,
    authenticator: str | None = None,
    user_ports: tuple[int, int] | None = None,
) -> Site:
    """Bring the whole course server up (idempotent); returns its Site."""
    preflight()
    state = Path(state).resolve()
    state.mkdir(parents=True, exist_ok=True)
    state.chmod(0o755)
    for name in ("hub", "secrets"):
        (state / name).mkdir(exist_ok=True)
        (state / name).chmod(0o700)
    site = Site.load(state) if (state / "site.json").exists() else Site(state=str(state))
    site.port, site.pg_port, site.idle_timeout = port, pg_port, idle_timeout
    if user_ports:
        site.user_ports = user_ports
    site.authenticator = authenticator or site.authenticator
    site.venv = str(ensure_user_env(Path(env) if env else state / "userenv"))
    site.chp = str(ensure_proxy(state / "proxy"))
    ensure_group(INSTRUCTORS_GROUP)
    new_passwords = []
    for u in users:
        password = u.get("password") or None
        if ensure_user(u["username"], u["role"] == "instructor", password) and not password:
            password = secrets.token_urlsafe(9)
            ensure_user(u["username"], u["role"] == "instructor", password)
            new_passwords.append((u["username"], password))
    if new_passwords:
        with open(state / "secrets" / "new-passwords.csv", "a", encoding="utf-8") as fh:
            fh.writelines(f"{name},{password}\n" for name, password in new_passwords)
    site.instructors = sorted({*site.instructors, *(u["username"] for u in users if u["role"] == "instructor")})
    site.students = sorted({*site.students, *(u["username"] for u in users if u["role"] == "student")})
    pg = Postgres(state / "postgres", pg_port)
    pg.init()
    pg.start()
    site.gradebook_url = pg.ensure_database("gradebook", "nbgrader", _secret(state, "nbgrader"))
    site.hub_db_url = pg.ensure_database("jupyterhub", "jupyterhub", _secret(state, "jupyterhub"))
    site.ops_token = site.ops_token or secrets.token_hex(32)
    setup_exchange(site)
    course = setup_course(site)
    for name in site.instructors:
        link_course(name, course)
    write_jupyter_config(site)
    site.save()
    start_hub(site)
    return site


def _secret(state: Path, name: str) -> str:
    path = Path(state) / "secrets" / name
    if not path.exists():
        path.write_text(secrets.token_urlsafe(24))
        path.chmod(0o600)
    return path.read_text().strip()


def down(state: Path) -> None:
    state = Path(state).resolve()
    if not (state / "site.json").exists():
        raise HubError(f"{state} holds no course server (no site.json): nothing to stop")
    site = Site.load(state)
    stop_hub(site)
    Postgres(state / "postgres", site.pg_port).stop()


def shell(site: Site, user: str, script: str, check: bool = True, timeout: float = 600) -> subprocess.CompletedProcess:
    """Run a bash script as ``user`` from their home, with the course environment on PATH (as in a terminal
    of their server; instructors get the instructor config)."""
    role = "instructor" if user in site.instructors else "student"
    env = {
        "PATH": f"{site.venv}/bin:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin",
        "LANG": "C.UTF-8",
        "MPLBACKEND": "Agg",
        "JUPYTER_CONFIG_PATH": f"{site.state}/etc/{role}:{site.state}/etc/common",
    }
    proc = subprocess.run(
        ["runuser", "-u", user, "--", "bash", "-c", f"cd ~ && {script}"],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check and proc.returncode != 0:
        raise HubError(f"as {user}: {script}\nrc={proc.returncode}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return proc


@contextlib.contextmanager
def temporary(
    prefix: str, users: list[dict], port: int, pg_port: int, user_ports: tuple[int, int], env: Path | None = None
):
    """A whole course server in a fresh temp folder (tests, benchmarks); down, users and folder removed after."""
    state = Path(tempfile.mkdtemp(prefix=f"mvdcourse-{prefix}-"))
    state.chmod(0o755)
    try:
        yield up(state, users, port=port, pg_port=pg_port, env=env, user_ports=user_ports)
    finally:
        try:
            down(state)
        finally:
            for u in users:
                remove_user(u["username"])
            shutil.rmtree(state, ignore_errors=True)


def _port_range(text: str) -> tuple[int, int] | None:
    if not text:
        return None
    try:
        lo, hi = (int(x) for x in text.split("-"))
    except ValueError:
        raise HubError(f"--user-ports {text!r}: give a range such as 9423-9439") from None
    return lo, hi


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    u = sub.add_parser("up", help="bring the course server up")
    u.add_argument("--state", required=True, help="folder for everything the server keeps")
    u.add_argument(
        "--users",
        default=str(DEPLOY / "users.example.csv"),
        help="CSV with username,role[,password] (role: instructor or student)",
    )
    u.add_argument("--port", type=int, default=9400)
    u.add_argument("--pg-port", type=int, default=9432)
    u.add_argument("--idle-timeout", type=int, default=3600)
    u.add_argument(
        "--user-ports",
        default="",
        help="LOW-HIGH: a fixed port per user's server from this range (default: random ports)",
    )
    d = sub.add_parser("down", help="stop the hub, the users' servers and PostgreSQL")
    d.add_argument("--state", required=True)
    args = p.parse_args(argv)
    try:
        if args.command == "up":
            site = up(
                Path(args.state),
                read_users(Path(args.users)),
                args.port,
                args.pg_port,
                idle_timeout=args.idle_timeout,
                user_ports=_port_range(args.user_ports),
            )
            print(
                f"course server up: {site.url}/hub/login  (instructors: {', '.join(site.instructors)}; "
                f"{len(site.students)} students; gradebook on PostgreSQL port {site.pg_port})"
            )
            print(f"stop it with: make hub-down  (or python deploy/coursehub.py down --state {site.state})")
        else:
            down(Path(args.state))
            print("course server stopped; data kept in", Path(args.state).resolve())
    except HubError as exc:
        print(f"coursehub {args.command}: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
