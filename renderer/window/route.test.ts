import { test } from 'node:test';
import assert from 'node:assert/strict';

import { tokenFromHash } from '../api/hash-token.js';
import {
  hashChange,
  hashParameter,
  historyHash,
  isPromptPage,
  policyHash,
  routeFromHash,
  viewHash,
} from './route.js';

test('the fragments the Electron shell sets name a page and a view', () => {
  assert.deepEqual(routeFromHash('#prompt'), { page: 'prompt' });
  assert.deepEqual(routeFromHash('#sessions'), {
    page: 'main',
    view: 'sessions',
    focusCommand: false,
  });
  assert.deepEqual(routeFromHash('#policies'), {
    page: 'main',
    view: 'policies',
    focusCommand: false,
  });
  assert.deepEqual(routeFromHash('#new-session'), {
    page: 'main',
    view: 'sessions',
    focusCommand: true,
  });
  assert.deepEqual(routeFromHash('#statistics'), {
    page: 'main',
    view: 'statistics',
    focusCommand: false,
  });
});

test('no fragment, an unknown one or a token alone is no route', () => {
  assert.equal(routeFromHash(''), null);
  assert.equal(routeFromHash('#'), null);
  assert.equal(routeFromHash('#nothing'), null);
  assert.equal(routeFromHash('#Prompt'), null);
  assert.equal(routeFromHash('#toString'), null);
  assert.equal(routeFromHash('#__proto__'), null);
  assert.equal(routeFromHash('#token=abc'), null);
  // A token that happens to read like a route is still a token.
  assert.equal(routeFromHash('#token=prompt'), null);
  assert.equal(routeFromHash('#prompt=1'), null);
});

test('the web shell’s token and a route share the fragment, in either order', () => {
  assert.deepEqual(routeFromHash('#token=abc&prompt'), { page: 'prompt' });
  assert.deepEqual(routeFromHash('#prompt&token=abc'), { page: 'prompt' });
  assert.deepEqual(routeFromHash('#token=abc&policies')?.page, 'main');
  // What the token handling leaves in the address is the route alone.
  assert.equal(tokenFromHash('#token=abc&prompt').rest, '#prompt');
  assert.equal(tokenFromHash('#prompt&token=abc').rest, '#prompt');
  assert.equal(isPromptPage(tokenFromHash('#token=abc&prompt').rest), true);
});

test('the first route named is the one taken', () => {
  assert.deepEqual(routeFromHash('#x&policies&sessions'), {
    page: 'main',
    view: 'policies',
    focusCommand: false,
  });
});

test('only #prompt makes the prompt page', () => {
  assert.equal(isPromptPage('#prompt'), true);
  assert.equal(isPromptPage('prompt'), true);
  assert.equal(isPromptPage(''), false);
  assert.equal(isPromptPage('#sessions'), false);
  assert.equal(isPromptPage('#token=abc'), false);
});

test('a view is kept in the address as its own name', () => {
  assert.equal(viewHash('sessions'), '#sessions');
  assert.equal(viewHash('policies'), '#policies');
  assert.deepEqual(routeFromHash(viewHash('policies'))?.page, 'main');
});

test('the main page follows the views it is asked for, and ignores what names none', () => {
  assert.deepEqual(hashChange('#policies', false), {
    action: 'show',
    view: 'policies',
    focusCommand: false,
  });
  assert.deepEqual(hashChange('#new-session', false), {
    action: 'show',
    view: 'sessions',
    focusCommand: true,
  });
  assert.deepEqual(hashChange('', false), { action: 'ignore' });
  assert.deepEqual(hashChange('#elsewhere', false), { action: 'ignore' });
});

test('becoming the other page, or a new token, loads the page again', () => {
  assert.deepEqual(hashChange('#prompt', false), { action: 'reload' });
  assert.deepEqual(hashChange('#sessions', true), { action: 'reload' });
  assert.deepEqual(hashChange('', true), { action: 'reload' });
  assert.deepEqual(hashChange('#token=new', false), { action: 'reload' });
  assert.deepEqual(hashChange('#prompt&token=new', true), { action: 'reload' });
  assert.deepEqual(hashChange('#token=new&prompt', true), { action: 'reload' });
  // An empty token is no token (api/hash-token.ts): nothing to take up.
  assert.deepEqual(hashChange('#token=', false), { action: 'ignore' });
});

test('the prompt page stays as it is while the fragment still says #prompt', () => {
  assert.deepEqual(hashChange('#prompt', true), { action: 'ignore' });
  assert.deepEqual(hashChange('#prompt&x=1', true), { action: 'ignore' });
});

test('the history view keeps its filter in the address, and reads it back after a reload', () => {
  const hash = historyHash('prog:ls action:deny "a b&c=d"');
  assert.equal(hash, '#history&q=prog%3Als%20action%3Adeny%20%22a%20b%26c%3Dd%22');
  assert.deepEqual(routeFromHash(hash), { page: 'main', view: 'history', focusCommand: false });
  assert.equal(hashParameter(hash, 'q'), 'prog:ls action:deny "a b&c=d"');
  assert.equal(historyHash('  '), '#history');
  assert.equal(hashParameter('#history', 'q'), null);
  assert.equal(hashParameter('#history&q=%E0%A4%A', 'q'), null, 'a broken escape is no filter');
});

test('the editor’s address: a policy, a line in it, or a rule to draft', () => {
  const rule = 'native-fsread: filename eq "/etc/a&b=c #x" then permit';
  const hash = policyHash({ policy: '/usr/bin/cat', line: null, rule });
  assert.equal(
    hash,
    `#policies&policy=${encodeURIComponent('/usr/bin/cat')}&rule=${encodeURIComponent(rule)}`,
  );
  assert.deepEqual(routeFromHash(hash), {
    page: 'main',
    view: 'policies',
    focusCommand: false,
    policy: { policy: '/usr/bin/cat', line: null, rule },
  });
  assert.deepEqual(routeFromHash('#policies&policy=%2Fbin%2Fls&line=12')?.page, 'main');
  assert.deepEqual(
    (routeFromHash('#policies&policy=%2Fbin%2Fls&line=12') as { policy: unknown }).policy,
    { policy: '/bin/ls', line: 12, rule: null },
  );
  // In any order, beside the web shell's token.
  assert.deepEqual(
    (routeFromHash('#token=abc&line=3&policy=base&policies') as { policy: unknown }).policy,
    { policy: 'base', line: 3, rule: null },
  );
  assert.deepEqual(hashChange('#policies&policy=%2Fbin%2Fls&line=2', false), {
    action: 'show',
    view: 'policies',
    focusCommand: false,
    policy: { policy: '/bin/ls', line: 2, rule: null },
  });
});

test('a policy part without the Policies view, or malformed, opens nothing', () => {
  assert.equal(routeFromHash('#policy=%2Fbin%2Fls'), null);
  assert.deepEqual(routeFromHash('#sessions&policy=%2Fbin%2Fls'), {
    page: 'main',
    view: 'sessions',
    focusCommand: false,
  });
  assert.deepEqual(routeFromHash('#policies&policy=%E0%A4%A'), {
    page: 'main',
    view: 'policies',
    focusCommand: false,
  });
  assert.deepEqual(
    (routeFromHash('#policies&policy=x&line=0&rule=') as { policy: unknown }).policy,
    { policy: 'x', line: null, rule: null },
  );
  assert.deepEqual((routeFromHash('#policies&policy=x&line=-4') as { policy: unknown }).policy, {
    policy: 'x',
    line: null,
    rule: null,
  });
});
