import { test } from 'node:test';
import assert from 'node:assert/strict';

import { isFocusPromptChord, promptShortcut, PROMPT_SHORTCUTS } from './shortcuts.js';

const chord = (
  code: string,
  mods: Partial<Record<'alt' | 'ctrl' | 'shift' | 'meta', boolean>> = {},
) => ({
  code,
  altKey: mods.alt ?? false,
  ctrlKey: mods.ctrl ?? false,
  shiftKey: mods.shift ?? false,
  metaKey: mods.meta ?? false,
});

test('each answer has its Alt+letter', () => {
  assert.equal(promptShortcut(chord('KeyP', { alt: true })), 'permit');
  assert.equal(promptShortcut(chord('KeyD', { alt: true })), 'deny');
  assert.equal(promptShortcut(chord('KeyA', { alt: true })), 'permit-always');
  assert.equal(promptShortcut(chord('KeyN', { alt: true })), 'deny-always');
  assert.equal(promptShortcut(chord('KeyK', { alt: true })), 'kill');
});

test('no single key press answers: a letter, Enter or Space alone does nothing', () => {
  for (const code of ['KeyP', 'KeyD', 'KeyA', 'KeyN', 'KeyK', 'Enter', 'Space', 'Escape', 'KeyY']) {
    assert.equal(promptShortcut(chord(code)), null, code);
  }
  assert.equal(promptShortcut(chord('Enter', { alt: true })), null);
});

test('other modifiers with the letters are left to the terminal and the browser', () => {
  assert.equal(promptShortcut(chord('KeyP', { alt: true, ctrl: true })), null);
  assert.equal(promptShortcut(chord('KeyP', { alt: true, shift: true })), null);
  assert.equal(promptShortcut(chord('KeyP', { ctrl: true })), null);
});

test('every shortcut needs a modifier and no two share a key', () => {
  const codes = PROMPT_SHORTCUTS.map((s) => s.code);
  assert.equal(new Set(codes).size, codes.length);
  for (const s of PROMPT_SHORTCUTS) assert.match(s.keys, /^Alt\+[A-Z]$/);
});

test('Ctrl+Shift+A moves the focus to the prompt; Ctrl+A alone does not', () => {
  assert.equal(isFocusPromptChord(chord('KeyA', { ctrl: true, shift: true })), true);
  assert.equal(isFocusPromptChord(chord('KeyA', { ctrl: true })), false);
  assert.equal(isFocusPromptChord(chord('KeyA', { ctrl: true, shift: true, alt: true })), false);
});
