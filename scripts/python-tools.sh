#!/usr/bin/env bash
# Installs the pinned Python tools (requirements-dev.txt: SAM CLI, cfn-lint, moto) into
# node_modules/.venv, once per version of that file and of Python. Kept under node_modules so that `sam build`
# never copies it into a build and git never sees it.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=node_modules/.venv
stamp="$venv/.requirements.sha256"
# The pinned tools need Python 3.11 or newer (pyarrow, for DataFusion); a venv made by another Python
# is made again.
# Debian and Ubuntu ship the venv module without ensurepip (their python3-venv), which it needs.
if ! python3 -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "python3 $(python3 -c 'import sys; print(sys.version.split()[0])' 2>/dev/null || echo 'is missing') here: the tests need Python 3.11 or newer with its venv module (Debian, Ubuntu: python3-venv)" >&2
  exit 1
fi
want="$(sha256sum requirements-dev.txt | cut -d' ' -f1) $(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
echo "Installing Python tools from requirements-dev.txt into $venv ..."
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r requirements-dev.txt
echo "$want" > "$stamp"
