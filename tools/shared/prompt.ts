import { createInterface } from 'node:readline/promises';
import { Writable } from 'node:stream';

/** The commands' prompts: what they print and ask through (tests give their own), and secrets. */

/** What the command-line tools print and ask through; tests give their own. */
export interface Io {
  log(line: string): void;
  confirm(question: string): Promise<boolean>;
}

/** A change the tool will not make, with the reason for the user. */
export class Refused extends Error {
  override name = 'Refused';
}

/** Asks on the terminal; `--yes` answers for scripts. Without a terminal and without --yes, refuses. */
export function terminalIo(yes: boolean): Io {
  return {
    log: (line) => console.log(line),
    async confirm(question) {
      if (yes) return true;
      if (!process.stdin.isTTY) {
        throw new Refused('standard input is not a terminal: pass --yes to apply without asking');
      }
      const readline = createInterface({ input: process.stdin, output: process.stdout });
      try {
        return /^y(es)?$/i.test((await readline.question(`${question} [y/N] `)).trim());
      } finally {
        readline.close();
      }
    },
  };
}

/**
 * Asks on the terminal without echo, so a secret never shows on screen or lands in shell
 * history. Without a terminal, refuses with `hint` (how to pass the secret instead).
 */
export async function askHidden(question: string, hint: string): Promise<string> {
  if (!process.stdin.isTTY) throw new Refused(hint);
  let muted = false;
  const output = new Writable({
    write(chunk, _encoding, next) {
      if (!muted) process.stderr.write(chunk);
      next();
    },
  });
  const readline = createInterface({ input: process.stdin, output, terminal: true });
  const answer = readline.question(question);
  muted = true;
  const secret = (await answer).trim();
  readline.close();
  process.stderr.write('\n');
  return secret;
}
