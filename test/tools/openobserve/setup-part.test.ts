import { whoWrites } from '../../../tools/openobserve/setup/part';

describe('whoWrites', () => {
  it('sends a user to the format for fields a line gives, and says replayed events lack the stream’s', () => {
    expect(whoWrites(['waf_response_code'])).toBe(
      'the recommended access-log format writes waf_response_code: docs/reference.md',
    );
    // After a backfill by replay alone: no format writes these, only events through Firehose.
    expect(whoWrites(['aws_account_id', 'aws_region'])).toBe(
      'the processor writes aws_account_id, aws_region from the delivery stream: events that came through Firehose have them, events a replay sent do not',
    );
    expect(whoWrites(['aws_region', 'path'])).toBe(
      'the recommended access-log format writes path: docs/reference.md; the processor writes aws_region from the delivery stream: events that came through Firehose have them, events a replay sent do not',
    );
    // No format writes these: the processor does, on the events that need them.
    expect(whoWrites(['sample_rate', 'status', 'parse_error'])).toBe(
      'the recommended access-log format writes status: docs/reference.md; the processor writes sample_rate, parse_error on some events (a line it could not read, an event a SAMPLE rule kept)',
    );
  });
});
