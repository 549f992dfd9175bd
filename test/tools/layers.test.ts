/**
 * The command side's layers (docs/layout.md, "The command side"): a command module imports no other
 * command, and nothing in tools/ but run.ts imports a command; each folder imports only the
 * folders below it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const TOOLS = resolve('tools');

/** Every .ts file under a folder, as paths relative to tools/. */
function modules(folder = TOOLS): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return modules(path);
    return entry.name.endsWith('.ts') ? [relative(TOOLS, path)] : [];
  });
}

/** The modules of tools/ a module imports, relative to tools/ (`cli/plan.ts`). */
function importsOf(module: string, text = readFileSync(join(TOOLS, module), 'utf8')) {
  const specifiers = [...text.matchAll(/(?:from|import\()\s*'(\.[^']+)'/g)].map(
    (m) => m[1] as string,
  );
  return specifiers
    .map((specifier) => relative(TOOLS, resolve(TOOLS, dirname(module), specifier)))
    .filter((path) => !path.startsWith('..'))
    .map((path) => `${path}.ts`);
}

/** The layer of a module: its first folder, or the module itself at the top. */
const layerOf = (module: string) =>
  module.includes('/') ? (module.split('/')[0] as string) : module;

/** What each layer may import besides itself. */
const MAY_IMPORT: Record<string, readonly string[]> = {
  cli: [],
  aws: ['cli'],
  openobserve: ['cli', 'aws'],
  replay: ['cli', 'aws', 'openobserve'],
  doctor: ['cli', 'aws', 'openobserve'],
  package: ['cli', 'aws'],
  attach: ['cli', 'aws'],
  'stage-logs': ['cli', 'aws'],
  commands: ['cli', 'aws', 'openobserve', 'replay', 'doctor', 'package', 'attach', 'stage-logs'],
  'run.ts': ['cli', 'commands'],
};

/** Imports that break the layers, as `importer → imported`. */
function layerViolations(graph: Record<string, readonly string[]>): string[] {
  return Object.entries(graph).flatMap(([module, imports]) =>
    imports
      .filter((imported) => {
        const from = layerOf(module);
        const to = layerOf(imported);
        if (from === 'commands' && to === 'commands') return true;
        return from !== to && !(MAY_IMPORT[from] ?? []).includes(to);
      })
      .map((imported) => `${module} → ${imported}`),
  );
}

const graph = Object.fromEntries(modules().map((module) => [module, importsOf(module)]));

describe('the command side', () => {
  it('keeps its layers: no command imports another, no library imports a command', () => {
    expect(layerViolations(graph)).toEqual([]);
  });

  it('has one module per command, each read by run.ts only', () => {
    const commands = Object.keys(graph).filter((module) => layerOf(module) === 'commands');
    expect(commands.sort()).toEqual(
      ['attach', 'doctor', 'openobserve', 'package', 'replay', 'request', 'stage-logs'].map(
        (name) => `commands/${name}.ts`,
      ),
    );
    expect(graph['run.ts']).toEqual(expect.arrayContaining(commands));
  });

  it('would catch a command importing another, and a library importing a command', () => {
    const broken = {
      ...graph,
      'commands/doctor.ts': [...(graph['commands/doctor.ts'] ?? []), 'commands/attach.ts'],
      'aws/stream.ts': ['cli/errors.ts', 'commands/stage-logs.ts'],
    };
    expect(layerViolations(broken)).toEqual([
      'aws/stream.ts → commands/stage-logs.ts',
      'commands/doctor.ts → commands/attach.ts',
    ]);
    expect(importsOf('commands/x.ts', "import { command } from './attach';")).toEqual([
      'commands/attach.ts',
    ]);
  });
});
