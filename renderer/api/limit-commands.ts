// The prompt window may read and answer questions, nothing more: in Electron the main process
// refuses any other command from it (app/main/main.ts), and the page keeps to the same list on
// its own, in the web shell too, so that it never sends what the Electron shell would refuse.

import {
  COMMAND_NAMES,
  PROMPT_WINDOW_COMMANDS,
  type CommandName,
  type SysgateApi,
} from '../../app/common/contract.js';

/** What the prompt window's page may ask of the host. */
export const PROMPT_PAGE_COMMANDS: ReadonlySet<CommandName> = PROMPT_WINDOW_COMMANDS;

/**
 * `api` with only the `allowed` commands: any other rejects without reaching the host, and is
 * reported through `refused` (the console, in the window), since it is a mistake in the page.
 */
export function limitCommands(
  api: SysgateApi,
  allowed: ReadonlySet<CommandName>,
  refused: (command: CommandName) => void = () => undefined,
): SysgateApi {
  const limited: Record<string, unknown> = { on: api.on.bind(api) };
  for (const command of COMMAND_NAMES) {
    limited[command] = allowed.has(command)
      ? (...args: unknown[]) => (api[command] as (...a: unknown[]) => Promise<unknown>)(...args)
      : () => {
          refused(command);
          return Promise.reject(new Error(`${command} is not for this window`));
        };
  }
  return limited as SysgateApi;
}
