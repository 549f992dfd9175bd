/**
 * A replay's checkpoint: per source, the units acknowledged, and how long the failed file was.
 * Written whole then renamed after each acknowledged batch, so a crash never leaves half of it.
 */
import {
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { RefusedError } from '../cli/errors';

/** How a source's units were read: lines, or the records of Firehose events. */
export type ReadAs = 'lines' | 'events';

export interface State {
  /**
   * Per source key: units acknowledged, whether the whole source is, and its size then: a source
   * that has grown since (a failed file appended to) is read on from `done`. `events`: of the
   * unit after those, the events done (sent and acknowledged, or kept in the failed file), and
   * `digest` of them. `read`: whether its units were access-log lines or a file of Firehose
   * events' records, which number differently: a rerun that reads it the other way (its first
   * line fixed) starts it again.
   */
  sources: Record<
    string,
    {
      done: number;
      events?: number;
      digest?: string;
      complete?: boolean;
      size?: number;
      read?: ReadAs;
      /** A local file's first bytes, `<count>:<digest>`: whether a rerun reads the same file. */
      head?: string;
    }
  >;
  /**
   * How long the failed file was at this checkpoint. A rerun cuts it back to that, then reads
   * again from the checkpoint: what it keeps again is in the file once.
   */
  failed?: { path: string; bytes: number };
  /**
   * Where the acknowledged batches went: progress toward one endpoint is none toward another, so a
   * run to another (a corrected stream or organization) refuses this checkpoint.
   */
  endpoint?: string;
}

/** The checkpoint at `path` of a replay to `endpoint`; a new one when there is none. */
export function loadState(path: string | undefined, endpoint?: string): State {
  if (!path || !existsSync(path)) return { sources: {}, endpoint };
  let state: unknown;
  try {
    state = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    state = error;
  }
  const sources = (state as Partial<State> | null)?.sources;
  if (typeof sources !== 'object' || sources === null || Array.isArray(sources)) {
    throw new RefusedError(
      `--state ${path} is not a replay checkpoint (${state instanceof Error ? state.message : 'no "sources" in it'}): move it away to start over, or name another with --state`,
    );
  }
  const saved = (state as State).endpoint;
  if (endpoint !== undefined && saved !== undefined && saved !== endpoint) {
    throw new RefusedError(
      `--state ${path} holds the progress of a replay to ${saved}, not to ${endpoint}: what it counts as sent is not there. Move it away (or name another with --state) to send everything to ${endpoint}, or give --endpoint ${saved} to go on`,
    );
  }
  return { ...(state as State), endpoint: saved ?? endpoint };
}

export function saveState(path: string | undefined, state: State): void {
  if (!path) return;
  // One writer: the run holds the checkpoint's lock (lockFile).
  writeFileSync(`${path}.tmp`, JSON.stringify(state, null, 2));
  renameSync(`${path}.tmp`, path);
}

/** Whether a process of this id runs here (signal 0 tests without sending anything). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const HOST = hostname();

/**
 * Whether the run that wrote a lock (`<pid>@<host>`) is gone: a process of this host that no
 * longer runs, or this process's own id (a container restarted gives its run the same id). One of
 * another host (a shared folder) cannot be told: it counts as running.
 */
function gone(holder: string): boolean {
  const [id, host = HOST] = holder.split('@');
  const pid = Number.parseInt(id ?? '', 10);
  if (host !== HOST) return false;
  return !(Number.isInteger(pid) && pid > 0) || pid === process.pid || !running(pid);
}

const code = (error: unknown) => (error as NodeJS.ErrnoException).code;

/**
 * Takes `<path>.lock` for this process, for the run's whole length: two runs that shared a
 * checkpoint or a failed file would each write over the other's progress (a batch sent twice, a
 * kept entry lost). A lock whose run is gone (a `kill -9`, Ctrl-C) is taken over, with `note`:
 * moved aside under a name of this process's own first, so that of two runs taking it over one
 * does. Returns the release.
 */
export function lockFile(path: string, option: string, note: (line: string) => void): () => void {
  const lock = `${path}.lock`;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, `${process.pid}@${HOST}`);
      closeSync(fd);
      return () => rmSync(lock, { force: true });
    } catch (error) {
      if (code(error) !== 'EEXIST') throw error;
    }
    let holder: string;
    try {
      holder = readFileSync(lock, 'utf8');
    } catch (error) {
      if (code(error) === 'ENOENT') continue;
      throw error;
    }
    if (!gone(holder)) {
      throw new RefusedError(
        `${option} ${path} is in use by another replay (process ${holder}, ${lock}): wait for it to end, or give this run its own ${option}; if no replay runs, remove ${lock}`,
      );
    }
    const aside = `${lock}.${process.pid}.gone`;
    try {
      renameSync(lock, aside);
    } catch (error) {
      if (code(error) === 'ENOENT') continue;
      throw error;
    }
    // Moved after another run took it over: its lock goes back.
    if (readFileSync(aside, 'utf8') !== holder) renameSync(aside, lock);
    else {
      rmSync(aside, { force: true });
      note(`${lock}: left by a replay that no longer runs (process ${holder}); taken over`);
    }
  }
  throw new RefusedError(`${option} ${path}: ${lock} could not be taken; try again`);
}
