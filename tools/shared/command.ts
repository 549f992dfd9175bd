/**
 * The one shape of every user command: a module exports a `Command` (its usage and `run`) beside
 * its logic, and `tools/run.ts <name>` runs it. Errors end the same way everywhere: a usage error
 * exits 2 with the usage; a refusal, a stop or a failure exits 1 with one line saying why.
 */
import { Refused } from './prompt';

export interface Command {
  readonly usage: string;
  /** Runs with the arguments after the command's name; resolves to the exit status. */
  run(argv: string[]): Promise<number>;
}

/** The arguments are wrong: the message says which, the usage follows it. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A run that had to stop part-way (its progress saved, for example): reported as `stopped:`. */
export class Stopped extends Error {
  override name = 'Stopped';
}

/** A number within bounds, or a usage error that names the option. */
export function numberOption(
  name: string,
  text: string | undefined,
  min: number,
  max: number,
  integer = false,
): number {
  const value = Number(text);
  if (
    text === undefined ||
    !(value >= min && value <= max) ||
    (integer && !Number.isInteger(value))
  ) {
    throw new UsageError(
      `--${name} must be ${integer ? 'a whole number ' : ''}from ${min} to ${max}`,
    );
  }
  return value;
}

export async function runCommand(command: Command, argv: string[]): Promise<number> {
  try {
    return await command.run(argv);
  } catch (error) {
    const { message } = error as Error;
    // `code` is a number on some errors (a time-out's DOMException has 23).
    const code = (error as { code?: unknown }).code;
    if (
      error instanceof UsageError ||
      (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'))
    ) {
      console.error(`${message}\n${command.usage}`);
      return 2;
    }
    if (error instanceof Refused) console.error(`refused: ${message}`);
    else if (error instanceof Stopped) console.error(`stopped: ${message}`);
    else console.error(message);
    return 1;
  }
}
