"""The pip path and the conda path install the same packages at the same versions."""

from __future__ import annotations

import re
import tomllib

import yaml

from mvdcourse import paths

ROOT = paths.COURSE_ROOT


def canon(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pip_pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, version = line.split("==")
            pins[canon(name)] = version
    return pins


def conda_pins() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pins = {}
    for dep in env["dependencies"]:
        if isinstance(dep, str) and "=" in dep:
            name, version = dep.split("=", 1)
            pins[canon(name)] = version
    return pins


def test_environment_yml_matches_requirements_txt():
    conda = conda_pins()
    assert conda.pop("python") == "3.11"
    assert conda == pip_pins()


def test_requirements_cover_pyproject_dependencies_and_the_lock():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = {
        canon(re.split(r"[<>=!~ ]", d)[0]) for d in project["dependencies"] + project["optional-dependencies"]["test"]
    }
    assert declared == set(pip_pins())
    lock = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==")
            lock[canon(name)] = version
    for name, version in pip_pins().items():
        assert lock.get(name) == version, f"constraints.txt pins {name} {lock.get(name)}, requirements {version}"
