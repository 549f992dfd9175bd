/**
 * Each line of a record to its event: the writer for a line the configured format reads one way
 * (write.ts), else the object path (object-path.ts: the fields object through enrich → rules →
 * encode), loaded when first needed (on-demand.ts).
 */
import type { Config } from './config';
import { hasRules } from './config';
import { count } from './counts';
import { type DecodedRecord, executionLogGroup } from './decode';
import type { LineContext, Origin } from './enrich';
import { compileConfigured } from './formats/known';
import { type ObjectPath, objectPath } from './on-demand';
import { eventsFull, type RecordEvents } from './outcome';
import { lineTime } from './time';
import { createEventWriter } from './write';

export type DecodedLines = Extract<DecodedRecord, { kind: 'lines' }>;

const startsWithParenthesis = (line: string | undefined) => line?.charCodeAt(0) === 40;

export interface RouteOptions {
  /**
   * Whether lines the configured format reads one way are written straight from the line; false
   * sends every line through the fields object (the tests compare the two).
   */
  readonly writer?: boolean;
}

type Steps = ReturnType<ObjectPath['createObjectSteps']>;

/** The lines of a record to their events, each through the writer when it covers the line. */
export function createLineRouter(config: Config, { writer = true }: RouteOptions = {}) {
  const configured = compileConfigured(config.logFormat);
  const withRules = hasRules(config.rules);
  // Rules need each event's fields: with any set, every line takes the object path.
  const writeEvent = withRules || !writer ? undefined : createEventWriter(configured, config);
  const written = configured.name;
  let steps: Steps | undefined;
  /** The object path of this configuration, made on first use (NotLoaded until it is loaded). */
  const objectSteps = () => {
    steps ??= objectPath().createObjectSteps(config, configured, withRules);
    return steps;
  };

  const readLines = (
    events: RecordEvents,
    decoded: DecodedLines,
    arrivalMs: number,
    origin: Origin | undefined,
  ) => {
    const { timesMs, envelope } = decoded;
    const group = envelope && executionLogGroup(envelope.log_group);
    if (group) {
      objectSteps().readExecutionGroup(events, decoded, group, { arrivalMs, origin });
      return;
    }
    let { lines } = decoded;
    // A plain record that starts like an execution log and has a line that does not: a message
    // of several lines is one line. A record of `(` lines alone (an access log whose format
    // starts so, too) needs no object path for that.
    if (!timesMs && startsWithParenthesis(lines[0]) && !lines.every(startsWithParenthesis)) {
      lines = objectSteps().joinContinuations(lines);
    }
    // Plain records share one context, made for the first line that needs it; CloudWatch lines
    // each carry their own time.
    let recordContext: LineContext | undefined;
    for (let i = 0; i < lines.length && !eventsFull(events); i++) {
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
      objectSteps().readOther(events, line, recordContext ?? { fallbackTimeMs, envelope, origin });
    }
  };
  const unparsedLine = (...args: Parameters<Steps['unparsedLine']>) =>
    objectSteps().unparsedLine(...args);
  return { readLines, unparsedLine, withRules };
}
