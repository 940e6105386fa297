import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { WebSocket } from 'ws';

import type { EventName, Events } from '../common/contract.js';
import type { ContractEndpoint, EventListener } from '../core/host/endpoint.js';
import { startWebShell } from './server.js';

/** An endpoint whose events the test emits; `snapshot` answers at once. */
function fakeEndpoint() {
  const listeners = new Set<EventListener>();
  const endpoint: ContractEndpoint = {
    call: async (command) => (command === 'snapshot' ? { sessions: [] } : null),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const emit = <E extends EventName>(event: E, payload: Events[E]) => {
    for (const listener of listeners) listener(event, payload);
  };
  return { endpoint, emit, listeners };
}

test('what the host says in one turn goes out as one frame, every message in order', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sysgate-web-'));
  const { endpoint, emit, listeners } = fakeEndpoint();
  const shell = await startWebShell({ endpoint, staticDir: dir });
  const token = new URL(shell.url).hash.slice('#token='.length);
  const ws = new WebSocket(`ws://127.0.0.1:${shell.port}/api?token=${token}`, {
    origin: `http://127.0.0.1:${shell.port}`,
  });
  const frames: unknown[] = [];
  ws.on('message', (data) => frames.push(JSON.parse(String(data))));
  try {
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    while (listeners.size === 0) await new Promise((r) => setTimeout(r, 5));
    // A burst in one turn, then a lone event in a later one.
    for (let i = 0; i < 1000; i++) emit('questionRemoved', { id: `q${i}`, reason: 'answered' });
    await new Promise((r) => setTimeout(r, 50));
    emit('questionRemoved', { id: 'last', reason: 'answered' });
    while (frames.length < 2) await new Promise((r) => setTimeout(r, 5));
    assert.equal(frames.length, 2);
    const [burst, lone] = frames as [{ payload: { id: string } }[], unknown];
    assert.ok(Array.isArray(burst));
    assert.deepEqual(
      burst.map((m) => m.payload.id),
      Array.from({ length: 1000 }, (_, i) => `q${i}`),
    );
    // One message alone is sent as itself, not as an array of one.
    assert.deepEqual(lone, {
      event: 'questionRemoved',
      payload: { id: 'last', reason: 'answered' },
    });

    // Messages said in turns of their own, one right after the other: a few frames, not one
    // each, and every message in order.
    frames.length = 0;
    for (let i = 0; i < 300; i++) {
      emit('questionRemoved', { id: `t${i}`, reason: 'answered' });
      await new Promise((r) => setImmediate(r));
    }
    const ids: string[] = [];
    while (ids.length < 300) {
      await new Promise((r) => setTimeout(r, 20));
      ids.length = 0;
      for (const frame of frames)
        for (const m of [frame].flat() as { payload: { id: string } }[]) ids.push(m.payload.id);
    }
    assert.deepEqual(
      ids,
      Array.from({ length: 300 }, (_, i) => `t${i}`),
    );
    assert.ok(frames.length < 100, `${frames.length} frames`);
  } finally {
    ws.close();
    await shell.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a reply goes out at once, not held for the spacing that events keep', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sysgate-web-'));
  const { endpoint, emit } = fakeEndpoint();
  // Each call says something first (it goes out at once, after a quiet spell), then answers in
  // the next turn: held for the spacing, the answer would come FRAME_SPACING_MS (8 ms) later.
  endpoint.call = async () => {
    emit('questionRemoved', { id: 'before', reason: 'answered' });
    await new Promise((r) => setImmediate(r));
    return 'answer';
  };
  const shell = await startWebShell({ endpoint, staticDir: dir });
  const token = new URL(shell.url).hash.slice('#token='.length);
  const ws = new WebSocket(`ws://127.0.0.1:${shell.port}/api?token=${token}`, {
    origin: `http://127.0.0.1:${shell.port}`,
  });
  try {
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const gaps: number[] = [];
    for (let id = 1; id <= 20; id++) {
      await new Promise((r) => setTimeout(r, 20));
      const times = new Map<string, number>();
      const both = new Promise<void>((resolve) => {
        const listener = (data: unknown) => {
          const message = JSON.parse(String(data)) as { id?: number; event?: string };
          times.set(message.id === undefined ? 'event' : 'reply', performance.now());
          if (times.size < 2) return;
          ws.off('message', listener);
          resolve();
        };
        ws.on('message', listener);
      });
      ws.send(JSON.stringify({ id, command: 'snapshot', args: [] }));
      await both;
      gaps.push(times.get('reply')! - times.get('event')!);
    }
    gaps.sort((a, b) => a - b);
    assert.ok(gaps[10]! < 4, `event → reply: median ${gaps[10]!.toFixed(1)} ms`);
  } finally {
    ws.close();
    await shell.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the renderer's files go out whole, with their length, and a rebuilt file is served as rebuilt", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sysgate-web-'));
  mkdirSync(join(dir, 'assets'));
  const script = join(dir, 'assets', 'index.js');
  writeFileSync(script, 'x'.repeat(300_000));
  const shell = await startWebShell({ endpoint: fakeEndpoint().endpoint, staticDir: dir });
  const get = (path: string) => fetch(`http://127.0.0.1:${shell.port}${path}`);
  try {
    let response = await get('/assets/index.js');
    assert.equal(response.status, 200);
    // Its length said up front (one write of a file kept in memory, not a stream of pieces).
    assert.equal(response.headers.get('content-length'), '300000');
    assert.equal((await response.text()).length, 300_000);
    // A rebuild while the shell runs: the new file, not the one kept.
    writeFileSync(script, 'y'.repeat(1000));
    utimesSync(script, new Date(), new Date(Date.now() + 5000));
    response = await get('/assets/index.js');
    assert.equal(await response.text(), 'y'.repeat(1000));
    assert.equal((await get('/assets/')).status, 404);
    assert.equal((await get('/assets/none.js')).status, 404);
    assert.equal((await get('/%2e%2e/etc/passwd')).status, 404);
  } finally {
    await shell.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
