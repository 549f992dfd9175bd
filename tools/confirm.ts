import { createInterface } from 'node:readline/promises';

/** What the command-line tools print and ask through; tests give their own. */
export interface Io {
  log(line: string): void;
  confirm(question: string): Promise<boolean>;
}

/** The name of an AWS SDK error (`ResourceNotFoundException`, …), or '' for anything else. */
export function errorName(error: unknown): string {
  return (error as { name?: string }).name ?? '';
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
