// The desktop part of `npm run bench`: the web shell (`sysgate gui --web`) in Debian's Chromium,
// driven by playwright-core, tracing real programs with the real supervisor.
//
// 1. Prompt latency: bench/programs/asker.c opens N missing files one after another in a
//    directory its policy does not permit; each open is a new question. The program writes the
//    time (CLOCK_REALTIME) just before each open to its terminal; the page notes when the
//    question's dialog entered the DOM and when the frame after it was painted (Date.now(), the
//    same clock). latency = painted - trapped; the page answers Deny once the button is armed.
// 2. A burst: bench/programs/burst.c starts THREADS threads that open THREADS different missing
//    files at once. While the questions arrive and pile up, keystrokes go into the Command field
//    and each one's keydown → next painted frame is measured in the page; then the session is
//    killed. The page's JS heap (CDP), the heap and RSS of the `sysgate gui` node process, and the
//    supervisor's RSS are taken before, with everything waiting, at the peak and after, round
//    after round: bounded means a round leaves nothing behind.
//
// Usage: node bench/desktop.mjs [--prompts 60] [--threads 1000] [--rounds 2] [--profile] [--trace]
//        [--keys]
// (`npm run bench` calls benchDesktop() at the end and passes its own arguments on). --profile
// takes CPU profiles of the page during the first burst (build/bench-desktop-arrival.cpuprofile:
// from Start until all are listed; build/bench-desktop-clearing.cpuprofile: from Kill until the
// queue is empty, both for Chromium's DevTools) and prints their heaviest functions, named
// through the renderer's source map. --trace records Chromium's performance trace of each
// burst's arrival instead (build/bench-desktop-arrival-ROUND.trace.json, for DevTools'
// Performance panel or chrome://tracing): the page's tasks with their style, layout and script,
// where a keystroke's wait shows. --keys prints each round's keys typed while the questions
// arrived: when (from Start, from the burst's release), how long each waited to be handled, and
// its latency.
// HOME and XDG_CONFIG_HOME are temporary: no real policy is read or written. The host runs with
// --expose-gc and a small probe (HEAP_PROBE below) so that its heap can be read after collection.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SourceMap } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

import {
  CHROMIUM,
  launchChromium,
  root,
  startGui,
  startSession as startSessionIn,
  writeBurstPolicy,
} from '../e2e/web-shell-driver.mjs';

const TARGET_P95_MS = 100;
/** A keystroke answered within a frame or two feels immediate; 100 ms is the usual limit for "responsive". */
const INPUT_TARGET_MS = 100;
/** 1,000 questions arriving at once are all in the list within half a second of the burst. */
const LISTED_TARGET_MS = 500;
/** A p95 rests on at least this many samples: the bench adds burst rounds until it does. */
const MIN_SAMPLES = 20;
/** ... but never more rounds than this. */
const MAX_ROUNDS = 10;
/** 10 keys a second, about 120 words a minute. */
const KEY_INTERVAL_MS = 100;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function option(argv, name, fallback) {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
}

function quantile(xs, q) {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
}
function median(xs) {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}
const ms = (x) => (Number.isFinite(x) ? `${x.toFixed(x < 10 ? 1 : 0)} ms` : 'n/a');
const mb = (bytes) => (Number.isFinite(bytes) ? `${(bytes / 1048576).toFixed(1)} MB` : 'n/a');
const pad = (s, n) => String(s).padEnd(n);

/** VmRSS of a process in bytes, NaN when it is gone. */
function rss(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** The supervisor: the `sysgate-supervisor` child of the host. */
function supervisorPid(hostPid) {
  let children = [];
  try {
    for (const task of readdirSync(`/proc/${hostPid}/task`))
      children.push(
        ...readFileSync(`/proc/${hostPid}/task/${task}/children`, 'utf8')
          .split(/\s+/)
          .filter(Boolean),
      );
  } catch {
    return null;
  }
  children = children.filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('sysgate-supe');
    } catch {
      return false;
    }
  });
  return children.length > 0 ? Number(children[children.length - 1]) : null;
}

/**
 * Runs in the page before the window's own code. Watches the WebSocket (the trapped times the
 * programs write to their terminals, and when each question reaches the page), the DOM (when a
 * question's dialog appears, when the queue is full) and the keyboard (keydown → next frame).
 */
function instrumentPage() {
  const bench = {
    trapped: {}, // question index → CLOCK_REALTIME ms just before the open
    burstStart: null,
    received: {}, // index → Date.now() when the questionAdded frame reached the page
    arrivedAt: {}, // index → the host's arrivedAt
    committed: {}, // index → Date.now() when its dialog was in the DOM
    painted: {}, // index → Date.now() after the next frame
    events: {}, // event name → frames received
    burstArrivals: [], // host arrivedAt of burst questions
    watchDialogs: true,
    listTarget: 0,
    listedAt: null,
    listedCount: 0,
    keys: [],
    terminal: '',
  };
  window.__bench = bench;

  // Whether the page is inside an animation frame's callbacks: what changes the DOM there (the
  // window applies the host's events in a frame callback) is painted at the end of that very
  // frame, not of the next one.
  let inFrame = false;
  const nativeFrame = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (callback) =>
    nativeFrame((t) => {
      // Until the frame is over: the DOM's observers are told after the callback returns.
      if (!inFrame) afterTask(() => (inFrame = false));
      inFrame = true;
      callback(t);
    });
  function afterTask(callback) {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => callback();
    channel.port2.postMessage(0);
  }
  const afterNextFrame = (callback) => nativeFrame(() => afterTask(callback));
  /** After the frame that paints what changed now. */
  const afterPaint = (callback) => (inFrame ? afterTask(callback) : afterNextFrame(callback));

  const Native = window.WebSocket;
  class Watched extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => {
        const now = Date.now();
        if (typeof event.data !== 'string') return;
        // A frame is one message, or an array of them (what the host said in one turn).
        const frame = JSON.parse(event.data);
        bench.frames = (bench.frames ?? 0) + 1;
        for (const message of Array.isArray(frame) ? frame : [frame]) seen(message, now);
      });
    }
  }
  function seen(message, now) {
    const name = message.event ?? 'reply';
    bench.events[name] = (bench.events[name] ?? 0) + 1;
    if (name === 'questionAdded') {
      const { payload } = message;
      const file = payload.question.args.filename?.[0] ?? '';
      const m = /\/sysgate-bench-(\d+)$/.exec(file);
      if (m) {
        bench.received[m[1]] = now;
        bench.arrivedAt[m[1]] = payload.arrivedAt;
      } else if (/\/burst-\d+$/.test(file)) bench.burstArrivals.push(payload.arrivedAt);
    } else if (name === 'terminalData') {
      const { payload } = message;
      bench.terminal = (bench.terminal + payload.data).slice(-4096);
      for (const m of bench.terminal.matchAll(/sysgate-bench ([TB]) (\d+) ([\d.]+)\r?\n/g)) {
        if (m[1] === 'T') bench.trapped[m[2]] = Number(m[3]);
        else bench.burstStart = Number(m[3]);
      }
      bench.terminal = bench.terminal.slice(bench.terminal.lastIndexOf('\n') + 1);
    }
  }
  window.WebSocket = Watched;

  const observer = new MutationObserver(() => {
    if (bench.watchDialogs) {
      for (const dialog of document.querySelectorAll('[role="dialog"]')) {
        const m = /\/sysgate-bench-(\d+)\b/.exec(dialog.textContent ?? '');
        if (!m || bench.committed[m[1]] !== undefined) continue;
        const i = m[1];
        bench.committed[i] = Date.now();
        afterPaint(() => (bench.painted[i] = Date.now()));
      }
    }
    if (bench.listTarget > 0 && bench.listedAt === null) {
      // The list is virtual: its rows say how many it holds (aria-setsize), and the rows in view
      // must be there.
      const list = document.querySelector('ul[aria-label="Waiting questions"]');
      const row = list?.querySelector('li[aria-setsize]');
      const count = row ? Number(row.getAttribute('aria-setsize')) : (list?.childElementCount ?? 0);
      const badge = /^(\d+) calls? waiting/.exec(
        document.querySelector('.dock-count')?.textContent ?? '',
      );
      bench.listedCount = count;
      if (count >= bench.listTarget && Number(badge?.[1]) >= bench.listTarget) {
        bench.listedAt = Date.now();
      }
    }
  });
  const observe = () =>
    observer.observe(document.documentElement, {
      childList: true,
      subtree: true,
      characterData: true,
    });
  if (document.documentElement) observe();
  else document.addEventListener('DOMContentLoaded', observe);

  window.addEventListener(
    'keydown',
    (event) => {
      const handled = performance.now();
      const start = event.timeStamp;
      const created = performance.timeOrigin + event.timeStamp;
      afterNextFrame(() =>
        bench.keys.push({ start, created, handled, painted: performance.now() }),
      );
    },
    true,
  );
}

/**
 * Loaded into the host with --import: on SIGUSR2 it collects garbage and writes
 * process.memoryUsage() to $SYSGATE_BENCH_HEAP, so that the host's retained heap can be told
 * from what V8 merely has not given back. Nothing else in sysgate uses SIGUSR2.
 */
const HEAP_PROBE = `import { renameSync, writeFileSync } from 'node:fs';
const out = process.env.SYSGATE_BENCH_HEAP;
process.on('SIGUSR2', () => {
  globalThis.gc?.();
  globalThis.gc?.();
  writeFileSync(out + '.tmp', JSON.stringify(process.memoryUsage()));
  renameSync(out + '.tmp', out);
});
`;

/** The host's heap in use after a full collection, in bytes (NaN when it does not answer). */
async function hostHeap(pid, file) {
  rmSync(file, { force: true });
  try {
    process.kill(pid, 'SIGUSR2');
  } catch {
    return NaN;
  }
  for (let i = 0; i < 100; i++) {
    await sleep(20);
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')).heapUsed;
  }
  return NaN;
}

/** What --trace records: the page's tasks, their style, layout and paint, and JS samples. */
const TRACE_CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'disabled-by-default-devtools.timeline.frame',
  'disabled-by-default-devtools.timeline.stack',
  'disabled-by-default-v8.cpu_profiler',
  'v8.execute',
  'blink.user_timing',
  'toplevel',
];

/** With `profile`, the host writes a CPU profile of its whole run into `profile` (a directory). */
function startShell(env, probe, profile) {
  const nodeArgs = ['--expose-gc', '--import', pathToFileURL(probe).href];
  if (profile) nodeArgs.push('--cpu-prof', '--cpu-prof-dir', profile);
  return startGui({ env, nodeArgs });
}

function startSession(page, command, cwd) {
  return startSessionIn(page, { command, cwd, mode: 'Ask' });
}

/** Part 1: trapped → prompt painted, one question at a time. */
async function promptLatency(page, { asker, deniedDir, work, count }) {
  const session = await startSession(page, `${asker} ${deniedDir} ${count} 30`, work);
  const deny = page.getByRole('dialog').getByRole('button', { name: 'Deny', exact: true });
  const unexpected = [];
  for (let i = 0; i < count;) {
    // Question i's dialog, or a question that is not the bench's (a call the base template does
    // not cover, which would stop the program until answered).
    const seen = await page
      .waitForFunction(
        (i) => {
          if (window.__bench.committed[i] !== undefined) return 'ours';
          const dialog = document.querySelector('[role="dialog"]');
          if (dialog && !/\/sysgate-bench-\d+\b/.test(dialog.textContent ?? '')) return 'other';
          return false;
        },
        i,
        { timeout: 20_000 },
      )
      .then((handle) => handle.jsonValue())
      .catch(() => null);
    if (seen === null) {
      const state = await page.evaluate(() => ({
        trapped: Object.keys(window.__bench.trapped).length,
        received: Object.keys(window.__bench.received).length,
        committed: Object.keys(window.__bench.committed).length,
        dialog: document.querySelector('[role="dialog"]')?.textContent?.slice(0, 300) ?? null,
        buttons: [...document.querySelectorAll('[role="dialog"] button')]
          .map((b) => `${b.textContent}${b.disabled ? ' (disabled)' : ''}`)
          .join(', '),
      }));
      throw new Error(`question ${i} did not come within 20 s: ${JSON.stringify(state)}`);
    }
    if (seen === 'other') {
      unexpected.push(
        (await page.getByRole('dialog').innerText()).split('\n').slice(0, 3).join(' '),
      );
      if (unexpected.length > 5) throw new Error(`unexpected questions: ${unexpected.join('; ')}`);
    } else i++;
    await deny.click();
  }
  await session.getByText(/exited with status \d+/).waitFor({ timeout: 20_000 });
  const b = await page.evaluate(() => window.__bench);
  const rows = [];
  for (let i = 0; i < count; i++) {
    const k = String(i);
    if (b.trapped[k] === undefined || b.painted[k] === undefined) continue;
    rows.push({
      total: b.painted[k] - b.trapped[k],
      host: b.arrivedAt[k] - b.trapped[k],
      wire: b.received[k] - b.arrivedAt[k],
      render: b.committed[k] - b.received[k],
      paint: b.painted[k] - b.committed[k],
    });
  }
  return { rows, unexpected };
}

/** Part 2: THREADS questions at once; input latency while they pile up; memory. */
async function burstRound(
  page,
  cdp,
  { burst, deniedDir, work, threads, hostPid, heapFile, profile, trace, showKeys },
) {
  const heap = async (gc) => {
    if (gc) await cdp.send('HeapProfiler.collectGarbage');
    const { metrics } = await cdp.send('Performance.getMetrics');
    return metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? NaN;
  };
  const before = {
    heap: await heap(true),
    hostHeap: await hostHeap(hostPid, heapFile),
    host: rss(hostPid),
  };
  await page.evaluate((n) => {
    const b = window.__bench;
    b.watchDialogs = false;
    b.listTarget = n;
    b.listedAt = null;
    b.listedCount = 0;
    b.burstStart = null;
    b.burstArrivals = [];
    b.keys = [];
    b.events = {};
    b.frames = 0;
  }, threads);

  let peak = { heap: before.heap, host: before.host, supervisor: NaN };
  let sampling = true;
  let supervisor = null;
  const sampler = (async () => {
    while (sampling) {
      supervisor ??= supervisorPid(hostPid);
      const h = await heap(false).catch(() => NaN);
      peak = {
        heap: Math.max(peak.heap, h || 0),
        host: Math.max(peak.host, rss(hostPid) || 0),
        supervisor: Math.max(
          Number.isFinite(peak.supervisor) ? peak.supervisor : 0,
          supervisor === null ? 0 : rss(supervisor) || 0,
        ),
      };
      await sleep(200);
    }
  })();

  const profiles = {};
  const browser = page.context().browser();
  let traced = false;
  const startProfile = async () => {
    if (trace) {
      if (traced) return;
      traced = true;
      await browser.startTracing(page, {
        path: join(root, 'build', `bench-desktop-arrival-${trace}.trace.json`),
        categories: TRACE_CATEGORIES,
      });
      return;
    }
    if (!profile) return;
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
  };
  const stopProfile = async (name) => {
    if (trace) {
      if (name === 'arrival') await browser.stopTracing();
      return;
    }
    if (!profile) return;
    const { profile: data } = await cdp.send('Profiler.stop');
    await cdp.send('Profiler.disable');
    const path = join(root, 'build', `bench-desktop-${name}.cpuprofile`);
    writeFileSync(path, JSON.stringify(data));
    profiles[name] = { path, ...heaviest(data) };
  };
  await startProfile();
  const metrics = async () =>
    Object.fromEntries(
      (await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]),
    );
  const startMetrics = await metrics();
  let listedMetrics = null;
  const command = `${burst} ${deniedDir} ${threads}`;
  await page.getByLabel('Command').fill(command);
  await page.getByLabel('Working directory').fill(work);
  await page.getByRole('radio', { name: 'Ask' }).check();
  // One handle: a locator would look the label up again each time, across 1,000 list items.
  const field = await page.getByLabel('Command').elementHandle();
  const clickedAt = Date.now();
  await page.getByRole('button', { name: 'Start' }).click();
  const session = page.getByRole('region', { name: `Session: ${command}` }).last();
  // Type at once: Start gives the focus back to the Command field when the session is there
  // (keys before that go to the Start button, and are measured the same). Whether everything is
  // listed yet is watched beside the typing, which must not wait for it.
  let listed = false;
  let typing = true;
  const watcher = (async () => {
    while (!listed && typing) {
      listed = await page.evaluate(() => window.__bench.listedAt !== null);
      if (!listed) await sleep(50);
    }
    listedMetrics = listed ? await metrics() : null;
    await stopProfile('arrival');
  })();
  // A fast typist: a key every KEY_INTERVAL_MS, on a schedule that does not drift when a
  // press takes long to be taken.
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const began = Date.now();
  const deadline = began + 120_000;
  let typed = 0;
  let afterListed = 0;
  while (Date.now() < deadline) {
    if (listed && ++afterListed > 50 && typed >= 50) break;
    await page.keyboard.press(letters[typed++ % letters.length]);
    if (listed && typed % 20 === 0) await field.fill('');
    await sleep(began + typed * KEY_INTERVAL_MS - Date.now());
  }
  typing = false;
  await watcher;
  await field.fill('');
  const atFull = {
    heap: await heap(true),
    host: rss(hostPid),
    supervisor: supervisor === null ? NaN : rss(supervisor),
  };
  const b = await page.evaluate(() => window.__bench);

  const kill = await session.getByRole('button', { name: 'Kill' }).elementHandle();
  await startProfile();
  const killedAt = Date.now();
  await kill.click();
  await page.locator('.dock-empty').waitFor({ timeout: 60_000 });
  const clearedMs = Date.now() - killedAt;
  await stopProfile('clearing');
  await session.getByText(/exited with status \d+/).waitFor({ timeout: 60_000 });
  sampling = false;
  await sampler;
  await session.getByRole('button', { name: 'Close' }).click();
  await sleep(1500);
  const after = {
    heap: await heap(true),
    hostHeap: await hostHeap(hostPid, heapFile),
    host: rss(hostPid),
  };

  const lat = (k) => k.painted - k.start;
  const keys = b.keys.map((k) => ({ ...k, latency: lat(k) }));
  // --keys: each key typed while the questions arrived, from Start and from the burst's release.
  if (showKeys)
    console.log(
      'keys: ' +
        keys
          .filter((k) => b.listedAt === null || k.created < b.listedAt)
          .map(
            (k) =>
              `[+${(k.created - clickedAt).toFixed(0)} burst ${b.burstStart === null ? '?' : (k.created - b.burstStart).toFixed(0)} wait ${(k.handled - k.start).toFixed(0)} lat ${k.latency.toFixed(0)}]`,
          )
          .join(' ') +
        ` listed +${(b.listedAt - clickedAt).toFixed(0)} burst +${(b.burstStart - clickedAt).toFixed(0)}`,
    );
  const arrivals = b.burstArrivals;
  return {
    listedMs: b.listedAt !== null && b.burstStart !== null ? b.listedAt - b.burstStart : NaN,
    listedCount: b.listedCount,
    arrivalSpreadMs: arrivals.length > 0 ? Math.max(...arrivals) - Math.min(...arrivals) : NaN,
    hostLastMs:
      arrivals.length > 0 && b.burstStart !== null ? Math.max(...arrivals) - b.burstStart : NaN,
    arrived: arrivals.length,
    // Pressed before everything was listed (the event's own time, not when it was handled).
    during: keys.filter((k) => b.listedAt === null || k.created < b.listedAt).map((k) => k.latency),
    full: keys.filter((k) => b.listedAt !== null && k.created >= b.listedAt).map((k) => k.latency),
    events: b.events,
    frames: b.frames,
    clearedMs,
    mainThread:
      listedMetrics === null
        ? null
        : Object.fromEntries(
            Object.keys(listedMetrics).map((k) => [k, listedMetrics[k] - (startMetrics[k] ?? 0)]),
          ),
    before,
    peak,
    atFull,
    after,
    profiles,
  };
}

/**
 * The functions with the most self time in a CDP CPU profile, named by the renderer's source
 * map (build/renderer/assets/*.js.map) as file:line and the line's text; and self time by file.
 */
function heaviest(profile, n = 15) {
  const maps = new Map();
  const mapFor = (url) => {
    const file = /\/assets\/([^/?#]+\.js)$/.exec(url)?.[1];
    if (file === undefined) return null;
    if (!maps.has(file)) {
      try {
        const payload = JSON.parse(
          readFileSync(join(root, 'build', 'renderer', 'assets', `${file}.map`), 'utf8'),
        );
        maps.set(file, { map: new SourceMap(payload), payload });
      } catch {
        maps.set(file, null);
      }
    }
    return maps.get(file);
  };
  const place = ({ functionName, url, lineNumber, columnNumber }) => {
    const m = url ? mapFor(url) : null;
    const entry = m?.map.findEntry(lineNumber, columnNumber);
    if (!entry?.originalSource) {
      return {
        key: `${functionName || '(anonymous)'} ${url.replace(/^.*\//, '')}`,
        file: url ? '(other script)' : functionName,
      };
    }
    const source = entry.originalSource.replace(/^(\.\.\/)+/, '');
    const index = m.payload.sources.indexOf(entry.originalSource);
    const text = (m.payload.sourcesContent?.[index] ?? '').split('\n')[entry.originalLine] ?? '';
    const file = source.replace(/^node_modules\/(@[^/]+\/[^/]+|[^/]+)\/.*$/, '$1');
    return {
      key: `${source}:${entry.originalLine + 1}  ${text.trim().slice(0, 70)}`,
      file,
    };
  };
  const { nodes, samples, timeDeltas } = profile;
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const dt = new Map();
  samples.forEach((id, i) => dt.set(id, (dt.get(id) ?? 0) + (timeDeltas[i] ?? 0)));
  const self = new Map();
  const files = new Map();
  let total = 0;
  for (const [id, us] of dt) {
    const { key, file } = place(byId.get(id).callFrame);
    self.set(key, (self.get(key) ?? 0) + us);
    files.set(file, (files.get(file) ?? 0) + us);
    total += us;
  }
  const top = (m) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);
  return { total, top: top(self), files: top(files) };
}

export async function benchDesktop(argv = process.argv.slice(2)) {
  const PROMPTS = option(argv, '--prompts', 60);
  const THREADS = option(argv, '--threads', 1000);
  const ROUNDS = option(argv, '--rounds', 2);
  const PROFILE = argv.includes('--profile');
  const TRACE = argv.includes('--trace');
  console.log(`\ndesktop (web shell in Chromium, ${new Date().toISOString()})`);
  if (!existsSync(CHROMIUM)) {
    console.log(`desktop: skipped: ${CHROMIUM} is not installed (apt-get install chromium)`);
    return;
  }
  if (!existsSync(join(root, 'build', 'renderer', 'index.html'))) {
    console.log('desktop: skipped: the window is not built (npm run build)');
    return;
  }

  const scratch = mkdtempSync(join(tmpdir(), 'sysgate-bench-desktop-'));
  const home = join(scratch, 'home');
  const work = join(scratch, 'work');
  const bin = join(scratch, 'bin');
  // Directories that exist (a missing parent would be `<non-existent filename>`, which the base
  // template permits) and that no policy permits.
  const askDir = join(scratch, 'asked');
  const burstDir = join(scratch, 'burst');
  for (const d of [home, work, bin, askDir, burstDir]) mkdirSync(d, { recursive: true });
  const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config') };

  const asker = join(bin, 'asker');
  const burst = join(bin, 'burst');
  for (const [out, extra] of [
    [asker, []],
    [burst, ['-pthread']],
  ]) {
    const name = out.slice(bin.length + 1);
    const cc = spawnSync(
      'cc',
      ['-O2', ...extra, '-o', out, join(root, 'bench', 'programs', `${name}.c`)],
      { encoding: 'utf8' },
    );
    if (cc.status !== 0) {
      console.log(`desktop: skipped: cc could not build ${name}.c: ${cc.stderr || cc.error}`);
      rmSync(scratch, { recursive: true, force: true });
      return;
    }
  }
  // The burst's threads need clone/clone3: its policy is the base template plus those two, so
  // that only the opens ask.
  writeBurstPolicy(home, burst);

  let shell;
  let browser;
  try {
    const probe = join(scratch, 'heap-probe.mjs');
    writeFileSync(probe, HEAP_PROBE);
    const heapFile = join(scratch, 'host-heap.json');
    const hostProfiles = PROFILE ? join(root, 'build', 'bench-desktop-host') : null;
    if (hostProfiles !== null) rmSync(hostProfiles, { recursive: true, force: true });
    const started = await startShell({ ...env, SYSGATE_BENCH_HEAP: heapFile }, probe, hostProfiles);
    shell = started.shell;
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.addInitScript(instrumentPage);
    await page.goto(started.url);
    await page.getByLabel('Command').waitFor();
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');

    const prompts = await promptLatency(page, {
      asker,
      deniedDir: askDir,
      work,
      count: PROMPTS,
    });
    const rounds = [];
    // At least ROUNDS rounds, and more until the keys typed while questions arrive are enough
    // for their p95 (a fast burst leaves time for only a few keys in each round).
    const during = () => rounds.reduce((n, r) => n + r.during.length, 0);
    for (let r = 0; r < ROUNDS || (during() < MIN_SAMPLES && r < MAX_ROUNDS); r++)
      rounds.push(
        await burstRound(page, cdp, {
          burst,
          deniedDir: burstDir,
          work,
          threads: THREADS,
          hostPid: shell.pid,
          heapFile,
          profile: PROFILE && r === 0,
          trace: TRACE ? r + 1 : 0,
          showKeys: argv.includes('--keys'),
        }),
      );
    report(prompts, rounds, { PROMPTS, THREADS });
  } catch (e) {
    console.log(`desktop: failed: ${e instanceof Error ? e.stack : e}`);
    process.exitCode = 1;
  } finally {
    await browser?.close();
    if (shell !== undefined && shell.exitCode === null) {
      shell.kill('SIGTERM');
      await new Promise((r) => (shell.exitCode === null ? shell.on('exit', r) : r()));
    }
    rmSync(scratch, { recursive: true, force: true });
  }
}

function report(prompts, rounds, { PROMPTS, THREADS }) {
  const { rows, unexpected } = prompts;
  const col = (k) => rows.map((r) => r[k]);
  const total = col('total');
  const p95 = quantile(total, 0.95);
  console.log(
    `\nprompt latency: ${rows.length} of ${PROMPTS} questions, trapped call (the program's clock) → its dialog painted (the page's)`,
  );
  console.log(`${pad('', 34)}${pad('median', 10)}${pad('p95', 10)}max`);
  const line = (name, xs) =>
    console.log(
      `${pad(name, 34)}${pad(ms(median(xs)), 10)}${pad(ms(quantile(xs, 0.95)), 10)}${ms(Math.max(...xs))}`,
    );
  line('trapped → painted', total);
  line('  trapped → host queued it', col('host'));
  line('  host → page received it', col('wire'));
  line('  received → dialog in the DOM', col('render'));
  line('  in the DOM → frame painted', col('paint'));
  console.log(
    `target: p95 <= ${TARGET_P95_MS} ms: ${p95 <= TARGET_P95_MS ? 'met' : 'MISSED'} (${ms(p95)}, ${rows.length} samples)`,
  );
  if (unexpected.length > 0)
    console.log(`questions other than the bench's, denied: ${unexpected.join('; ')}`);

  if (rounds.length === 0) return;
  console.log(
    `\nburst: ${THREADS} threads in one process, each opening its own missing file at once (${rounds.length} rounds)`,
  );
  console.log(
    `${pad('round', 7)}${pad('host got all', 14)}${pad('all listed', 12)}${pad('keys while arriving', 24)}${pad('keys, all waiting', 22)}${pad('cleared after Kill', 20)}`,
  );
  const keyText = (xs) =>
    xs.length === 0 ? 'none' : `${ms(median(xs))} / ${ms(quantile(xs, 0.95))} (${xs.length})`;
  rounds.forEach((r, i) =>
    console.log(
      `${pad(i + 1, 7)}${pad(ms(r.hostLastMs), 14)}${pad(r.listedCount >= THREADS ? ms(r.listedMs) : `only ${r.listedCount}`, 12)}` +
        `${pad(keyText(r.during), 24)}${pad(keyText(r.full), 22)}${pad(ms(r.clearedMs), 20)}`,
    ),
  );
  console.log(
    `(times from the burst's release of its threads; keys: one every ${KEY_INTERVAL_MS} ms into the Command field, keydown → next painted frame, median / p95 (count))`,
  );
  const n = (bytes) => (Number.isFinite(bytes) ? (bytes / 1048576).toFixed(1) : 'n/a');
  console.log(
    `\n${pad('memory, MB', 12)}${pad('page heap: before', 19)}${pad('waiting', 9)}${pad('after', 7)}${pad('peak', 8)}` +
      `${pad('host heap: before', 19)}${pad('after', 8)}${pad('host RSS: before', 18)}${pad('peak', 7)}${pad('after', 8)}supervisor RSS`,
  );
  rounds.forEach((r, i) =>
    console.log(
      `${pad(`round ${i + 1}`, 12)}${pad(n(r.before.heap), 19)}${pad(n(r.atFull.heap), 9)}${pad(n(r.after.heap), 7)}${pad(n(r.peak.heap), 8)}` +
        `${pad(n(r.before.hostHeap), 19)}${pad(n(r.after.hostHeap), 8)}${pad(n(r.before.host), 18)}${pad(n(r.peak.host), 7)}${pad(n(r.after.host), 8)}${n(r.peak.supervisor)}`,
    ),
  );
  console.log(
    `(heaps after a full collection: before the burst, with all ${THREADS} waiting, after Kill; peak: sampled every 200 ms, uncollected)`,
  );
  const last = rounds[rounds.length - 1];
  // The keys of every round together: a p95 of one round's few keys would be its slowest key.
  const during = rounds.flatMap((r) => r.during);
  const full = rounds.flatMap((r) => r.full);
  const listed = rounds.map((r) => (r.listedCount >= THREADS ? r.listedMs : Infinity));
  const verdict = (ok, n) => (n < MIN_SAMPLES ? `too few samples (${n})` : ok ? 'met' : 'MISSED');
  console.log(
    `input latency p95 while arriving: ${ms(quantile(during, 0.95))} (${during.length} keys), ` +
      `with all ${THREADS} waiting: ${ms(quantile(full, 0.95))} (${full.length} keys) ` +
      `(target <= ${INPUT_TARGET_MS} ms: ${verdict(Math.max(quantile(during, 0.95), quantile(full, 0.95)) <= INPUT_TARGET_MS, Math.min(during.length, full.length))})`,
  );
  console.log(
    `all ${THREADS} listed after the burst starts: median ${ms(median(listed))}, ` +
      `${ms(Math.min(...listed))} to ${ms(Math.max(...listed))} over ${rounds.length} rounds ` +
      `(target: median <= ${LISTED_TARGET_MS} ms: ${median(listed) <= LISTED_TARGET_MS ? 'met' : 'MISSED'})`,
  );
  console.log(`\ntargets (issue 17)${' '.repeat(42)}${pad('now', 12)}${pad('target', 12)}verdict`);
  const target = (name, value, goal, ok) =>
    console.log(`${pad(name, 60)}${pad(ms(value), 12)}${pad(goal, 12)}${ok}`);
  const p95Prompt = quantile(total, 0.95);
  target(
    'held call -> question painted, p95',
    p95Prompt,
    `<= ${TARGET_P95_MS} ms`,
    verdict(p95Prompt <= TARGET_P95_MS, total.length),
  );
  target(
    `typing while ${THREADS} questions arrive, input latency p95`,
    quantile(during, 0.95),
    `<= ${INPUT_TARGET_MS} ms`,
    verdict(quantile(during, 0.95) <= INPUT_TARGET_MS, during.length),
  );
  target(
    `${THREADS} questions: all listed after the burst starts, median`,
    median(listed),
    `<= ${LISTED_TARGET_MS} ms`,
    median(listed) <= LISTED_TARGET_MS ? 'met' : 'MISSED',
  );
  // Bounded: what a round leaves behind does not pile up, in the page or in the host.
  const grew = (key) => last.after[key] - rounds[0].after[key];
  const slack = 2 * 1048576;
  console.log(
    `after ${rounds.length} rounds: page heap ${grew('heap') >= 0 ? '+' : ''}${mb(grew('heap'))}, host heap ${grew('hostHeap') >= 0 ? '+' : ''}${mb(grew('hostHeap'))} ` +
      `since round 1: ${rounds.length < 2 ? 'one round only' : grew('heap') <= slack && grew('hostHeap') <= slack ? 'bounded' : 'GROWING'}`,
  );
  const mt = rounds[0].mainThread;
  if (mt !== null)
    console.log(
      `page main thread from Start to all listed in round 1: busy ${(mt.TaskDuration * 1000).toFixed(0)} ms of ${ms(rounds[0].listedMs)}: ` +
        `script ${(mt.ScriptDuration * 1000).toFixed(0)} ms, style ${(mt.RecalcStyleDuration * 1000).toFixed(0)} ms (${mt.RecalcStyleCount}), ` +
        `layout ${(mt.LayoutDuration * 1000).toFixed(0)} ms (${mt.LayoutCount})`,
    );
  const ev = rounds[0].events;
  console.log(
    `messages the page received in round 1, in ${rounds[0].frames} frames: ${Object.entries(ev)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  for (const [name, what] of [
    ['arrival', 'from Start until all were listed'],
    ['clearing', 'from Kill until the queue was empty'],
  ]) {
    const summary = rounds[0].profiles[name];
    if (summary === undefined) continue;
    const { total: us, top, files, path } = summary;
    const share = ([label, t]) =>
      console.log(
        `  ${pad(`${(t / 1000).toFixed(0)} ms`, 10)}${pad(`${((100 * t) / us).toFixed(1)}%`, 8)}${label}`,
      );
    console.log(
      `\npage CPU profile, round 1, ${what} (${(us / 1000).toFixed(0)} ms sampled, ${path}); self time by file:`,
    );
    files.slice(0, 8).forEach(share);
    console.log('heaviest functions (self time):');
    top.forEach(share);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchDesktop();
