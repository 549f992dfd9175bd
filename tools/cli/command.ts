/**
 * The one shape of every user command: a module in tools/commands/ exports a `Command`: its
 * option table (options.ts) and `run`, which gets the checked values and an Io and resolves to
 * the exit status. `tools/run.ts <name>` runs it. Exit statuses are the same everywhere: 0 done
 * (or nothing to do), 1 something is wrong, refused, failed or read back otherwise, 2 usage.
 */
import { RefusedError, StoppedError, UsageError } from './errors';
import { type Io, terminalIo } from './io';
import {
  type CommandLine,
  type CommandSpec,
  type Options,
  parseCommandLine,
  usage,
} from './options';
import type { PartlyApplied } from './plan';

export const EXIT = { done: 0, wrong: 1, usage: 2 } as const;

export interface Command<T extends Options = Options> {
  readonly spec: CommandSpec<T>;
  /** Where people's lines go on a terminal: `stderr` for a command whose standard output is data. */
  readonly logTo?: 'stderr';
  run(line: CommandLine<T>, io: Io): Promise<number>;
}

/** Keeps the option table's types for `run`. */
export const defineCommand = <T extends Options>(command: Command<T>): Command<T> => command;

/**
 * AWS's refusals of the credentials themselves: none found, expired, not valid, not allowed. As
 * OpenObserve's 401 and 403 are, they are the command's `refused` (what the user must fix), not a
 * failure of the command.
 */
const AWS_REFUSALS = new Set([
  'CredentialsProviderError',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'AccessDenied',
  'AccessDeniedException',
]);

/** What ended a command, as `--json` gives it: `{ "error": kind, "message": … }`. */
function errorKind(error: unknown): 'usage' | 'refused' | 'stopped' | 'failed' {
  if (error instanceof UsageError) return 'usage';
  if (error instanceof RefusedError) return 'refused';
  if (AWS_REFUSALS.has((error as { name?: unknown } | undefined)?.name as string)) return 'refused';
  return error instanceof StoppedError ? 'stopped' : 'failed';
}

/**
 * How an error ends a command: a usage error shows the usage; the rest say why in one line. Under
 * `--json`, when the command has not given its document yet, the error is that document.
 */
function report(error: unknown, command: Command<never>, json?: Io['json']): number {
  const message = (error as Error).message;
  const kind = errorKind(error);
  // A plan that had applied some of its changes says which (runPlan).
  const partly = (error as { partly?: PartlyApplied } | undefined)?.partly;
  json?.({ error: kind, message, ...partly });
  if (kind === 'usage') {
    console.error(`${message}\n${usage(command.spec as CommandSpec)}`);
    return EXIT.usage;
  }
  console.error(`${kind}: ${message}`);
  return EXIT.wrong;
}

/**
 * Parses the command line against the command's table and runs it. `io` is the terminal's
 * unless given (tests); --yes and --json shape the terminal's.
 */
export async function runCommand<T extends Options>(
  command: Command<T>,
  argv: readonly string[],
  io?: Io,
): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(usage(command.spec as unknown as CommandSpec));
    return EXIT.done;
  }
  // Whether the command gave its JSON document: an error after it gives none of its own.
  let answered = false;
  try {
    const line = parseCommandLine(command.spec, argv);
    const flags = line.values as Record<string, unknown>;
    const given =
      io ??
      terminalIo({
        yes: flags.yes === true,
        json: flags.json === true || command.logTo === 'stderr',
      });
    const answering: Io = Object.create(given);
    answering.json = (value) => {
      answered = true;
      given.json(value);
    };
    return await command.run(line, answering);
  } catch (error) {
    // The command line may not have parsed: `--json` anywhere in it asks for the document.
    const json = argv.includes('--json') && !answered ? (io ?? terminalIo()).json : undefined;
    return report(error, command as unknown as Command<never>, json);
  }
}
