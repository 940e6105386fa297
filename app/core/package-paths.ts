// Where sysgate's own files are: the checkout (or the installed package) this code runs from.

import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

// This file is build/app/core/package-paths.js; the package root is three folders up.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export function packagePath(...segments: string[]): string {
  return join(ROOT, ...segments);
}
