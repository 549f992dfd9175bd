/**
 * Progress of a replay on stderr: a bar on a terminal (events, bytes, rate, ETA), plain lines every
 * few seconds otherwise, so logs of a scripted run stay readable.
 */
import { bytesText } from './output';
export interface Progress {
  /** Adds to what was read (bytes of sources) or sets the events sent so far. */
  update(change: { bytes?: number; events?: number }): void;
  /** A line of its own (a retry, a refused batch). */
  note(line: string): void;
  done(): void;
}

export function createProgress(
  totalBytes: number,
  stream: NodeJS.WriteStream = process.stderr,
  now: () => number = Date.now,
  intervalMs = 5_000,
): Progress {
  const started = now();
  let bytes = 0;
  let events = 0;
  let lastDrawn = 0;
  const tty = Boolean(stream.isTTY);

  const render = () => {
    const seconds = Math.max(0.001, (now() - started) / 1000);
    const rate = events / seconds;
    const fraction = totalBytes > 0 ? Math.min(1, bytes / totalBytes) : 0;
    const eta = fraction > 0 ? (seconds / fraction) * (1 - fraction) : Number.NaN;
    const etaText = Number.isFinite(eta) ? `${Math.round(eta)} s` : '?';
    const text = `${events} events sent · ${bytesText(bytes)} of ${bytesText(totalBytes)} read · ${Math.round(rate)} events/s · ETA ${etaText}`;
    if (!tty) return text;
    const width = 24;
    const filled = Math.round(fraction * width);
    return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${Math.round(fraction * 100)}% ${text}`;
  };

  const draw = (force = false) => {
    const time = now();
    if (tty) {
      if (force || time - lastDrawn >= 100) {
        stream.write(`\r\x1b[K${render()}`);
        lastDrawn = time;
      }
    } else if (force || time - lastDrawn >= intervalMs) {
      stream.write(`${render()}\n`);
      lastDrawn = time;
    }
  };

  return {
    update(change) {
      bytes += change.bytes ?? 0;
      if (change.events !== undefined) events = change.events;
      draw();
    },
    note(line) {
      stream.write(tty ? `\r\x1b[K${line}\n` : `${line}\n`);
      if (tty) draw(true);
    },
    done() {
      draw(true);
      if (tty) stream.write('\n');
    },
  };
}
