#!/usr/bin/env bash
# One-time set-up on a fresh machine: system libraries, the .venv with every dependency,
# the project's Jupyter kernel, and the stores. Safe to run again; it skips what is done.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
SYSTEM_PACKAGES=(libblas3 liblapack3 libgomp1 chromium fonts-dejavu-core strace iproute2 util-linux
  tesseract-ocr tesseract-ocr-eng tesseract-ocr-spa tesseract-ocr-deu tesseract-ocr-fra tesseract-ocr-por)

missing_system_packages() {
  for pkg in "${SYSTEM_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || echo "$pkg"
  done
}

missing=$(missing_system_packages || true)
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing system packages: $missing"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
  else
    echo "setup: please install these system packages first: $missing" >&2
    echo "       (Debian/Ubuntu: sudo apt-get install $missing)" >&2
  fi
fi

if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PYTHON" -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip
fi

stamp=.venv/.chatbook-installed
# Install again when the project's build files or the compiled part's source changed since the
# last install (the editable install builds toolkit/ingest/_fastloop.c in place, see setup.py),
# or when that module is missing (a fresh worktree, `git clean`) and a C compiler is here.
needs_install() {
  [ ! -f "$stamp" ] && return 0
  for source in pyproject.toml setup.py toolkit/ingest/_fastloop.c; do
    [ "$source" -nt "$stamp" ] && return 0
  done
  if ! compgen -G "toolkit/ingest/_fastloop*.so" >/dev/null && command -v "${CC:-cc}" >/dev/null; then
    return 0
  fi
  return 1
}
if needs_install; then
  echo "setup: installing chatbook and its dependencies into .venv (a few minutes the first time)"
  # setuptools tells every editable install, as a warning, that a folder named like the package
  # may shadow it: a dozen lines of noise per install here, so that one notice is filtered.
  PYTHONWARNINGS="ignore:Editable installation" .venv/bin/python -m pip install -q -e '.[all,dev]'
  touch "$stamp"
fi

# The `chatbook` kernel spec inside the venv, for JupyterLab, Voila and the tests that call
# papermill by kernel name (`chatbook run` needs none: it starts this interpreter's kernel).
.venv/bin/python -m ipykernel install --sys-prefix --name chatbook --display-name "chatbook (.venv)" >/dev/null

.venv/bin/chatbook init >/dev/null
echo "setup: done"
