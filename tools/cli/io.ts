/**
 * What a command prints and asks through: people read `log` (standard output, or standard error
 * under --json so that standard output holds the one JSON document); scripts answer with --yes.
 * Tests give their own Io. Secrets come from the environment or a prompt without echo, never
 * from the command line.
 */
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { Writable } from 'node:stream';
import { RefusedError } from './errors';

export interface Io {
  log(line: string): void;
  /**
   * A line that says something failed (a change not made, a read-back otherwise): on standard
   * error always, so that a run whose output goes to a file still shows it; `log` where absent.
   */
  warn?(line: string): void;
  confirm(question: string): Promise<boolean>;
  /** The result for scripts: one JSON document on standard output (--json). */
  json(value: unknown): void;
}

/** Asks on the terminal; `yes` answers for scripts. Without a terminal and without it, refuses. */
export function terminalIo({ yes = false, json = false } = {}): Io {
  return {
    log: (line) => (json ? process.stderr : process.stdout).write(`${line}\n`),
    warn: (line) => process.stderr.write(`${line}\n`),
    async confirm(question) {
      if (yes) return true;
      if (!process.stdin.isTTY) {
        throw new RefusedError(
          'standard input is not a terminal: pass --yes to apply without asking',
        );
      }
      const readline = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return /^y(es)?$/i.test((await readline.question(`${question} [y/N] `)).trim());
      } finally {
        readline.close();
      }
    },
    json: (value) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
  };
}

/**
 * Asks on the terminal without echo, so a secret never shows on screen or lands in shell
 * history. Without a terminal, refuses with `hint` (how to pass the secret instead).
 */
export async function askHidden(question: string, hint: string): Promise<string> {
  if (!process.stdin.isTTY) throw new RefusedError(hint);
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

/** OpenObserve's Firehose access key: OPENOBSERVE_ACCESS_KEY, else asked for. */
export async function firehoseAccessKey(): Promise<string> {
  return (
    process.env.OPENOBSERVE_ACCESS_KEY ||
    askHidden(
      'OpenObserve Access Key: ',
      'set OPENOBSERVE_ACCESS_KEY (OpenObserve → Data Sources → AWS → Access Key)',
    )
  );
}

/** An OpenObserve user and password (or API token): OPENOBSERVE_USER/PASSWORD, else asked for. */
export async function openObserveCredentials(): Promise<{ user: string; password: string }> {
  let user = process.env.OPENOBSERVE_USER;
  if (!user) {
    if (!process.stdin.isTTY) {
      throw new RefusedError(
        'set OPENOBSERVE_USER and OPENOBSERVE_PASSWORD (an API token works as the password)',
      );
    }
    const readline = createInterface({ input: process.stdin, output: process.stderr });
    user = (await readline.question('OpenObserve user (email): ')).trim();
    readline.close();
  }
  const password =
    process.env.OPENOBSERVE_PASSWORD ||
    (await askHidden(
      'OpenObserve password or API token: ',
      'set OPENOBSERVE_PASSWORD (an API token works as the password)',
    ));
  return { user, password };
}

/**
 * A reader that stops early (`… --dry-run | head`) closes standard output: what is left to print
 * has nowhere to go and is dropped, while the command goes on to its end and exit status (a replay
 * still sends). Without this, Node.js ends the process on the first write after the close.
 */
export function dropOutputOnceClosed(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
  });
}

/**
 * A path the user gave to `npm run <script>`, as this process reaches it: npm starts a script in
 * the package's folder (npm_package_json's), and INIT_CWD is the folder the user ran it from. A
 * process npm did not start for this script (a program's child that inherited npm's variables)
 * takes its own folder. Relative to this process's folder, so that messages name it as briefly as
 * they can (`docs/a.log` for `a.log` typed in docs/).
 */
export function userPath(path: string, script: string): string {
  if (isAbsolute(path)) return path;
  const { INIT_CWD, npm_package_json, npm_lifecycle_event } = process.env;
  const byNpm =
    INIT_CWD &&
    npm_lifecycle_event === script &&
    npm_package_json &&
    dirname(npm_package_json) === process.cwd();
  const from = byNpm ? INIT_CWD : process.cwd();
  return relative(process.cwd(), resolve(from, path)) || '.';
}
