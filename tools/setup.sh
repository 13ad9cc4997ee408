#!/usr/bin/env bash
# Set up layerlab on a Debian or Ubuntu machine: the system packages it lacks,
# a virtualenv in .venv, and the app itself. Safe to run again: it only
# installs what is missing.
#
#   bash tools/setup.sh          what the app needs (Graphviz, a CJK font)
#   bash tools/setup.sh --test   ... plus what the tests need (Chromium, busybox, docker.io, skopeo, umoci)
set -euo pipefail
cd "$(dirname "$0")/.."

with_tests=0
[ "${1:-}" = "--test" ] && with_tests=1

missing=()
command -v dot >/dev/null 2>&1 || missing+=(graphviz)
if ! { command -v fc-list >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; }; then
  missing+=(fonts-noto-cjk fontconfig)
fi
python3 -c "import ensurepip, venv" >/dev/null 2>&1 || missing+=(python3-venv)
ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || missing+=(libpango-1.0-0 libpangoft2-1.0-0)  # WeasyPrint's PDFs
if [ "$with_tests" = 1 ]; then
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  [ -x /bin/busybox ] || missing+=(busybox-static)
  command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
  [ -x /usr/sbin/dockerd ] && [ -x /usr/bin/docker ] || missing+=(docker.io)
  command -v skopeo >/dev/null 2>&1 || missing+=(skopeo)
  command -v umoci >/dev/null 2>&1 || missing+=(umoci)
fi

if [ "${#missing[@]}" -gt 0 ]; then
  echo "layerlab setup: installing ${missing[*]}"
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "layerlab needs: Graphviz (dot), the Noto Sans CJK font, and for the tests Chromium." >&2
    echo "Install them with your system's package manager, e.g. on Fedora: sudo dnf install graphviz google-noto-sans-cjk-fonts chromium" >&2
    exit 1
  fi
  if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "layerlab setup: run as root or install sudo, or install yourself: apt-get install ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "layerlab needs Python 3.11 or newer")'
[ -x .venv/bin/python ] || python3 -m venv .venv
extra=""
[ "$with_tests" = 1 ] && extra="[test]"
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".${extra}"
echo "layerlab setup: ready"
