// The renderer's entry: connect to the host (the preload bridge or the web shell's WebSocket), make
// the store and the terminals, route the host's events to them, and show the window.

import '@xterm/xterm/css/xterm.css';
import './window/app.css';

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

import { connect } from './api/index.js';
import { QuestionNotifications } from './prompts/notifications.js';
import { bindEvents } from './store/bind-events.js';
import { createSysgateStore } from './store/store.js';
import { TerminalRegistry } from './terminal/registry.js';
import { App } from './window/App.js';
import { WindowContext } from './window/context.js';

const connection = connect();
const store = createSysgateStore(connection.api);
const terminals = new TerminalRegistry(connection.api);
const notifications = new QuestionNotifications((questionId) =>
  store.getState().selectQuestion(questionId),
);
bindEvents(connection, store, terminals, notifications);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <WindowContext.Provider value={{ store, api: connection.api, terminals }}>
      <App />
    </WindowContext.Provider>
  </StrictMode>,
);
