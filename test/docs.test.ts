/**
 * The README and the pages of docs/ as a reader follows them: every link between them leads to a
 * file that exists and, with an anchor, to a heading of that file; the README stays a short way in;
 * its two set-up commands are the ones CI runs (docs/layout.md, "The docs").
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';

const pages = [
  'README.md',
  ...readdirSync('docs')
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];
const text = new Map(pages.map((page) => [page, readFileSync(page, 'utf8')]));

/** Markdown without its fenced code blocks, where `[a](b)` is code, not a link. */
const prose = (markdown: string) => markdown.replace(/^```[\s\S]*?^```/gm, '');

/**
 * GitHub's anchor for a heading: lowercased, everything but letters, digits, spaces, `-` and `_`
 * removed, spaces turned into `-`; a repeated anchor gets `-1`, `-2`, …
 */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const found = new Set<string>();
  for (const [, title] of prose(markdown).matchAll(/^#{1,6} (.+)$/gm)) {
    const slug = (title as string)
      .toLowerCase()
      .replace(/[^\p{L}\p{N} _-]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    found.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return found;
}

/** Every link and image of a page that stays in the repository: its target and anchor. */
function links(page: string): { target: string; anchor?: string; written: string }[] {
  const markdown = prose(text.get(page) as string);
  return [...markdown.matchAll(/!?\[[^\]]*\]\(([^)\s]+)\)/g)]
    .map((match) => match[1] as string)
    .filter((written) => !/^[a-z]+:/.test(written))
    .map((written) => {
      const [path = '', anchor] = written.split('#');
      const target = path === '' ? page : normalize(join(dirname(page), path));
      return { target, anchor, written };
    });
}

describe('README.md and docs/', () => {
  it('link only to files that exist, and to headings those files have', () => {
    const broken = pages.flatMap((page) =>
      links(page)
        .filter(({ target, anchor }) => {
          if (!existsSync(target)) return true;
          if (anchor === undefined) return false;
          const markdown = text.get(target) ?? readFileSync(target, 'utf8');
          return !anchors(markdown).has(anchor);
        })
        .map(({ written }) => `${page}: ${written}`),
    );
    expect(broken).toEqual([]);
  });

  it('lead from the README to every page of docs/, and back', () => {
    const fromReadme = new Set(links('README.md').map(({ target }) => target));
    for (const page of pages.filter((page) => page !== 'README.md')) {
      expect({ page, linked: fromReadme.has(page) }).toEqual({ page, linked: true });
    }
    for (const page of ['deploy', 'openobserve', 'operations', 'performance', 'development']) {
      const back = links(`docs/${page}.md`).some(({ target }) => target === 'README.md');
      expect({ page, back }).toEqual({ page, back: true });
    }
  });

  it('keep the README a short way in', () => {
    const readme = text.get('README.md') as string;
    expect(readme.split('\n').length).toBeLessThanOrEqual(300);
    // Numbers of one run live in docs/performance.md; the README quotes ratios only.
    expect(readme).not.toMatch(/\d+(\.\d+)? ms\b/);
  });

  it('give the set-up in two commands, the ones CI runs on a new machine', () => {
    const readme = text.get('README.md') as string;
    const section = readme.slice(readme.indexOf('## Set-up in two commands'));
    const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
    const commands = block
      .split('\n')
      .map((line) => line.replace(/#.*$/, '').trim())
      .filter(Boolean);
    expect(commands).toHaveLength(2);
    const ci = readFileSync('.ci/run', 'utf8').split('\n');
    for (const command of commands.flatMap((line) => line.split('&&').map((part) => part.trim()))) {
      const [program, ...args] = command.split(/\s+/);
      expect({
        command,
        inCi: ci.some((line) => {
          const words = line.trim().split(/\s+/);
          return words[0] === program && args.every((arg, i) => words[i + 1] === arg);
        }),
      }).toEqual({ command, inCi: true });
    }
  });
});
