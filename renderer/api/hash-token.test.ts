import { test } from 'node:test';
import assert from 'node:assert/strict';

import { apiAddress, tokenFromHash } from './hash-token.js';

test('the token is read from the fragment and nothing is left behind', () => {
  assert.deepEqual(tokenFromHash('#token=abc123'), { token: 'abc123', rest: '' });
});

test('other parts of the fragment are kept, in order', () => {
  assert.deepEqual(tokenFromHash('#view=policies&token=s3cr%2Bt&x=1'), {
    token: 's3cr+t',
    rest: '#view=policies&x=1',
  });
});

test('no fragment, an empty token or a fragment without one give no token', () => {
  assert.deepEqual(tokenFromHash(''), { token: null, rest: '' });
  assert.deepEqual(tokenFromHash('#token='), { token: null, rest: '' });
  assert.deepEqual(tokenFromHash('#section'), { token: null, rest: '#section' });
});

test('the API is reached on the same host, over wss when the page came over https', () => {
  assert.equal(
    apiAddress({ protocol: 'http:', host: '127.0.0.1:4000' }, 'a b'),
    'ws://127.0.0.1:4000/api?token=a%20b',
  );
  assert.equal(
    apiAddress({ protocol: 'https:', host: 'example.test' }, 't'),
    'wss://example.test/api?token=t',
  );
});
