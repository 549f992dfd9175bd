/**
 * The object path: a line's fields object through enrich → rules → encode, for every line the
 * writer (write.ts) does not cover: an execution-log line (a stage's log group, a log delivery's
 * records, bare), a line LOG_FORMAT does not read one way (the formats' reading, parse.ts), and
 * every line when a rule is set. A line not read, or read more than one way, is kept whole as
 * `message` with what is sure. A chunk of its own, loaded when first needed (on-demand.ts); what
 * the settings need of it at init (the rules' parsers) comes from here too.
 */
import type { Config } from './config';
import { count, type RecordCounts, type Tally } from './counts';
import { encodeEvent } from './encode';
import type { LineContext, Origin } from './enrich';
import { createEnricher, createTextEnricher, type Enricher } from './enricher';
import {
  cutFailureReason,
  executionEvent,
  readExecutionRecord,
  splitExecutionLine,
} from './execution';
import type { Fields } from './fields';
import { Ambiguous, type CompiledFormat } from './formats/compile';
import { eventsFull, type RecordEvents } from './outcome';
import { createOtherReader, type LineReader } from './parse';
import type { DecodedLines } from './route';
import { applyRules } from './rules';
import { lineTime } from './time';

export { eventFields } from './parse';
export {
  compileUserPatterns,
  parseDropEvents,
  parseDropFields,
  parseRedact,
  parseSample,
} from './rules';

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
function createEventSteps(config: Config, withRules: boolean) {
  // Objects to the rules with a rule set; else the events' text, as the writer makes it. No
  // reading gives a name the processor writes: LOG_FORMAT's variables are read into other names
  // (compile.ts's variableField), the other readings keep such a name in `message`.
  const asText = !withRules;
  const enrich = asText ? undefined : createEnricher(config);
  const enrichText = asText ? createTextEnricher(config) : undefined;
  /** A line's fields, enriched, through the rules, to the record's text. */
  const keepEvent = (into: RecordEvents, fields: Fields, format: string, context: LineContext) => {
    if (!withRules) {
      let tail = '';
      if (enrichText) tail = enrichText(fields, format, context);
      else (enrich as Enricher)(fields, format, context);
      cutFailureReason(fields);
      into.text += `${encodeEvent(fields, 1, tail)}\n`;
      into.lines++;
      count(into.byFormat, format);
      return;
    }
    (enrich as Enricher)(fields, format, context);
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
    cutFailureReason(fields);
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
    keepEvent(into, fields, 'raw', context);
  };
  return { keepEvent, unparsedLine };
}

type EventSteps = ReturnType<typeof createEventSteps>;

/**
 * An execution-log line's context with its time in the order written. API Gateway writes many
 * lines of a request in one millisecond, and OpenObserve sorts by `_timestamp` (microseconds):
 * lines of one record that share a millisecond get consecutive microseconds (at most 999).
 */
function inOrder(events: RecordEvents, context: LineContext): LineContext {
  const ms = context.fallbackTimeMs;
  if (ms !== events.executionMs) {
    events.executionMs = ms;
    events.executionSeq = 0;
    return context;
  }
  if (events.executionSeq < 999) events.executionSeq++;
  const { envelope, origin } = context;
  return { fallbackTimeMs: ms + events.executionSeq / 1000, envelope, origin };
}

/** Whether the configured format reads a line one way. */
const readsOneWay = (configured: CompiledFormat, line: string) => {
  const own = configured.parse(line);
  return own !== undefined && !(own instanceof Ambiguous);
};

/**
 * A plain record's lines, each line that does not start with `(` joined to the execution-log line
 * before it: a log delivery's PLAIN record of a message of several lines (a function's error and
 * its stack) is one event, as in the stage's log group. A line the configured format reads is an
 * access-log line, which nothing continues.
 */
function joinContinuations(configured: CompiledFormat) {
  return (lines: readonly string[]): readonly string[] => {
    // Made at the first line joined: a record with none is returned as it is.
    let joined: string[] | undefined;
    // Whether a line may continue the last line kept: asked only when one does not start with
    // `(`, so that a record of execution-log lines costs a character a line here.
    let open: boolean | undefined;
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i] as string;
      if (line.charCodeAt(0) !== 40 /* ( */) {
        const last = (joined ? joined[joined.length - 1] : lines[i - 1]) as string;
        open ??= splitExecutionLine(last) !== undefined && !readsOneWay(configured, last);
        if (open) {
          joined ??= lines.slice(0, i);
          joined[joined.length - 1] += `\n${line}`;
          continue;
        }
      }
      joined?.push(line);
      open = undefined;
    }
    return joined ?? lines;
  };
}

/**
 * One line the writer does not cover: one LOG_FORMAT reads (one it reads more than one way is kept
 * whole, never read otherwise), else an execution-log line, else read by the formats. LOG_FORMAT
 * first, as the writer reads it: a format may itself start like an execution-log line
 * (`($context.requestId) …`), and a rule must not change how a line reads.
 */
function createObjectPath(configured: CompiledFormat, readOthers: LineReader, steps: EventSteps) {
  const { keepEvent, unparsedLine } = steps;
  return (events: RecordEvents, line: string, context: LineContext) => {
    const own = configured.parse(line);
    if (own instanceof Ambiguous) {
      // Read more than one way: no other reading may take it (a client's text could pose as an
      // execution-log line in it), it is kept whole.
      unparsedLine(events, line, own.reason, context, own.agreed);
      return;
    }
    if (own !== undefined) {
      keepEvent(events, own, configured.name, context);
      return;
    }
    const execution = readExecutionRecord(line);
    if (execution) {
      const timed =
        execution.timeMs === undefined
          ? context
          : { ...context, fallbackTimeMs: lineTime(execution.timeMs, context.fallbackTimeMs) };
      keepEvent(events, execution.fields, 'execution', inOrder(events, timed));
      return;
    }
    const read = readOthers(line);
    if (read.ok) {
      keepEvent(events, read.fields, read.format, context);
    } else {
      unparsedLine(events, line, read.reason, context, read.agreed);
    }
  };
}

/**
 * The lines of a stage's execution log group (`API-Gateway-Execution-Logs_{api}/{stage}`): each
 * `(<request id>) <message>`, with the group's API and stage (docs/contracts.md §8).
 */
function createExecutionGroup({ keepEvent, unparsedLine }: EventSteps) {
  return (
    events: RecordEvents,
    decoded: DecodedLines,
    source: { api_id: string; stage: string },
    base: { arrivalMs: number; origin?: Origin },
  ) => {
    const { lines, timesMs, envelope } = decoded;
    for (let i = 0; i < lines.length && !eventsFull(events); i++) {
      const line = lines[i] as string;
      const fallbackTimeMs = timesMs ? lineTime(timesMs[i], base.arrivalMs) : base.arrivalMs;
      const context: LineContext = { fallbackTimeMs, envelope, origin: base.origin };
      const fields = executionEvent(line, source);
      if (fields) {
        keepEvent(events, fields, 'execution', inOrder(events, context));
      } else
        unparsedLine(events, line, 'not an execution-log line: (<request id>) <message>', context);
    }
  };
}

/**
 * The object path of one configuration, made once: `readOther` for a line of a plain or CloudWatch
 * record, `readExecutionGroup` for the lines of a stage's execution log group, `joinContinuations`
 * for a plain record that starts like an execution log, `unparsedLine` for a line or record
 * nothing reads.
 */
export function createObjectSteps(config: Config, configured: CompiledFormat, withRules: boolean) {
  const steps = createEventSteps(config, withRules);
  return {
    readOther: createObjectPath(configured, createOtherReader(config.logFormat), steps),
    readExecutionGroup: createExecutionGroup(steps),
    joinContinuations: joinContinuations(configured),
    unparsedLine: steps.unparsedLine,
  };
}
