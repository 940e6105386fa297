// Compiles a one-file probe with the project's real tsconfig for a layer, for the layering tests.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = join(root, 'node_modules/typescript/bin/tsc');

/**
 * A place for probes inside the checkout (so that they resolve node_modules/@types as real files
 * would): `compiles(layer, source)` type-checks `source` as a file of that layer.
 */
export function layerProbes(prefix) {
  const dir = mkdtempSync(join(root, 'build', prefix));
  const unique = () => Math.random().toString(36).slice(2);
  return {
    dir,
    compiles(layer, source, extension = 'ts') {
      const probe = join(dir, `${layer}-${unique()}.${extension}`);
      writeFileSync(probe, source);
      const config = join(dir, `tsconfig.${layer}-${unique()}.json`);
      writeFileSync(
        config,
        JSON.stringify({
          extends: join(root, `tsconfig.${layer}.json`),
          compilerOptions: { noEmit: true },
          include: [],
          files: [probe],
        }),
      );
      const result = spawnSync(process.execPath, [tsc, '-p', config], { encoding: 'utf8' });
      return { ok: result.status === 0, output: result.stdout + result.stderr };
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
