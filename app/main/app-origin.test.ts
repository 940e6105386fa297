import { test } from 'node:test';
import assert from 'node:assert/strict';

import { appUrl, CONTENT_SECURITY_POLICY, fileOf, isAppUrl } from './app-origin.js';

const root = '/opt/sysgate/build/renderer';

test('the app serves the files of the built renderer, index.html for the root', () => {
  assert.equal(fileOf(root, '/'), `${root}/index.html`);
  assert.equal(fileOf(root, '/index.html'), `${root}/index.html`);
  assert.equal(fileOf(root, '/assets/index-1234.js'), `${root}/assets/index-1234.js`);
  assert.equal(fileOf(root, '/assets/a%20b.css'), `${root}/assets/a b.css`);
});

test('no URL reaches a file outside the built renderer', () => {
  for (const path of [
    '/../package.json',
    '/assets/../../policies/x',
    '/%2e%2e/package.json',
    '/%2e%2e%2fpackage.json',
    '/..%2f..%2fetc/passwd',
    '/a%00b',
    '/%E0%A4%A',
    '/..',
  ]) {
    assert.equal(fileOf(root, path), null, path);
  }
});

test('only sysgate://app is the app', () => {
  assert.ok(isAppUrl(appUrl()));
  assert.ok(isAppUrl(appUrl('#prompt')));
  assert.ok(isAppUrl('sysgate://app'));
  for (const url of [
    'sysgate://evil/index.html',
    'file:///opt/sysgate/build/renderer/index.html',
    'https://app/',
    'http://127.0.0.1/',
    'about:blank',
    'devtools://devtools/',
    '',
    'not a url',
  ]) {
    assert.equal(isAppUrl(url), false, url);
  }
});

test('the pages may run and style only what the app serves, and reach nothing', () => {
  const directives = new Map(
    CONTENT_SECURITY_POLICY.split('; ').map((d) => [
      d.split(' ')[0],
      d.split(' ').slice(1).join(' '),
    ]),
  );
  assert.equal(directives.get('default-src'), "'none'");
  assert.equal(directives.get('script-src'), "'self'");
  assert.equal(directives.get('style-src'), "'self'");
  assert.equal(directives.get('connect-src'), "'self'");
  // Workers only of the app's own scripts (the policy editor's linter), never a blob: or data:.
  assert.equal(directives.get('worker-src'), "'self'");
  assert.equal(directives.get('object-src'), "'none'");
  assert.equal(directives.get('frame-ancestors'), "'none'");
  assert.ok(!CONTENT_SECURITY_POLICY.includes('unsafe'));
});
