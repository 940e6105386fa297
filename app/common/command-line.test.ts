import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CommandLineError, splitCommandLine } from './command-line.js';

test('words are separated by spaces, and quotes keep spaces in a word', () => {
  assert.deepEqual(splitCommandLine('cat /etc/hostname'), ['cat', '/etc/hostname']);
  assert.deepEqual(splitCommandLine(`  sh -c 'echo "hi there"; exit 3'  `), [
    'sh',
    '-c',
    'echo "hi there"; exit 3',
  ]);
  assert.deepEqual(splitCommandLine('echo "a \\"b\\" c" d\\ e'), ['echo', 'a "b" c', 'd e']);
  assert.deepEqual(splitCommandLine(`printf ''`), ['printf', '']);
});

test('nothing is expanded', () => {
  assert.deepEqual(splitCommandLine('echo $HOME ~ *'), ['echo', '$HOME', '~', '*']);
});

test('an unterminated quote is an error that says where', () => {
  assert.throws(
    () => splitCommandLine(`echo 'oops`),
    (e: unknown) => e instanceof CommandLineError && e.at === 5,
  );
});
