// The prompt's keys (DESIGN §4: no single stray key press answers a question). Every answer needs
// Alt and a letter, and works only while the keyboard focus is inside the prompt; one global
// chord, Ctrl+Shift+A, moves the focus there. `code` (the key's place) is used rather than `key`,
// so the letters work whatever the keyboard layout makes of Alt+letter.

import type { PromptChoice } from './answer.js';

export interface KeyChord {
  code: string;
  altKey: boolean;
  ctrlKey: boolean;
  shiftKey: boolean;
  metaKey: boolean;
}

export interface PromptShortcut {
  choice: PromptChoice;
  /** For aria-keyshortcuts and the labels on the buttons. */
  keys: string;
  code: string;
}

export const PROMPT_SHORTCUTS: readonly PromptShortcut[] = [
  { choice: 'permit', keys: 'Alt+P', code: 'KeyP' },
  { choice: 'deny', keys: 'Alt+D', code: 'KeyD' },
  { choice: 'permit-always', keys: 'Alt+A', code: 'KeyA' },
  { choice: 'deny-always', keys: 'Alt+N', code: 'KeyN' },
  { choice: 'kill', keys: 'Alt+K', code: 'KeyK' },
];

export function shortcutOf(choice: PromptChoice): PromptShortcut | undefined {
  return PROMPT_SHORTCUTS.find((s) => s.choice === choice);
}

/** The answer a chord asks for inside the prompt, or null. */
export function promptShortcut(chord: KeyChord): PromptChoice | null {
  if (!chord.altKey || chord.ctrlKey || chord.shiftKey || chord.metaKey) return null;
  return PROMPT_SHORTCUTS.find((s) => s.code === chord.code)?.choice ?? null;
}

/** Ctrl+Shift+A, anywhere in the window: focus the prompt. */
export function isFocusPromptChord(chord: KeyChord): boolean {
  return (
    chord.ctrlKey && chord.shiftKey && !chord.altKey && !chord.metaKey && chord.code === 'KeyA'
  );
}
