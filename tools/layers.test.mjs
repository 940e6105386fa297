// The layers of DESIGN §7 are enforced by the type checker: code of the shared layer or of the
// renderer that reaches for Node does not compile, and neither does host code that touches the
// DOM. Each probe is compiled with the project's real configuration for its layer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';

import { layerProbes, root } from './layer-probe.mjs';

let probes;
before(() => {
  probes = layerProbes('layer-probe-');
});
after(() => probes.remove());

const compiles = (...args) => probes.compiles(...args);

test('shared code that imports a Node module does not compile', () => {
  const result = compiles(
    'common',
    "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n",
  );
  assert.equal(result.ok, false);
  assert.match(result.output, /Cannot find module 'node:fs'/);
});

test('shared code that touches the DOM does not compile', () => {
  const result = compiles('common', 'export const title = document.title;\n');
  assert.equal(result.ok, false);
  assert.match(result.output, /Cannot find name 'document'/);
});

test('renderer code that imports a Node module does not compile, and the DOM is there', () => {
  assert.equal(
    compiles('renderer', "import { spawn } from 'child_process';\nexport const x = spawn;\n").ok,
    false,
  );
  const dom = compiles('renderer', 'export const title: string = document.title;\n');
  assert.equal(dom.ok, true, dom.output);
});

test('renderer code that reaches into the host does not compile', () => {
  const core = join(root, 'app/core/accounts.js');
  const result = compiles(
    'renderer',
    `import * as accounts from ${JSON.stringify(core)};\nexport const x = accounts;\n`,
  );
  assert.equal(result.ok, false);
  assert.match(result.output, /Cannot find module 'node:fs'/);
});

test('a React component of the renderer compiles with the DOM and JSX', () => {
  const result = compiles(
    'renderer',
    "import { useState } from 'react';\n" +
      'export function Probe() {\n  const [n, setN] = useState(0);\n' +
      '  return <button onClick={() => setN(n + 1)}>{n}</button>;\n}\n',
    'tsx',
  );
  assert.equal(result.ok, true, result.output);
});

test('host code that touches the DOM does not compile, and Node is there', () => {
  const result = compiles('host', 'export const w = window.innerWidth;\n');
  assert.equal(result.ok, false);
  assert.match(result.output, /Cannot find name 'window'/);
  const node = compiles(
    'host',
    "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n",
  );
  assert.equal(node.ok, true, node.output);
});
