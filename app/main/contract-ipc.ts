// The contract (app/common/contract.ts) over Electron's IPC, main side: one channel per command,
// `sysgate:<command>`, answered only for the main frame of one of the app's own windows on the
// app's own origin, only for the commands that window may send, and checked for shape by the
// endpoint before anything acts on it; and every event sent to those windows on `sysgate:event`.
// app/preload/preload.cts is the other side.

import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';

import { COMMAND_NAMES, type CommandName } from '../common/contract.js';
import type { ContractEndpoint } from '../core/host/endpoint.js';
import { isAppUrl } from './app-origin.js';

/** What a command's channel answers; the preload turns `error` back into a rejection. */
export type BridgeReply = { result: unknown } | { error: string };

export const EVENT_CHANNEL = 'sysgate:event';

export function commandChannel(command: string): string {
  return `sysgate:${command}`;
}

/** One of the app's windows and what its page may ask of the host. */
export interface BridgedWindow {
  window: BrowserWindow;
  commands: ReadonlySet<CommandName>;
}

export const ALL_COMMANDS: ReadonlySet<CommandName> = new Set(COMMAND_NAMES);

export function serveContract(
  endpoint: ContractEndpoint,
  windows: () => readonly BridgedWindow[],
): () => void {
  for (const command of COMMAND_NAMES) {
    ipcMain.handle(
      commandChannel(command),
      async (event, ...args: unknown[]): Promise<BridgeReply> => {
        const sender = senderOf(event, windows());
        if (sender === null) return { error: 'refused: not a sysgate window' };
        if (!sender.commands.has(command))
          return { error: `refused: ${command} is not for this window` };
        try {
          return { result: await endpoint.call(command, args) };
        } catch (e) {
          return { error: e instanceof Error ? e.message : String(e) };
        }
      },
    );
  }

  const unsubscribe = endpoint.subscribe((event, payload) => {
    for (const { window } of windows()) {
      if (window.isDestroyed()) continue;
      const contents = window.webContents;
      // A page that is not (or not yet) ours is told nothing.
      if (contents.isCrashed() || !isAppUrl(contents.mainFrame.url)) continue;
      contents.send(EVENT_CHANNEL, event, payload);
    }
  });

  return () => {
    unsubscribe();
    for (const command of COMMAND_NAMES) ipcMain.removeHandler(commandChannel(command));
  };
}

/** The window whose page sent `event`: its main frame (not an iframe), showing our origin. */
function senderOf(
  event: IpcMainInvokeEvent,
  windows: readonly BridgedWindow[],
): BridgedWindow | null {
  const frame = event.senderFrame;
  if (frame === null || frame.parent !== null || !isAppUrl(frame.url)) return null;
  return (
    windows.find(({ window }) => !window.isDestroyed() && window.webContents === event.sender) ??
    null
  );
}
