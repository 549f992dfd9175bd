#!/usr/bin/env bash
# Installs the pinned Python tools (requirements-dev.txt: SAM CLI, cfn-lint, moto) into
# node_modules/.venv, once per version of that file. Kept under node_modules so that `sam build`
# never copies it into a build and git never sees it.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=node_modules/.venv
stamp="$venv/.requirements.sha256"
want=$(sha256sum requirements-dev.txt | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi
echo "Installing Python tools from requirements-dev.txt into $venv ..."
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r requirements-dev.txt
echo "$want" > "$stamp"
