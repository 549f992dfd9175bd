import { gunzipSync } from 'node:zlib';
import type { FirehoseTransformationEvent } from 'aws-lambda';
import { readConfig } from '../../src/config';
import { type BatchOutcome, createProcessor } from '../../src/firehose';
import { firehoseEvent, type RecordInput } from './firehose-event';

export type Env = Record<string, string>;

export function runBatch(event: FirehoseTransformationEvent, env: Env = {}): BatchOutcome {
  return createProcessor(readConfig(env))(event);
}

/**
 * The events of one Ok record's data, checking the line framing OpenObserve needs
 * (docs/contracts.md §5); gzip-compressed data is read as OpenObserve reads it, inflated.
 */
export function eventsOf(data: string): Record<string, unknown>[] {
  const bytes = Buffer.from(data, 'base64');
  const text = (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString(
    'utf8',
  );
  if (!text.endsWith('\n') || text.endsWith('\n\n')) {
    throw new Error(`record must end with exactly one newline: ${JSON.stringify(text.slice(-20))}`);
  }
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => {
      if (!line.startsWith('{\t')) throw new Error(`line does not start with {\\t: ${line}`);
      const event = JSON.parse(line) as Record<string, unknown>;
      // Written as JSON.stringify writes the object it reads as: no key twice (a reader keeps the
      // last, and the other value is lost), nothing written another way.
      if (`{\t${JSON.stringify(event).slice(1)}` !== line) {
        throw new Error(`line is not the JSON of the event it reads as (a key twice?): ${line}`);
      }
      return event;
    });
}

/** Runs records through a processor with `env` and returns every event of every Ok record. */
export function transform(inputs: RecordInput[], env: Env = {}): Record<string, unknown>[] {
  const { response } = runBatch(firehoseEvent(inputs), env);
  return response.records.flatMap((record) =>
    record.result === 'Ok' ? eventsOf(record.data ?? '') : [],
  );
}

/** The one event a single line turns into. */
export function eventOf(line: string, env: Env = {}): Record<string, unknown> {
  const events = transform([{ text: line }], env);
  if (events.length !== 1) throw new Error(`expected one event, got ${events.length}`);
  return events[0] as Record<string, unknown>;
}
