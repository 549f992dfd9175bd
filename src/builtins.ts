/**
 * Node.js modules the function needs for some records or settings only, loaded on first use rather
 * than at init: zlib for gzip records and compressed outputs, net to truncate or redact addresses,
 * crypto to hash them (SOURCE_IP=hash). Each loads Node's streams, about 2 ms of a cold start
 * (crypto 4-9 ms), which a stage's plain access-log lines never need. process.getBuiltinModule
 * (Node.js 20.16 and later) loads a built-in module synchronously, so the record transform stays
 * synchronous; each module is kept once loaded, since net is asked for once per address.
 */
let zlibModule: typeof import('node:zlib') | undefined;
let netModule: typeof import('node:net') | undefined;
let cryptoModule: typeof import('node:crypto') | undefined;

export const zlib = (): typeof import('node:zlib') =>
  (zlibModule ??= process.getBuiltinModule('node:zlib'));

export const net = (): typeof import('node:net') =>
  (netModule ??= process.getBuiltinModule('node:net'));

export const nodeCrypto = (): typeof import('node:crypto') =>
  (cryptoModule ??= process.getBuiltinModule('node:crypto'));
