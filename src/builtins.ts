/**
 * Node.js modules the function needs for some records only, loaded on first use rather than at
 * init: zlib for gzip records and compressed outputs, net to truncate or redact addresses. Each
 * loads Node's streams, about 2 ms of a cold start, which a stage's plain access-log lines never
 * need. process.getBuiltinModule (Node.js 20.16 and later) loads a built-in module synchronously,
 * so the record transform stays synchronous.
 */
export const zlib = (): typeof import('node:zlib') => process.getBuiltinModule('node:zlib');

export const net = (): typeof import('node:net') => process.getBuiltinModule('node:net');
