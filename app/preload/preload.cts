// The bridge between a window and the host (DESIGN §6, STYLE "one door per message"): the page's
// `window.sysgate` is a SysgateApi with one function per command of app/common/contract.ts, each
// on its own channel, and `on` for the contract's events. Nothing else crosses: no generic send,
// no ipcRenderer, no Electron event objects.
//
// A sandboxed preload can load no module but `electron`: this file is self-contained, and its
// only link to app/common is the types, which are gone once compiled (to CommonJS, preload.cjs).
// The lists below are typed against the contract, so a command or event added there and not here
// (or the other way round) does not compile.

import electron = require('electron');

import type { CommandName, EventName, Events, SysgateApi } from '../common/contract.js';

const { contextBridge, ipcRenderer } = electron;

type Reply = { result: unknown } | { error: string };

async function call<T>(command: CommandName, ...args: unknown[]): Promise<T> {
  const reply = (await ipcRenderer.invoke(`sysgate:${command}`, ...args)) as Reply;
  if ('error' in reply) throw new Error(reply.error);
  return reply.result as T;
}

const EVENTS: Record<EventName, true> = {
  sessionChanged: true,
  sessionClosed: true,
  terminalData: true,
  questionAdded: true,
  questionChanged: true,
  questionRemoved: true,
  policyChanged: true,
  policyFileChanged: true,
  record: true,
  historyAdded: true,
};

type Listener = (payload: unknown) => void;
const listeners = new Map<EventName, Set<Listener>>();

ipcRenderer.on('sysgate:event', (_event, name: unknown, payload: unknown) => {
  if (typeof name !== 'string' || !Object.prototype.hasOwnProperty.call(EVENTS, name)) return;
  for (const listener of listeners.get(name as EventName) ?? []) listener(payload);
});

function on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
  if (!Object.prototype.hasOwnProperty.call(EVENTS, event))
    throw new TypeError(`sysgate: no event ${String(event)}`);
  if (typeof listener !== 'function') throw new TypeError('sysgate: a listener must be a function');
  let set = listeners.get(event);
  if (set === undefined) listeners.set(event, (set = new Set()));
  const wrapped: Listener = (payload) => listener(payload as Events[E]);
  set.add(wrapped);
  return () => {
    set.delete(wrapped);
  };
}

const api: SysgateApi = {
  snapshot: () => call('snapshot'),
  startSession: (request) => call('startSession', request),
  stopSession: (sessionId) => call('stopSession', sessionId),
  killSession: (sessionId) => call('killSession', sessionId),
  closeSession: (sessionId) => call('closeSession', sessionId),
  writeTerminal: (sessionId, data) => call('writeTerminal', sessionId, data),
  resizeTerminal: (sessionId, cols, rows) => call('resizeTerminal', sessionId, cols, rows),
  terminalDrawn: (sessionId, chars) => call('terminalDrawn', sessionId, chars),
  answerQuestion: (questionId, answer) => call('answerQuestion', questionId, answer),
  policy: (program) => call('policy', program),
  historyPage: (request) => call('historyPage', request),
  historyCount: (query, range) => call('historyCount', query, range),
  historyDetail: (id) => call('historyDetail', id),
  historyGroups: (query) => call('historyGroups', query),
  statistics: (session) => call('statistics', session),
  systemHistoryDetail: (id) => call('systemHistoryDetail', id),
  addSystemRule: (program, rule) => call('addSystemRule', program, rule),
  exportHistory: (query, format) => call('exportHistory', query, format),
  clearHistory: () => call('clearHistory'),
  historySettings: () => call('historySettings'),
  setHistorySettings: (settings) => call('setHistorySettings', settings),
  policyFiles: () => call('policyFiles'),
  readPolicy: (path) => call('readPolicy', path),
  savePolicy: (path, text, version) => call('savePolicy', path, text, version),
  ruleHits: (program) => call('ruleHits', program),
  learnedRules: (sessionId) => call('learnedRules', sessionId),
  saveLearned: (sessionId, program, rules) => call('saveLearned', sessionId, program, rules),
  discardLearned: (sessionId) => call('discardLearned', sessionId),
  on,
};

contextBridge.exposeInMainWorld('sysgate', api);
