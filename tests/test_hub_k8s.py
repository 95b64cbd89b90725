"""Past one server: the Zero to JupyterHub values and the user image recipe (no cluster here, so they are read,
not run), and the recipe's inputs that need no root: the users file and the pins."""

from __future__ import annotations

import re
import shlex

import pytest
import yaml

from deploy import coursehub
from mvdcourse import paths

ROOT = paths.COURSE_ROOT
K8S = ROOT / "deploy" / "k8s"


def pins(path) -> dict[str, str]:
    out = {}
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, sep, version = line.partition("==")
            assert sep, f"{path.name}: {line!r} is not an exact pin"
            out[re.sub(r"[-_.]+", "-", name).lower()] = version
    return out


def test_values_yaml_is_valid_and_holds_the_course_choices():
    values = yaml.safe_load((K8S / "values.yaml").read_text())
    assert set(values) <= {"hub", "singleuser", "cull", "scheduling", "proxy", "prePuller", "ingress"}
    assert values["hub"]["db"]["type"] == "postgres"
    assert values["hub"]["db"]["url"].startswith("postgresql+psycopg2://")
    assert values["cull"]["enabled"] is True and values["cull"]["timeout"] == 3600
    assert values["singleuser"]["image"]["name"].endswith("mvd-course-user")
    assert values["singleuser"]["cmd"] == "jupyterhub-singleuser"
    assert values["hub"]["config"]["JupyterHub"]["authenticator_class"] == "generic-oauth"
    for name, snippet in values["hub"]["extraConfig"].items():
        compile(snippet, name, "exec")  # hub.extraConfig is Python run by the hub


def test_instructor_profile_is_offered_to_instructors_only():
    snippet = yaml.safe_load((K8S / "values.yaml").read_text())["hub"]["extraConfig"]["profiles.py"]

    class Group:
        def __init__(self, name):
            self.name = name

    class Spawner:
        def __init__(self, *groups):
            self.user = type("User", (), {"groups": [Group(g) for g in groups]})()

    ns = {"c": type("C", (), {"KubeSpawner": type("K", (), {})()})()}
    exec(snippet, ns)
    profiles = ns["c"].KubeSpawner.profile_list
    assert [p["display_name"] for p in profiles(Spawner())] == ["Student"]
    staff = profiles(Spawner("instructors"))
    assert len(staff) == 2 and "formgrader" in staff[1]["display_name"]


def test_user_image_installs_the_pinned_set_and_no_keys():
    docker = (K8S / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11", docker, re.M)
    install = " ".join(
        re.search(r"RUN pip install --no-cache-dir (-r .*?-c constraints.txt)", docker.replace("\\\n", " "), re.S)
        .group(1)
        .split()
    )
    args = shlex.split(install)
    files = [args[i + 1] for i, a in enumerate(args) if a == "-r"]
    # The same requirement files as the single server's user environment (plus the Kubernetes exchange).
    assert files[:2] == [str(p.relative_to(ROOT)) for p in coursehub.REQUIREMENTS]
    assert files[2:] == ["deploy/requirements-k8s.txt"]
    for line in re.findall(r"^COPY (.+?) \S+$", docker, re.M):
        for src in line.split():
            assert (ROOT / src).exists(), f"the Dockerfile copies {src}, which does not exist"
            assert not src.startswith("assignments"), "the user image must not contain the item banks (keys)"


def test_pins_agree_across_requirements_constraints_and_the_hub():
    base, hub, lock = pins(ROOT / "requirements.txt"), pins(ROOT / "deploy" / "requirements-hub.txt"), {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==")
            lock[re.sub(r"[-_.]+", "-", name).lower()] = version
    assert not set(hub) & set(base), "a hub pin repeats requirements.txt"
    clash = {n: (v, lock[n]) for n, v in hub.items() if n in lock and lock[n] != v}
    assert clash == {}
    pins(K8S / "requirements-k8s.txt")
    # The only pin held back for Debian 12's Python is one constraints.txt really has.
    assert set(coursehub.DEBIAN_PYTHON_HOLDS) <= set(lock)


def test_users_file_problems_are_one_sentence(tmp_path, capsys):
    good = tmp_path / "users.csv"
    good.write_text("username,role,password\nada,instructor,\nbo,student,pw\n")
    assert [u["role"] for u in coursehub.read_users(good)] == ["instructor", "student"]
    bad = tmp_path / "bad.csv"
    bad.write_text("username,role\nada,teacher\n")
    with pytest.raises(coursehub.HubError, match=r"bad.csv line 2: .*instructor or student"):
        coursehub.read_users(bad)
    assert coursehub.main(["up", "--state", str(tmp_path / "s"), "--users", str(bad)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith("coursehub up: ") and "Traceback" not in err
    assert not (tmp_path / "s").exists()  # nothing was created
