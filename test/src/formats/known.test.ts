import { readFileSync } from 'node:fs';
import { formatVariables } from '../../../src/formats/compile';
import { DEFAULT_FORMAT, KNOWN_FORMATS } from '../../../src/formats/known';
import { isAccessLogVariable, MAX_FORMAT_BYTES } from '../../../src/formats/variables';
import { createLineReader } from '../../../src/parse';
import { readCorpus } from '../../support/sample-events';

/** The variables docs/contracts.md §2.1 lists for the recommended format. */
function documented(): string[] {
  const contracts = readFileSync('docs/contracts.md', 'utf8');
  const section = contracts.slice(
    contracts.indexOf('### 2.1 The variables of the recommended format'),
    contracts.indexOf('## 3.'),
  );
  return [...section.matchAll(/^\| `\$context\.([A-Za-z.]+)` \|/gm)].map((m) => m[1] as string);
}

describe('the recommended access-log format', () => {
  it("fits API Gateway's 3 KB limit for a format", () => {
    expect(Buffer.byteLength(DEFAULT_FORMAT)).toBeLessThan(MAX_FORMAT_BYTES);
  });

  it('uses exactly the variables docs/contracts.md lists for it, each one API Gateway fills in', () => {
    const variables = formatVariables(DEFAULT_FORMAT);
    expect(documented()).toEqual(variables);
    for (const variable of variables) expect(isAccessLogVariable(variable)).toBe(true);
    // The API key's id, never the key.
    expect(variables).not.toContain('identity.apiKey');
  });

  it('reads a line of each format recommended before to the same fields as its own format does', () => {
    const previous = readCorpus().filter((entry) => entry.event === 'previous-format');
    const names = new Set(previous.map((entry) => entry.expect.log_format));
    expect(names).toEqual(new Set(['default_v1', 'default_v2']));
    for (const entry of previous) {
      const name = entry.expect.log_format as string;
      const now = createLineReader(DEFAULT_FORMAT)(entry.line);
      const before = createLineReader(KNOWN_FORMATS[name] as string)(entry.line);
      expect(now.ok && before.ok).toBe(true);
      if (!now.ok || !before.ok) continue;
      expect(now.format).toBe(name);
      expect(now.fields).toEqual(before.fields);
    }
  });
});
