// The prompt window's page (`#prompt`): the small window that floats above other programs while
// questions wait (app/main/question-alerts.ts). The questions alone: no navigation, no sessions,
// no terminals. It never takes the keyboard focus by itself, like the dock it is made of.

import { PromptDock } from '../prompts/PromptDock.js';
import { ConnectionBanner } from './ConnectionBanner.js';
import { useSysgate } from './context.js';
import { useDocumentTitle } from './use-document-title.js';
import './PromptWindow.css';

export function PromptWindow() {
  const waiting = useSysgate((s) => s.queue.ids.length);

  // The window's title bar (Electron shows the page's title) and the task switcher.
  useDocumentTitle(
    waiting === 0
      ? 'sysgate — no questions'
      : `(${waiting}) sysgate — ${waiting === 1 ? 'a question waits' : 'questions wait'}`,
  );

  return (
    <div className="prompt-window">
      <ConnectionBanner />
      <PromptDock layout="window" />
    </div>
  );
}
