// The box a session's terminal is drawn in. The terminal itself lives in the registry, so it keeps
// its content when the box is hidden or drawn again.

import { useEffect, useRef } from 'react';

import { useTerminals } from '../window/context.js';
import './TerminalView.css';

export function TerminalView({ sessionId, running }: { sessionId: string; running: boolean }) {
  const terminals = useTerminals();
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => terminals.attach(sessionId, box.current!), [terminals, sessionId]);
  useEffect(() => terminals.setInputEnabled(sessionId, running), [terminals, sessionId, running]);

  return <div className="terminal-box" ref={box} />;
}
