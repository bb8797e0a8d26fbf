# Shared by run.sh and test.sh: make .venv with Python 3.11 and install a requirements file.
# Usage: source scripts/bootstrap.sh requirements.txt
set -euo pipefail
PYTHON="${PYTHON:-$(command -v python3.11 || command -v python3)}"
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
  echo "Python 3.11 is required; found $("$PYTHON" --version 2>&1) at $PYTHON (set PYTHON=...)" >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  echo "== Creating .venv with $("$PYTHON" --version)"
  "$PYTHON" -m venv .venv
fi
echo "== Installing $1"
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$1"
