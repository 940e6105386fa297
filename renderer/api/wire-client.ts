// The web shell's side of the contract: SysgateApi carried over one WebSocket in the wire format
// of app/common/contract.ts. Each call gets an id and waits for the reply with that id; events are
// handed to their listeners; when the socket closes every waiting call is rejected and the client
// connects again, a little later each time. The socket and the timer are passed in, so this runs
// (and is tested) without a browser.

import {
  COMMAND_NAMES,
  isEventName,
  TOKEN_REFUSED,
  type CommandName,
  type EventName,
  type Events,
  type SysgateApi,
  type WireCall,
} from '../../app/common/contract.js';

/**
 * What the client needs of a socket: send text, close, and be told when it opens, speaks, closes
 * (with the close code the server gave, when it gave one).
 */
export type OpenSocket = (
  url: string,
  handlers: { open(): void; message(text: string): void; close(code?: number): void },
) => { send(text: string): void; close(): void };

/** Runs `callback` after `ms` milliseconds; gives a function that cancels it. */
export type SetTimer = (callback: () => void, ms: number) => () => void;

export type ConnectionStatus = 'connecting' | 'connected' | 'disconnected';

export interface WireClientOptions {
  url: string;
  openSocket: OpenSocket;
  setTimer: SetTimer;
  /** Waits before each attempt to connect again; the last one repeats. */
  retryDelays?: readonly number[];
}

export interface WireClient {
  readonly api: SysgateApi;
  status(): ConnectionStatus;
  /** Called on every change of status; gives a function that unsubscribes. */
  onStatus(listener: (status: ConnectionStatus) => void): () => void;
  /** Why the client gave up connecting (the server refused its token), or null. */
  refusal(): string | null;
  /** Closes the socket for good: no reconnection. */
  close(): void;
}

const DEFAULT_RETRY_DELAYS = [250, 500, 1000, 2000, 5000];

export const TOKEN_REFUSAL =
  "This address's token is not valid: open the address `sysgate gui` printed.";

export class NotConnectedError extends Error {
  constructor(message = 'not connected to sysgate') {
    super(message);
    this.name = 'NotConnectedError';
  }
}

interface Waiting {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export function createWireClient(options: WireClientOptions): WireClient {
  const retryDelays = options.retryDelays ?? DEFAULT_RETRY_DELAYS;
  const waiting = new Map<number, Waiting>();
  const eventListeners = new Map<EventName, Set<(payload: never) => void>>();
  const statusListeners = new Set<(status: ConnectionStatus) => void>();
  let status: ConnectionStatus = 'connecting';
  let socket: ReturnType<OpenSocket> | null = null;
  let nextId = 1;
  let failures = 0;
  let closedForGood = false;
  let cancelRetry: (() => void) | null = null;
  let refusal: string | null = null;

  function setStatus(next: ConnectionStatus): void {
    if (next === status) return;
    status = next;
    tellStatus();
  }

  function tellStatus(): void {
    for (const listener of [...statusListeners]) listener(status);
  }

  function connect(): void {
    cancelRetry = null;
    setStatus(status === 'disconnected' ? 'disconnected' : 'connecting');
    // Handlers of a socket that was replaced must not touch the current one.
    let current = true;
    const opened = options.openSocket(options.url, {
      open() {
        if (!current) return;
        failures = 0;
        setStatus('connected');
      },
      message(text) {
        if (current) receive(text);
      },
      close(code) {
        if (!current) return;
        current = false;
        socket = null;
        // Another try would be refused the same way: the window says so and stops.
        if (code === TOKEN_REFUSED) {
          refusal = TOKEN_REFUSAL;
          closedForGood = true;
        }
        lost();
      },
    });
    socket = opened;
  }

  function lost(): void {
    const error = new NotConnectedError('the connection to sysgate was lost');
    const calls = [...waiting.values()];
    waiting.clear();
    for (const call of calls) call.reject(error);
    if (closedForGood) {
      // The listeners read the refusal when told, even if already disconnected.
      if (refusal !== null) {
        status = 'disconnected';
        tellStatus();
      }
      return;
    }
    setStatus('disconnected');
    const delay = retryDelays[Math.min(failures, retryDelays.length - 1)] ?? 1000;
    failures++;
    cancelRetry = options.setTimer(connect, delay);
  }

  function receive(text: string): void {
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    // The host sends what it said within one turn of its loop as one array, in order.
    if (Array.isArray(message)) for (const one of message) handle(one);
    else handle(message);
  }

  function handle(message: unknown): void {
    if (typeof message !== 'object' || message === null) return;
    const m = message as Record<string, unknown>;
    if (isEventName(m['event'])) {
      const listeners = eventListeners.get(m['event']);
      for (const listener of listeners === undefined ? [] : [...listeners]) {
        try {
          (listener as (payload: unknown) => void)(m['payload']);
        } catch (e) {
          // One listener's mistake must not keep the event from the others.
          console.error(e);
        }
      }
      return;
    }
    if (typeof m['id'] !== 'number') return;
    const call = waiting.get(m['id']);
    if (call === undefined) return;
    waiting.delete(m['id']);
    if (typeof m['error'] === 'string') call.reject(new Error(m['error']));
    else call.resolve(m['result']);
  }

  function call(command: CommandName, args: unknown[]): Promise<unknown> {
    if (status !== 'connected' || socket === null) return Promise.reject(new NotConnectedError());
    const id = nextId++;
    const message: WireCall = { id, command, args };
    return new Promise((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      try {
        socket!.send(JSON.stringify(message));
      } catch (e) {
        waiting.delete(id);
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  }

  const commands = Object.fromEntries(
    COMMAND_NAMES.map((name) => [name, (...args: unknown[]) => call(name, args)]),
  );
  const api = {
    ...commands,
    on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
      let listeners = eventListeners.get(event);
      if (listeners === undefined) eventListeners.set(event, (listeners = new Set()));
      const entry = listener as (payload: never) => void;
      listeners.add(entry);
      return () => listeners.delete(entry);
    },
  } as SysgateApi;

  connect();

  return {
    api,
    status: () => status,
    refusal: () => refusal,
    onStatus(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    close() {
      closedForGood = true;
      cancelRetry?.();
      const open = socket;
      socket = null;
      open?.close();
      lost();
      setStatus('disconnected');
    },
  };
}
