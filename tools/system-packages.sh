#!/bin/sh
# Make sure the Debian packages listed in system-packages.txt are installed, before any test runs.
# Installs what is missing (apt-get as root, else `sudo -n apt-get`), once, saying what and why;
# where it cannot, stops with one sentence naming the package and the command to install it.
# Usage: tools/system-packages.sh [--check]   (--check: report only, never install)
set -eu
here=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
list="${MVD_SYSTEM_PACKAGES:-$here/system-packages.txt}"
check_only=no; [ "${1:-}" = "--check" ] && check_only=yes

have() {  # a program name on PATH, or an absolute path (glob allowed)
  case "$1" in
    /*) for f in $1; do [ -x "$f" ] && return 0; done; return 1 ;;
    *) command -v "$1" >/dev/null 2>&1 ;;
  esac
}

missing=""; why=""
while read -r pkg prog reason; do
  case "$pkg" in ''|'#'*) continue ;; esac
  if ! have "$prog"; then
    missing="$missing $pkg"; why="$why; $pkg ($reason)"
  fi
done < "$list"
missing=${missing# }; why=${why#; }
[ -z "$missing" ] && exit 0

if [ "$check_only" = yes ]; then
  echo "missing Debian packages: $why" >&2; exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "make test needs the Debian package(s) $missing, and this machine has no apt-get: install them with your system's package manager (Debian/Ubuntu: sudo apt-get install -y $missing), then run make test again." >&2
  exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
  as=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
  as="sudo -n"
else
  echo "make test needs the Debian package(s) $missing and cannot install them (not root, no password-less sudo): run  sudo apt-get install -y $missing  then run make test again." >&2
  exit 1
fi

echo "== installing Debian package(s) $missing for the tests: $why"
$as apt-get -o DPkg::Lock::Timeout=300 update -qq >/dev/null
if ! DEBIAN_FRONTEND=noninteractive $as apt-get -o DPkg::Lock::Timeout=300 install -y -qq $missing >/dev/null; then
  echo "installing $missing with apt-get failed (output above): fix that, or run  sudo apt-get install -y $missing  by hand, then run make test again." >&2
  exit 1
fi
still=""
while read -r pkg prog reason; do
  case "$pkg" in ''|'#'*) continue ;; esac
  have "$prog" || still="$still $pkg"
done < "$list"
if [ -n "$still" ]; then
  echo "apt-get reported success but the program(s) of$still are still not found: check that they are on PATH, then run make test again." >&2
  exit 1
fi
