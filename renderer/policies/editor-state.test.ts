import { test } from 'node:test';
import assert from 'node:assert/strict';

import type { PolicyDocument } from '../../app/common/contract.js';
import { editorReducer, isDirty, openedState } from './editor-state.js';

const HEAD = 'Policy: /usr/bin/cat, Emulation: native\n';
const doc = (text: string, version: string, path = '/u/usr_bin_cat'): PolicyDocument => ({
  path,
  kind: 'policy',
  origin: 'user',
  name: '/usr/bin/cat',
  text,
  version,
  savesTo: path,
  arch: 'x86_64',
});

test('a rule written to the file while the editor is clean appears at once, highlighted and selected', () => {
  let s = openedState(doc(`${HEAD}\tnative-read: permit\n`, 'v1'));
  s = editorReducer(s, {
    type: 'changedOutside',
    doc: doc(
      `${HEAD}\tnative-read: permit\n\tnative-fsread: filename eq "/etc/hosts" then permit\n`,
      'v2',
    ),
  });
  assert.equal(s.conflict, null);
  assert.equal(s.history.present[2], '\tnative-fsread: filename eq "/etc/hosts" then permit');
  assert.deepEqual([...s.arrived], ['native-fsread: filename eq "/etc/hosts" then permit']);
  assert.equal(s.selected, 2);
  assert.equal(isDirty(s), false);
  assert.equal(s.doc.version, 'v2');
});

test('a change under unsaved edits is a conflict: the draft is kept, and either side can win', () => {
  const opened = openedState(doc(`${HEAD}\tnative-read: permit\n`, 'v1'));
  const mine = editorReducer(opened, {
    type: 'edited',
    lines: [...opened.history.present, '\tnative-write: permit'],
  });
  assert.equal(isDirty(mine), true);
  const theirs = doc(`${HEAD}\tnative-close: permit\n`, 'v2');
  const conflicted = editorReducer(mine, { type: 'changedOutside', doc: theirs });
  assert.equal(conflicted.conflict, theirs);
  assert.equal(conflicted.history.present, mine.history.present, 'the draft is not overwritten');

  const kept = editorReducer(conflicted, { type: 'keepMine' });
  assert.equal(kept.conflict, null);
  assert.equal(kept.doc.version, 'v2', 'the next save is based on their version');
  assert.equal(kept.history.present, mine.history.present);

  const taken = editorReducer(conflicted, { type: 'takeTheirs' });
  assert.equal(taken.history.present[1], '\tnative-close: permit');
  assert.equal(editorReducer(taken, { type: 'undo' }).history.present, mine.history.present);
});

test('an edit, undo and redo; saving makes the draft clean against the saved file', () => {
  const opened = openedState(doc(`${HEAD}`, 'v1', '/etc/usr_bin_cat'));
  const edited = editorReducer(opened, {
    type: 'edited',
    lines: [HEAD.trim(), '\tnative-read: permit'],
    select: 1,
  });
  assert.equal(edited.selected, 1);
  assert.equal(isDirty(editorReducer(edited, { type: 'undo' })), false);
  assert.equal(
    isDirty(editorReducer(editorReducer(edited, { type: 'undo' }), { type: 'redo' })),
    true,
  );
  const saved = editorReducer(edited, {
    type: 'saved',
    doc: doc(`${HEAD}\tnative-read: permit\n`, 'v2'),
  });
  assert.equal(isDirty(saved), false);
  assert.equal(saved.doc.path, '/u/usr_bin_cat', 'a system policy is saved as the user’s copy');
});

test('a run of typing is one undo step', () => {
  const opened = openedState(doc(`${HEAD}`, 'v1'));
  let s = opened;
  for (const text of ['\tn', '\tna', '\tnat'])
    s = editorReducer(s, { type: 'typed', lines: [HEAD.trim(), text] });
  assert.deepEqual(s.history.present, [HEAD.trim(), '\tnat']);
  assert.equal(editorReducer(s, { type: 'undo' }).history.present, opened.history.present);
  // Another kind of edit ends the run.
  s = editorReducer(s, { type: 'selected', index: 0 });
  s = editorReducer(s, { type: 'typed', lines: [HEAD.trim(), '\tnati'] });
  assert.deepEqual(editorReducer(s, { type: 'undo' }).history.present, [HEAD.trim(), '\tnat']);
});
