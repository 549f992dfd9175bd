/**
 * Each line of a record to its event: the writer for a line the configured format reads one way
 * (write.ts), else the fields object: an execution-log line (a stage's log group, a log
 * delivery's records, bare), or the formats' reading (parse.ts); then enrich → rules → encode. A
 * line not read, or read more than one way, is kept whole as `message` with what is sure.
 */
import type { Config } from './config';
import { count, type RecordCounts, type Tally } from './counts';
import type { DecodedRecord } from './decode';
import { encodeEvent } from './encode';
import { createEnricher, type LineContext, type Origin } from './enrich';
import { executionEvent, executionLogGroup, readExecutionRecord } from './execution';
import type { Fields } from './fields';
import type { RecordEvents } from './outcome';
import { compileConfigured, createLineReader, type LineReader } from './parse';
import { applyRules, hasRules } from './rules';
import { MAX_EVENT_TIME_MS } from './time';
import { createEventWriter } from './write';

export type DecodedLines = Extract<DecodedRecord, { kind: 'lines' }>;

export interface RouteOptions {
  /**
   * Whether lines the configured format reads one way are written straight from the line; false
   * sends every line through the fields object (the tests compare the two).
   */
  readonly writer?: boolean;
}

/** A CloudWatch event time that `_timestamp` (µs) can hold exactly; else Firehose's arrival. */
function lineTime(time: number | undefined, fallback: number): number {
  return time !== undefined && time >= 0 && time <= MAX_EVENT_TIME_MS ? time : fallback;
}

/** A tally of a record's counts, made when first needed. */
function tallyOf(counts: RecordCounts, key: 'droppedBy' | 'sampledOutBy' | 'redactedBy'): Tally {
  let tally = counts[key];
  if (!tally) {
    tally = {};
    counts[key] = tally;
  }
  return tally;
}

/**
 * The per-line steps of one configuration: an enriched event through DROP_EVENTS, SAMPLE, REDACT
 * and DROP_FIELDS, then encoded; a line not read, or read more than one way, kept whole as
 * `message` with what is sure (ON_PARSE_ERROR=keep).
 */
function createEventSteps(config: Config) {
  const withRules = hasRules(config.rules);
  const enrich = createEnricher(config);
  const keepEvent = (into: RecordEvents, fields: Fields, format: string) => {
    if (!withRules) {
      into.text += `${encodeEvent(fields, 1)}\n`;
      into.lines++;
      count(into.byFormat, format);
      return;
    }
    const counts = into.counts;
    counts.eventsIn++;
    const verdict = applyRules(fields, config.rules);
    if (!verdict.kept) {
      if (verdict.droppedBy !== undefined) {
        counts.eventsDropped++;
        count(tallyOf(counts, 'droppedBy'), verdict.droppedBy);
      } else {
        counts.eventsSampledOut++;
        count(tallyOf(counts, 'sampledOutBy'), verdict.sampledOutBy ?? '');
      }
      return;
    }
    if (verdict.redactedBy.length > 0) {
      counts.eventsRedacted++;
      for (const name of verdict.redactedBy) count(tallyOf(counts, 'redactedBy'), name);
    }
    into.text += `${encodeEvent(fields, verdict.sampleRate)}\n`;
    into.lines++;
    count(into.byFormat, format);
  };
  const unparsedLine = (
    into: RecordEvents,
    message: string,
    parseError: string,
    context: LineContext,
    agreed?: Fields,
  ) => {
    into.unparsed++;
    if (config.onParseError !== 'keep') return;
    const fields = agreed
      ? { ...agreed, message, parse_error: parseError }
      : { message, parse_error: parseError };
    keepEvent(into, enrich(fields, 'raw', context), 'raw');
  };
  return { withRules, enrich, keepEvent, unparsedLine };
}

type EventSteps = ReturnType<typeof createEventSteps>;

/** One line the writer does not cover: an execution-log line, else read by the formats. */
function createObjectPath(readLine: LineReader, steps: EventSteps) {
  const { enrich, keepEvent, unparsedLine } = steps;
  return (events: RecordEvents, line: string, context: LineContext) => {
    const execution = readExecutionRecord(line);
    if (execution) {
      const timed =
        execution.timeMs === undefined
          ? context
          : { ...context, fallbackTimeMs: lineTime(execution.timeMs, context.fallbackTimeMs) };
      keepEvent(events, enrich(execution.fields, 'execution', timed), 'execution');
      return;
    }
    const read = readLine(line);
    if (read.ok) {
      keepEvent(events, enrich(read.fields, read.format, context), read.format);
    } else {
      unparsedLine(events, line, read.reason, context, read.agreed);
    }
  };
}

/**
 * The lines of a stage's execution log group (`API-Gateway-Execution-Logs_{api}/{stage}`): each
 * `(<request id>) <message>`, with the group's API and stage (docs/contracts.md §8).
 */
function createExecutionGroup({ enrich, keepEvent, unparsedLine }: EventSteps) {
  return (
    events: RecordEvents,
    decoded: DecodedLines,
    source: { api_id: string; stage: string },
    base: { arrivalMs: number; origin?: Origin },
  ) => {
    const { lines, timesMs, envelope } = decoded;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as string;
      const fallbackTimeMs = timesMs ? lineTime(timesMs[i], base.arrivalMs) : base.arrivalMs;
      const context: LineContext = { fallbackTimeMs, envelope, origin: base.origin };
      const fields = executionEvent(line, source);
      if (fields) keepEvent(events, enrich(fields, 'execution', context), 'execution');
      else
        unparsedLine(events, line, 'not an execution-log line: (<request id>) <message>', context);
    }
  };
}

/** The lines of a record to their events, each through the writer when it covers the line. */
export function createLineRouter(config: Config, { writer = true }: RouteOptions = {}) {
  const configured = compileConfigured(config.logFormat);
  const steps = createEventSteps(config);
  const readOther = createObjectPath(createLineReader(config.logFormat, configured), steps);
  const readExecutionGroup = createExecutionGroup(steps);
  // Rules need each event's fields: with any set, every line takes the object path.
  const writeEvent = steps.withRules || !writer ? undefined : createEventWriter(configured, config);
  const written = configured.name;

  const readLines = (
    events: RecordEvents,
    decoded: DecodedLines,
    arrivalMs: number,
    origin: Origin | undefined,
  ) => {
    const { lines, timesMs, envelope } = decoded;
    const group = envelope && executionLogGroup(envelope.log_group);
    if (group) return readExecutionGroup(events, decoded, group, { arrivalMs, origin });
    // Plain records share one context, made for the first line that needs it; CloudWatch lines
    // each carry their own time.
    let recordContext: LineContext | undefined;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i] as string;
      const fallbackTimeMs = timesMs ? lineTime(timesMs[i], arrivalMs) : arrivalMs;
      const event = writeEvent?.(line, fallbackTimeMs, envelope, origin);
      if (event !== undefined) {
        events.text += event;
        events.lines++;
        count(events.byFormat, written);
        continue;
      }
      if (!timesMs) recordContext ??= { fallbackTimeMs: arrivalMs, envelope, origin };
      readOther(events, line, recordContext ?? { fallbackTimeMs, envelope, origin });
    }
  };
  return { readLines, unparsedLine: steps.unparsedLine, withRules: steps.withRules };
}
