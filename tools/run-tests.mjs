// Runs every test with node's test runner: the compiled unit and integration tests beside the
// code in build/, the end-to-end tests in e2e/, and the supervisor's own in native/tests. Prints
// the runner's own report, then one closing line `N passed, N failed, N skipped`.
import { readdirSync, readFileSync, rmSync, existsSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;

// Programs the tests run (native/tests/programs) are not tests themselves, whatever their names.
const notTests = join(root, 'native', 'tests', 'programs');

function testFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.test\.(m?js)$/.test(e.name))
    .filter((e) => !join(e.parentPath ?? e.path, '/').startsWith(join(notTests, '/')))
    .map((e) => join(e.parentPath ?? e.path, e.name))
    .sort();
}

const only = process.argv.slice(2);
const files =
  only.length > 0
    ? only
    : ['build', 'tools', 'e2e', 'native/tests'].flatMap((dir) => testFiles(join(root, dir)));
if (files.length === 0) {
  console.error('no test files found: run `npm run build` first');
  process.exit(1);
}

const tapDir = mkdtempSync(join(tmpdir(), 'sysgate-tests-'));
const tap = join(tapDir, 'report.tap');
const result = spawnSync(
  process.execPath,
  [
    '--test',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tap}`,
    ...files,
  ],
  { stdio: 'inherit', cwd: root },
);

const report = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
rmSync(tapDir, { recursive: true, force: true });
const count = (name) => Number(report.match(new RegExp(`^# ${name} (\\d+)$`, 'm'))?.[1] ?? 0);
const passed = count('pass');
const failed = count('fail') + count('cancelled');
const skipped = count('skipped') + count('todo');
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(result.status === 0 && failed === 0 && passed > 0 ? 0 : 1);
