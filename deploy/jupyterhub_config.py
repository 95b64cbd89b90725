"""JupyterHub for one course server (The Littlest JupyterHub pattern): local system users, PAM login,
one single-user JupyterLab per user started as that user, configurable-http-proxy, an idle culler, and
JupyterHub's own database on PostgreSQL.

deploy/coursehub.py writes DIR/site.json (ports, users, database URLs) and starts the hub with
``MVDCOURSE_HUB_SITE=DIR/site.json jupyterhub -f deploy/jupyterhub_config.py``. To change the login, set
``authenticator`` in site.json (see README, "Teaching a whole class"): PAM (default) for local users,
``oauthenticator.generic.GenericOAuthenticator`` for the institution's OAuth/OIDC, or ``ltiauthenticator``
for launches from the LMS.
"""

import json
import os
import pwd
import shutil
from pathlib import Path

c = get_config()  # noqa: F821  (provided by traitlets when JupyterHub loads this file)
site = json.loads(Path(os.environ["MVDCOURSE_HUB_SITE"]).read_text())
STATE = Path(site["state"])
VENV = Path(site["venv"])
ROLE_CONFIG = STATE / "etc"

# --- network: everything on loopback except the public proxy port -------------------------------------
c.JupyterHub.bind_url = f"http://{site.get('ip', '127.0.0.1')}:{site['port']}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = site["port"] + 1
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{site['port'] + 2}"
c.ConfigurableHTTPProxy.command = [site["chp"]]
c.ConfigurableHTTPProxy.pid_file = str(STATE / "hub" / "proxy.pid")

# --- state: the hub's database on PostgreSQL, secrets in the root-only hub folder ------------------------
c.JupyterHub.db_url = site["hub_db_url"]
c.JupyterHub.cookie_secret_file = str(STATE / "hub" / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE / "hub" / "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True  # `down` stops every user's server too

# --- who may log in -------------------------------------------------------------------------------------
c.JupyterHub.authenticator_class = site["authenticator"]
c.Authenticator.allowed_users = set(site["instructors"]) | set(site["students"])
c.PAMAuthenticator.open_sessions = False  # no login sessions in containers; PAM checks the password only
c.JupyterHub.load_groups = {"instructors": {"users": site["instructors"]}}

# A service token for the course's own scripts (tests, make bench-hub): start servers, issue user tokens.
c.JupyterHub.services = [
    {"name": "course-ops", "api_token": site["ops_token"]},
    {
        "name": "idle-culler",
        "command": [
            str(VENV / "bin" / "python"),
            "-m",
            "jupyterhub_idle_culler",
            f"--timeout={site['idle_timeout']}",
            "--cull-every=60",
        ],
    },
]
c.JupyterHub.load_roles = [
    {
        "name": "course-ops",
        "services": ["course-ops"],
        "scopes": ["admin:users", "admin:servers", "tokens", "list:users", "read:users", "access:servers"],
    },
    {
        "name": "idle-culler",
        "services": ["idle-culler"],
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
    },
]

# --- each user's server ---------------------------------------------------------------------------------
c.JupyterHub.spawner_class = "jupyterhub.spawner.LocalProcessSpawner"
c.Spawner.cmd = [str(VENV / "bin" / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.start_timeout = 180  # a class logging in at once on two cores
c.Spawner.http_timeout = 180
c.JupyterHub.concurrent_spawn_limit = 60
c.Spawner.environment = {
    "PATH": f"{VENV / 'bin'}:/usr/local/bin:/usr/bin:/bin",  # nbgrader runs `alembic` from PATH
    "MPLBACKEND": "Agg",
    "LANG": "C.UTF-8",
}


USERS = sorted(set(site["instructors"]) | set(site["students"]))


def _user_port(name: str) -> int:
    """Each user's server has its own fixed port from site.json's user_ports (so that a firewall can
    describe the server); with user_ports null, JupyterHub picks random free ports."""
    if not site.get("user_ports"):
        return 0
    lo, hi = site["user_ports"]
    port = lo + USERS.index(name)
    if port > hi:
        raise RuntimeError(
            f"user_ports {lo}-{hi} holds {hi - lo + 1} servers but the course has {len(USERS)} "
            "users: widen the range in site.json (or set it to null for random ports)"
        )
    return port


def pre_spawn_hook(spawner):
    """Role-specific Jupyter config (students: no formgrader), a port from the site's range, and a copy of
    the lessons in the user's home on first start."""
    name = spawner.user.name
    account = pwd.getpwnam(name)
    home = Path(account.pw_dir)
    instructor = name in site["instructors"]
    role_dirs = [ROLE_CONFIG / ("instructor" if instructor else "student"), ROLE_CONFIG / "common"]
    spawner.environment = {**spawner.environment, "JUPYTER_CONFIG_PATH": os.pathsep.join(map(str, role_dirs))}
    spawner.port = _user_port(name)
    lessons = home / "lessons"
    if not lessons.exists():
        shutil.copytree(VENV.parent / "content" / "lessons", lessons, ignore=shutil.ignore_patterns("README.md", "_*"))
        for path in [lessons, *lessons.rglob("*")]:
            os.chown(path, account.pw_uid, account.pw_gid)


c.Spawner.pre_spawn_hook = pre_spawn_hook
