// What a window's transport (Electron's IPC, the web shell's WebSocket) needs from the host:
// a way to run a checked command and a feed of events. The transport checks the sender; the
// endpoint checks the message.

import {
  argumentsProblem,
  isCommandName,
  type CommandName,
  type Commands,
  type EventName,
  type Events,
} from '../../common/contract.js';

export type EventListener = <E extends EventName>(event: E, payload: Events[E]) => void;

export interface ContractEndpoint {
  /** Runs a command whose name and arguments arrived from outside; rejects anything malformed. */
  call(command: unknown, args: unknown): Promise<unknown>;
  /** Every event, in order; gives the function that stops listening. */
  subscribe(listener: EventListener): () => void;
}

export class CommandError extends Error {
  override name = 'CommandError';
}

/** Checks a command's name and arguments against the contract before `run` sees them. */
export async function checkedCall(
  handlers: {
    [K in CommandName]: (
      ...args: Parameters<Commands[K]>
    ) => ReturnType<Commands[K]> | Promise<ReturnType<Commands[K]>>;
  },
  command: unknown,
  args: unknown,
): Promise<unknown> {
  if (!isCommandName(command)) throw new CommandError(`unknown command ${JSON.stringify(command)}`);
  const problem = argumentsProblem(command, args);
  if (problem !== null) throw new CommandError(`bad arguments for ${command}: ${problem}`);
  const handler = handlers[command] as (...a: unknown[]) => unknown;
  return handler(...(args as unknown[]));
}
