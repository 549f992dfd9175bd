import { join } from 'node:path';
import { userPath } from '../../../tools/cli/io';

describe('userPath', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('reads a path from the folder `npm run` was started in, not the package folder it runs in', () => {
    process.env.npm_package_json = join(process.cwd(), 'package.json');
    process.env.INIT_CWD = join(process.cwd(), 'docs');
    expect(userPath('a.log')).toBe(join('docs', 'a.log'));
    expect(userPath('../events/clf.json')).toBe(join('events', 'clf.json'));
    expect(userPath('/tmp/a.log')).toBe('/tmp/a.log');
    process.env.INIT_CWD = process.cwd();
    expect(userPath('a.log')).toBe('a.log');
    delete process.env.INIT_CWD;
    expect(userPath('./b/a.log')).toBe(join('b', 'a.log'));
  });

  it("takes its own folder when npm did not start it there (a child that inherited npm's variables)", () => {
    process.env.npm_package_json = '/elsewhere/package.json';
    process.env.INIT_CWD = join(process.cwd(), 'docs');
    expect(userPath('a.log')).toBe('a.log');
  });
});
