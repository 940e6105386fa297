// The renderer's entry: connect to the host (the preload bridge or the web shell's WebSocket), make
// the store and the terminals, route the host's events to them, and show the window. The page
// loaded as `#prompt` is the small prompt window: the questions only, no terminals, and only the
// commands that window may send (api/limit-commands.ts).

// First: the socket starts opening before the rest of the page is evaluated (api/connection.ts).
import { connection } from './api/connection.js';

import './window/global.css';
import './window/controls.css';

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

import { countCalls } from './api/calls-in-flight.js';
import { limitCommands, PROMPT_PAGE_COMMANDS } from './api/limit-commands.js';
import { askFirstPage } from './history/first-page.js';
import { QuestionNotifications } from './prompts/notifications.js';
import { bindEvents, NO_NOTICES, NO_TERMINALS } from './store/bind-events.js';
import { createSysgateStore } from './store/store.js';
import { LazyTerminals } from './terminal/lazy-registry.js';
import { App } from './window/App.js';
import { WindowContext } from './window/context.js';
import { PromptWindow } from './window/PromptWindow.js';
import { hashChange, isPromptPage } from './window/route.js';

// The token (web shell) was taken out of the fragment first (api/connection.ts); what is left is the route.
const promptPage = isPromptPage(location.hash);
// The main window counts its calls in flight, to load what it does not show once they are in.
const calls = countCalls(connection.api);
const api = promptPage
  ? limitCommands(connection.api, PROMPT_PAGE_COMMANDS, (command) =>
      console.error(`sysgate: the prompt window may not send ${command}`),
    )
  : calls.api;
const store = createSysgateStore(api);
const terminals = promptPage ? null : new LazyTerminals(api);
const notifications = promptPage
  ? NO_NOTICES
  : new QuestionNotifications((questionId) => store.getState().selectQuestion(questionId));
bindEvents({ ...connection, api }, store, terminals ?? NO_TERMINALS, notifications);
// Opened on the History view: its first page is asked for beside the snapshot (history/first-page.ts).
if (!promptPage) askFirstPage(location.hash, api, connection);

// Becoming the other page, or a new token, needs a fresh page; views are the App's (App.tsx).
window.addEventListener('hashchange', () => {
  if (hashChange(location.hash, promptPage).action === 'reload') location.reload();
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <WindowContext.Provider value={{ store, api, terminals }}>
      {promptPage ? <PromptWindow /> : <App calls={calls} />}
    </WindowContext.Provider>
  </StrictMode>,
);
