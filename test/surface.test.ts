/**
 * The function's front door: tools/, bench/ and scripts/ use src/ only through src/surface.ts, the
 * one module that declares what the command side may use of it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SRC = resolve('src');

/** Every .ts file under a folder. */
function files(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return files(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The modules of src/ a file imports (static or dynamic), relative to src/. */
function srcImports(file: string, text = readFileSync(file, 'utf8')): string[] {
  return [...text.matchAll(/(?:from|import\()\s*'(\.[^']+)'/g)]
    .map((match) => relative(SRC, resolve(dirname(file), match[1] as string)))
    .filter((path) => !path.startsWith('..'));
}

describe('src/surface.ts', () => {
  it('is the only way tools/, bench/ and scripts/ reach into src/', () => {
    const through = ['tools', 'bench', 'scripts'].flatMap((folder) =>
      files(resolve(folder)).flatMap((file) =>
        srcImports(file)
          .filter((imported) => imported !== 'surface')
          .map((imported) => `${relative(resolve('.'), file)} → src/${imported}`),
      ),
    );
    expect(through).toEqual([]);
  });

  it('would catch a command that reaches past it', () => {
    const file = resolve('tools/commands/x.ts');
    expect(srcImports(file, "import { createHandler } from '../../src/lambda';")).toEqual([
      'lambda',
    ]);
    expect(srcImports(file, "const m = await import('../../src/surface');")).toEqual(['surface']);
  });

  it('is not what the function starts from: the handler does not import it', () => {
    const reach = new Set<string>();
    const visit = (module: string) => {
      if (reach.has(module)) return;
      reach.add(module);
      for (const imported of srcImports(join(SRC, `${module}.ts`))) visit(imported);
    };
    visit('handler');
    expect(reach.has('surface')).toBe(false);
  });
});
