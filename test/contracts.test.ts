/**
 * Keeps citations of docs/contracts.md resolvable.
 *
 * The rule: a file that cites a section with `§` names `docs/contracts.md §N` at least once, and
 * a bare `§N` or `§N.M` elsewhere in that file refers to the same document. Every cited number
 * must be the number of a `##` or `###` heading of docs/contracts.md, and no file may point at a
 * contracts file by any other path (a link from another page of docs/ may name it relatively).
 * Scanned: src/, tools/, test/, scripts/, bench/, README.md, the other pages of docs/ and
 * template.yaml.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const root = join(__dirname, '..');
const contractsPath = 'docs/contracts.md';
const scannedDirs = ['src', 'tools', 'test', 'scripts', 'bench'];
const scannedFiles = [
  'README.md',
  'template.yaml',
  ...readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md') && `docs/${name}` !== contractsPath)
    .map((name) => `docs/${name}`),
];
const skippedDirs = new Set(['node_modules', '__pycache__', '.venv']);

/** `## 3. Title` or `### 5.1 Title` → '3', '5.1'. */
const headingNumber = /^#{2,3} (\d+(?:\.\d+)*)\.? /;
/** A section citation: `§3`, `§5.1`; a trailing full stop ends the sentence, not the number. */
const citation = /§(\d+(?:\.\d+)*)/g;
/** Any mention of a contracts file, whatever its path or case. */
const contractsMention = /\S*contracts\.md/gi;

function sectionNumbers(markdown: string): Set<string> {
  const numbers = new Set<string>();
  for (const line of markdown.split('\n')) {
    const match = headingNumber.exec(line);
    if (match?.[1]) numbers.add(match[1]);
  }
  return numbers;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return skippedDirs.has(name) ? [] : filesUnder(path);
    return [path];
  });
}

interface Scanned {
  file: string;
  text: string;
}

function scanned(): Scanned[] {
  const paths = [
    ...scannedDirs.flatMap((dir) => filesUnder(join(root, dir))),
    ...scannedFiles.map((file) => join(root, file)),
  ];
  return paths
    .map((path) => ({ file: relative(root, path), text: readFileSync(path, 'utf8') }))
    .filter(({ text }) => !text.includes('\u0000'));
}

/** Whether a mention in `file` names docs/contracts.md: by that path, or relatively from docs/. */
function names(file: string, mention: string): boolean {
  if (mention.endsWith(contractsPath)) return true;
  const link = /\]\(([^)#\s]*contracts\.md)/.exec(mention)?.[1];
  return link !== undefined && join(dirname(file), link) === contractsPath;
}

const sections = sectionNumbers(readFileSync(join(root, contractsPath), 'utf8'));
const files = scanned();
const citing = files.filter(({ text }) => text.match(citation));

describe(contractsPath, () => {
  it('numbers its sections 1 to 8', () => {
    for (const n of ['1', '2', '3', '4', '5', '6', '7', '8']) expect(sections).toContain(n);
  });

  it('has a heading for every section number cited', () => {
    const unresolved = citing.flatMap(({ file, text }) =>
      [...text.matchAll(citation)]
        .map((match) => match[1] ?? '')
        .filter((n) => !sections.has(n))
        .map((n) => `${file}: §${n}`),
    );
    expect(unresolved).toEqual([]);
  });

  it('is named as docs/contracts.md in every file that cites a section', () => {
    const unnamed = citing
      .filter(({ text }) => !text.includes(`${contractsPath} §`))
      .map(({ file }) => file);
    expect(unnamed).toEqual([]);
  });

  it('is the only contracts file cited', () => {
    const others = files.flatMap(({ file, text }) =>
      [...text.matchAll(contractsMention)]
        .filter((match) => !names(file, match[0]))
        .map((match) => `${file}: ${match[0]}`),
    );
    expect(others).toEqual([]);
  });
});
