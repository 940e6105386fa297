// Sessions that `sysgate` runs from a terminal hand to the desktop app (app/core/app-socket.ts).

import type { Server } from 'node:net';

import type { Macros } from '../../common/policy/request.js';
import { APP_PROTOCOL_VERSION, listenForTerminals } from '../app-socket.js';
import type { PolicyStore } from '../policy/store.js';
import { RemoteSession } from '../runs/remote-session.js';
import type { Host } from './host.js';

/** Takes in the terminals' sessions until the server is closed. */
export function serveTerminals(host: Host, store: PolicyStore, macros: Macros): Server {
  return listenForTerminals((connection) => {
    connection.firstFrame().then(
      (hello) => {
        const f = hello.fields;
        if (hello.verb !== 'hello' || f.number('version') !== APP_PROTOCOL_VERSION) {
          connection.close();
          return;
        }
        const session = new RemoteSession(
          host.newSessionId(),
          { command: f.text('command') ?? '?', cwd: f.text('cwd') ?? '/' },
          connection,
          store,
          macros,
        );
        host.adopt(session);
      },
      () => connection.close(),
    );
  });
}
