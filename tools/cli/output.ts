/** What the commands print: aligned tables for people, JSON for machines. */

/** Rows as columns padded to their widest cell, the header underlined. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)];
}

/** One JSON document on standard output and nothing else, for `--json`. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Text a client or a function wrote (a logged message, an error), safe to print on a terminal:
 * each control character but the line break shown as an escape (`\x1b`), so that none can clear
 * the screen, colour or overwrite a line; a line break starts a new line at `indent`.
 */
export function terminalText(value: unknown, indent = ''): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is shown.
  return String(value).replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) =>
    c === '\n' ? `\n${indent}` : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

/** A count and its noun, singular for one: `1 batch`, `3 batches`, `0 events`. */
export function counted(count: number, noun: string, plural = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : plural}`;
}

/** Bytes for people: `512 B`, `12.3 KB`, `4.0 MB` (binary units, as MB elsewhere here). */
export function bytesText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
