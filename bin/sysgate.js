#!/usr/bin/env node
// The `sysgate` command: a thin entry that loads the command line, bundled by the build
// (tools/bundle-cli.mjs) so that it starts quickly.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../build/app/bundle/main.mjs', import.meta.url));
if (!existsSync(main)) {
  process.stderr.write(
    'sysgate: not built yet; run `npm install` (or `npm run build`) in the checkout\n',
  );
  process.exit(1);
}
const { run } = await import(main);
process.exitCode = await run(process.argv.slice(2));
