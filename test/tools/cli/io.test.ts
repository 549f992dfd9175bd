import { join } from 'node:path';
import { userPath } from '../../../tools/cli/io';

describe('userPath', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('reads a path from the folder `npm run` was started in, not the package folder it runs in', () => {
    process.env.npm_package_json = join(process.cwd(), 'package.json');
    process.env.npm_lifecycle_event = 'replay';
    process.env.INIT_CWD = join(process.cwd(), 'docs');
    expect(userPath('a.log', 'replay')).toBe(join('docs', 'a.log'));
    expect(userPath('../events/clf.json', 'replay')).toBe(join('events', 'clf.json'));
    expect(userPath('/tmp/a.log', 'replay')).toBe('/tmp/a.log');
    process.env.INIT_CWD = process.cwd();
    expect(userPath('a.log', 'replay')).toBe('a.log');
    delete process.env.INIT_CWD;
    expect(userPath('./b/a.log', 'replay')).toBe(join('b', 'a.log'));
  });

  it("takes its own folder when npm did not start it for this script (a child that inherited npm's variables)", () => {
    process.env.INIT_CWD = join(process.cwd(), 'docs');
    process.env.npm_lifecycle_event = 'replay';
    process.env.npm_package_json = '/elsewhere/package.json';
    expect(userPath('a.log', 'replay')).toBe('a.log');
    // `cd docs && npm test`: a test's child inherits INIT_CWD, and npm ran the `test` script.
    process.env.npm_package_json = join(process.cwd(), 'package.json');
    process.env.npm_lifecycle_event = 'test';
    expect(userPath('a.log', 'invoke')).toBe('a.log');
  });
});
