import { UsageError } from './errors';

/** `30m`, `1h`, `2d` → milliseconds; a usage error naming the option otherwise. */
export function parseDuration(text: string, option = 'since'): number {
  const match = /^(\d+)([mhd])$/.exec(text);
  // Nothing to look back over: CloudWatch refuses an empty range, and no object is in one.
  if (!match || Number(match[1]) === 0) {
    throw new UsageError(`--${option} takes a duration like 30m, 1h or 2d; got "${text}"`);
  }
  return Number(match[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 'm' | 'h' | 'd'];
}
