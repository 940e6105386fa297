// The Sessions view: the form that starts a program, and the running programs side by side.

import { NewSessionForm } from './NewSessionForm.js';
import { SessionGrid } from './SessionGrid.js';
import './sessions.css';

export function SessionsView({ hidden, focusRequest }: { hidden: boolean; focusRequest: number }) {
  return (
    <section className="view sessions-view" aria-labelledby="sessions-heading" hidden={hidden}>
      <h1 id="sessions-heading" className="visually-hidden">
        Sessions
      </h1>
      <NewSessionForm focusRequest={focusRequest} />
      <SessionGrid />
    </section>
  );
}
