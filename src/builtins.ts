/**
 * Node.js modules the function needs for some records only, loaded on first use rather than at
 * init: zlib for gzip records and compressed outputs, net to truncate or redact addresses. Each
 * loads Node's streams, about 2 ms of a cold start, which a stage's plain access-log lines never
 * need. process.getBuiltinModule (Node.js 20.16 and later) loads a built-in module synchronously,
 * so the record transform stays synchronous; each module is kept once loaded, since net is asked
 * for once per address.
 */
let zlibModule: typeof import('node:zlib') | undefined;
let netModule: typeof import('node:net') | undefined;

export const zlib = (): typeof import('node:zlib') =>
  (zlibModule ??= process.getBuiltinModule('node:zlib'));

export const net = (): typeof import('node:net') =>
  (netModule ??= process.getBuiltinModule('node:net'));
