/**
 * No function of src/, tools/, scripts/ or bench/ is longer than 80 lines, counted on the parsed
 * source (swc's TypeScript parser): declarations, expressions and arrow functions, nested or not,
 * each from its first line to its last.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSync } from '@swc/core';

const MAX_LINES = 80;
const FOLDERS = ['src', 'tools', 'scripts', 'bench'];
const FUNCTIONS = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);

function files(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return files(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

type Node = { type?: string; span?: { start: number; end: number }; [key: string]: unknown };

/** Each function's name (as near as the source gives one) and length in lines. */
function functionLengths(source: string): { name: string; lines: number }[] {
  // Spans are byte offsets that count on from earlier parses: a leading `;` marks offset 0.
  const code = `;${source}`;
  const bytes = Buffer.from(code);
  const module = parseSync(code, { syntax: 'typescript' }) as unknown as Node;
  const base = (module.span as { start: number }).start;
  const lineAt = (offset: number) => {
    let lines = 1;
    for (let i = 0; i < offset - base; i++) if (bytes[i] === 10) lines++;
    return lines;
  };
  const found: { name: string; lines: number }[] = [];
  const visit = (node: unknown, name: string) => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child, name);
      return;
    }
    if (!node || typeof node !== 'object') return;
    const current = node as Node;
    let named = name;
    const id = (current.identifier ?? current.id ?? current.key) as { value?: string } | undefined;
    if (typeof id?.value === 'string') named = id.value;
    if (current.type && FUNCTIONS.has(current.type) && current.span) {
      found.push({
        name: named,
        lines: lineAt(current.span.end) - lineAt(current.span.start) + 1,
      });
    }
    for (const [key, child] of Object.entries(current)) if (key !== 'span') visit(child, named);
  };
  visit(module, '(module)');
  return found;
}

describe('functions', () => {
  it(`are at most ${MAX_LINES} lines long in ${FOLDERS.join(', ')}`, () => {
    const long = FOLDERS.flatMap(files).flatMap((file) =>
      functionLengths(readFileSync(file, 'utf8'))
        .filter(({ lines }) => lines > MAX_LINES)
        .map(({ name, lines }) => `${file}: ${name} (${lines} lines)`),
    );
    expect(long).toEqual([]);
  });

  it('are counted from their first line to their last, nested ones too', () => {
    const body = Array.from({ length: 81 }, (_, i) => `  const v${i} = ${i};`).join('\n');
    const lengths = functionLengths(
      `// a comment first\nexport function outer() {\n  const inner = () => {\n${body}\n  };\n}\n`,
    );
    expect(lengths).toEqual([
      { name: 'outer', lines: 85 },
      { name: 'inner', lines: 83 },
    ]);
  });
});
