// What the policy editor holds while a file is open: the file as it was read (the base a save is
// checked against), the draft with its undo history, the selected row, rules that arrived from
// outside (to highlight), and a conflict when the file changed under unsaved edits.

import type { PolicyDocument } from '../../app/common/contract.js';
import type { Lines } from './draft.js';
import { linesOfText, textOfLines } from './rule-rows.js';
import { historyOf, pushed, redone, undone, type History } from './undo.js';

export interface EditorState {
  doc: PolicyDocument;
  history: History<Lines>;
  /** The line index of the selected row. */
  selected: number | null;
  /** Lines (trimmed) that came from outside since the file was opened: shown highlighted. */
  arrived: ReadonlySet<string>;
  /** The file as it is now, when it changed under unsaved edits or a save found it changed. */
  conflict: PolicyDocument | null;
  /** Set while text is typed: one undo step takes back the whole run of typing. */
  typing: boolean;
}

export type EditorAction =
  | { type: 'edited'; lines: Lines; select?: number | null }
  /** A keystroke in the text: joins the run of typing before it into one undo step. */
  | { type: 'typed'; lines: Lines }
  | { type: 'undo' }
  | { type: 'redo' }
  | { type: 'selected'; index: number | null }
  /** The file was written by someone else (a prompt's "always" answer, another program). */
  | { type: 'changedOutside'; doc: PolicyDocument }
  | { type: 'saved'; doc: PolicyDocument }
  | { type: 'conflict'; doc: PolicyDocument }
  /** Resolving a conflict: the file as it is now replaces the draft (undo brings it back). */
  | { type: 'takeTheirs' }
  /** Resolving a conflict: the draft stays, and the next save replaces the file as it is now. */
  | { type: 'keepMine' };

export function openedState(doc: PolicyDocument, selected: number | null = null): EditorState {
  return {
    doc,
    history: historyOf(linesOfText(doc.text)),
    selected,
    arrived: new Set(),
    conflict: null,
    typing: false,
  };
}

/** Whether the draft differs from the file as it was read. */
export function isDirty(state: EditorState): boolean {
  return textOfLines(state.history.present) !== state.doc.text;
}

export function editorReducer(state: EditorState, action: EditorAction): EditorState {
  const next = reduce(state, action);
  const typing = action.type === 'typed';
  return next.typing === typing ? next : { ...next, typing };
}

function reduce(state: EditorState, action: EditorAction): EditorState {
  switch (action.type) {
    case 'typed':
      return {
        ...state,
        history: state.typing
          ? { ...state.history, present: action.lines, future: [] }
          : pushed(state.history, action.lines),
      };
    case 'edited':
      return {
        ...state,
        history: pushed(state.history, action.lines),
        selected: action.select === undefined ? state.selected : action.select,
      };
    case 'undo':
      return { ...state, history: undone(state.history) };
    case 'redo':
      return { ...state, history: redone(state.history) };
    case 'selected':
      return { ...state, selected: action.index };
    case 'changedOutside': {
      if (action.doc.version === state.doc.version) return state;
      if (isDirty(state)) return { ...state, conflict: action.doc };
      return adopted(state, action.doc);
    }
    case 'saved':
      return { ...state, doc: action.doc, conflict: null };
    case 'conflict':
      return { ...state, conflict: action.doc };
    case 'takeTheirs':
      return state.conflict === null ? state : adopted(state, state.conflict);
    case 'keepMine':
      return state.conflict === null ? state : { ...state, doc: state.conflict, conflict: null };
  }
}

/** The file's new text becomes the draft (undoable), its new lines highlighted and selected. */
function adopted(state: EditorState, doc: PolicyDocument): EditorState {
  const lines = linesOfText(doc.text);
  const before = new Set(state.history.present.map((l) => l.trim()));
  const fresh = lines.filter((l) => l.trim() !== '' && !before.has(l.trim())).map((l) => l.trim());
  const arrived = new Set([...state.arrived, ...fresh]);
  const first = lines.findIndex((l) => fresh.includes(l.trim()));
  return {
    doc,
    history: pushed(state.history, lines),
    selected: first >= 0 ? first : state.selected,
    arrived,
    conflict: null,
    typing: false,
  };
}
