// The history's writer thread (history-store.ts, StoreOptions.thread): a store of its own on the
// same database, which commits the batches the host's store hands it, so that their synced
// commits (an fsync of the WAL each) never hold up the host's event loop. Each batch is answered
// on the port, then THREAD_DONE is raised to its number, in that order: a flush waiting on the
// number then finds the answer on the port.

import { workerData, type MessagePort } from 'node:worker_threads';

import {
  HistoryStore,
  THREAD_DONE,
  THREAD_STATE,
  type ThreadAnswer,
  type ThreadBatch,
} from './history-store.js';

const { path, shared, port } = workerData as {
  path: string;
  shared: SharedArrayBuffer;
  port: MessagePort;
};
const state = new Int32Array(shared);

let store: HistoryStore | null = null;
try {
  store = new HistoryStore(path);
  Atomics.store(state, THREAD_STATE, 1);
  port.postMessage('ready');
} catch (e) {
  // The host's store goes on committing in its own thread.
  console.error(`sysgate: the history's writer thread: ${(e as Error).message}`);
  Atomics.store(state, THREAD_STATE, 2);
  port.close();
}

port.on('message', (message: ThreadBatch | 'close') => {
  if (store === null) return;
  if (message === 'close') {
    store.close();
    store = null;
    Atomics.store(state, THREAD_STATE, 3);
    Atomics.notify(state, THREAD_STATE);
    port.close();
    return;
  }
  let answer: ThreadAnswer;
  try {
    answer = { seq: message.seq, newest: store.commitBatch(message.records, message.counts) };
  } catch (e) {
    answer = { seq: message.seq, newest: 0, error: (e as Error).message };
  }
  port.postMessage(answer);
  Atomics.store(state, THREAD_DONE, message.seq);
  Atomics.notify(state, THREAD_DONE);
});
