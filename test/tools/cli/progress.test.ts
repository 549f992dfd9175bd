import { createProgress } from '../../../tools/cli/progress';

function stream(isTTY: boolean) {
  const written: string[] = [];
  return {
    written,
    isTTY,
    write: (text: string) => written.push(text) > 0,
  } as unknown as NodeJS.WriteStream & {
    written: string[];
  };
}

describe('createProgress', () => {
  it('draws a bar with records, MB, rate and ETA on a terminal', () => {
    let now = 0;
    const out = stream(true);
    const progress = createProgress(4 * 1024 * 1024, out, () => now);
    now = 2_000;
    progress.update({ bytes: 1024 * 1024, events: 500 });
    expect(out.written.at(-1)).toBe(
      '\r\x1b[K[######------------------] 25% 500 events sent · 1.0 MB of 4.0 MB read · 250 events/s · ETA 6 s',
    );
  });

  it('writes plain lines no more often than its interval elsewhere', () => {
    let now = 0;
    const out = stream(false);
    const progress = createProgress(1024 * 1024, out, () => now, 5_000);
    now = 6_000;
    progress.update({ bytes: 512 * 1024, events: 10 });
    now = 7_000;
    progress.update({ bytes: 1, events: 20 });
    progress.note('retry 1 in 0.5 s: HTTP 503');
    progress.done();
    expect(out.written).toEqual([
      '10 events sent · 512.0 KB of 1.0 MB read · 2 events/s · ETA 6 s\n',
      'retry 1 in 0.5 s: HTTP 503\n',
      '20 events sent · 512.0 KB of 1.0 MB read · 3 events/s · ETA 7 s\n',
    ]);
  });
});
