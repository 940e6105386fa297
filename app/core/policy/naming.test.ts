import { test } from 'node:test';
import assert from 'node:assert/strict';
import { policyFileName } from './naming.js';

test('a policy file is named after the path with slashes and punctuation turned into _', () => {
  assert.equal(policyFileName('/usr/bin/ls'), 'usr_bin_ls');
  assert.equal(policyFileName('/usr/sbin/lpd'), 'usr_sbin_lpd');
  assert.equal(
    policyFileName('/usr/lib/gcc/x86_64-linux-gnu/13/cc1'),
    'usr_lib_gcc_x86_64_linux_gnu_13_cc1',
  );
  assert.equal(policyFileName('/opt/my app/run.sh'), 'opt_my_app_run_sh');
});

test('the same binary written two ways gets the same policy file', () => {
  assert.equal(policyFileName('/usr//bin/./ls'), 'usr_bin_ls');
});

test('a relative path is refused with a message that says why', () => {
  assert.throws(() => policyFileName('ls'), /"ls" is relative/);
  assert.throws(() => policyFileName('./bin/ls'), /relative/);
  assert.throws(() => policyFileName('/'), /directory/);
});
