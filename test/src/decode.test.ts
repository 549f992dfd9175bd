import { gzipSync } from 'node:zlib';
import { asBase64, decodeRecord, MAX_DECOMPRESSED_BYTES, splitLines } from '../../src/decode';

const b64 = (value: string | Uint8Array) => Buffer.from(value).toString('base64');

describe('asBase64', () => {
  it('keeps standard base64 and encodes anything else, base64url included', () => {
    expect(asBase64('aGk=')).toBe('aGk=');
    // Buffer.from reads `-` and `_` as base64url; Firehose's response takes standard base64 only.
    expect(asBase64('A/--')).toBe(Buffer.from('A/--').toString('base64'));
    expect(asBase64('a_b=')).toBe(Buffer.from('a_b=').toString('base64'));
    expect(asBase64(42)).toBe('');
  });
});

describe('splitLines', () => {
  it('splits on \\n and \\r\\n and skips blank lines', () => {
    expect(splitLines('a\r\nb\n\n  \nc\n')).toEqual(['a', 'b', 'c']);
  });
  it('ignores a byte order mark', () => {
    expect(splitLines('\uFEFFRequestId: x')).toEqual(['RequestId: x']);
  });
});

describe('decodeRecord', () => {
  it('decodes plain UTF-8 lines', () => {
    expect(decodeRecord(b64('héllo\nwörld'))).toEqual({ kind: 'lines', lines: ['héllo', 'wörld'] });
  });

  it('gunzips gzip data', () => {
    expect(decodeRecord(b64(gzipSync('one\ntwo')))).toEqual({
      kind: 'lines',
      lines: ['one', 'two'],
    });
  });

  it('reads a CloudWatch Logs DATA_MESSAGE into lines with their times and envelope', () => {
    const envelope = {
      messageType: 'DATA_MESSAGE',
      owner: '123456789012',
      logGroup: '/aws/apigw',
      logStream: 'stream',
      subscriptionFilters: ['f'],
      logEvents: [
        { id: '1', timestamp: 1000, message: 'first\n' },
        { id: '2', timestamp: 2000, message: 'second' },
        { id: '3', timestamp: 3000, message: '' },
      ],
    };
    expect(decodeRecord(b64(gzipSync(JSON.stringify(envelope))))).toEqual({
      kind: 'lines',
      lines: ['first', 'second'],
      timesMs: [1000, 2000],
      envelope: { log_group: '/aws/apigw', log_stream: 'stream', owner: '123456789012' },
    });
  });

  it('drops a CloudWatch Logs CONTROL_MESSAGE', () => {
    const control = { messageType: 'CONTROL_MESSAGE', owner: 'CloudwatchLogs', logEvents: [] };
    expect(decodeRecord(b64(gzipSync(JSON.stringify(control))))).toMatchObject({ kind: 'nothing' });
  });

  it('has nothing to deliver for an empty or blank record', () => {
    expect(decodeRecord('')).toMatchObject({ kind: 'nothing' });
    expect(decodeRecord(b64('\n\r\n '))).toMatchObject({ kind: 'nothing' });
  });

  it('keeps data that is not base64 as it was given', () => {
    expect(decodeRecord('not base64!')).toEqual({
      kind: 'unreadable',
      reason: 'record data is not valid base64',
      message: 'not base64!',
      bytes: false,
    });
    expect(decodeRecord('QUJD!')).toMatchObject({ kind: 'unreadable' });
  });

  it('keeps binary and invalid UTF-8 as base64 of its bytes', () => {
    const bytes = Uint8Array.from([0xc3, 0x28, 0x41]);
    expect(decodeRecord(b64(bytes))).toMatchObject({
      kind: 'unreadable',
      message: b64(bytes),
      bytes: true,
    });
    expect(decodeRecord(b64('a\u0000b'))).toMatchObject({ kind: 'unreadable' });
  });

  it('accepts a real U+FFFD in valid UTF-8', () => {
    expect(decodeRecord(b64('bad char \uFFFD here'))).toEqual({
      kind: 'lines',
      lines: ['bad char \uFFFD here'],
    });
  });

  it('keeps truncated gzip data whole', () => {
    const gzipped = gzipSync('RequestId: x, Status: 200');
    const truncated = b64(gzipped.subarray(0, 12));
    expect(decodeRecord(truncated)).toEqual({
      kind: 'unreadable',
      reason: 'gzip data is corrupt or truncated',
      message: truncated,
      bytes: true,
    });
  });

  it('stops a gzip bomb at the decompression cap', () => {
    const bomb = gzipSync(Buffer.alloc(MAX_DECOMPRESSED_BYTES + 1, 0x61));
    expect(bomb.length).toBeLessThan(100_000);
    expect(decodeRecord(b64(bomb))).toMatchObject({ kind: 'too_large' });
  });
});
