import { test } from 'node:test';
import assert from 'node:assert/strict';

import { appSocketDir, ownPlaces } from './own-files.js';
import { supervisorArguments } from './supervisor/supervisor.js';

test("sysgate's own places follow the XDG variables, with the run's own folder and files", () => {
  const env = {
    XDG_CONFIG_HOME: '/c',
    XDG_CACHE_HOME: '/k',
    XDG_DATA_HOME: '/d',
    XDG_RUNTIME_DIR: '/run/user/7',
  };
  assert.deepEqual(
    ownPlaces(['/srv/pol', '/srv/pol/templates', '/tmp/one-policy'], env, '/home/u'),
    [
      '/c/sysgate',
      '/c/sysgate/policies',
      '/c/sysgate/policies/templates',
      '/k/sysgate',
      '/k/sysgate/compiled',
      '/k/sysgate/runs',
      '/d/sysgate',
      '/run/user/7/sysgate',
      '/etc/sysgate',
      '/etc/sysgate/policies',
      '/etc/sysgate/policies/templates',
      '/var/lib/sysgate',
      '/srv/pol',
      '/srv/pol/templates',
      '/tmp/one-policy',
    ],
  );
});

test('without the XDG variables (or with relative ones), the places are under HOME, the socket in /tmp', () => {
  const places = ownPlaces([], { XDG_CONFIG_HOME: 'relative' }, '/home/u');
  for (const place of ['/home/u/.config/sysgate', '/home/u/.local/share/sysgate', '/etc/sysgate'])
    assert.ok(places.includes(place), place);
  assert.ok(places.some((p) => p.endsWith('/sysgate/runs')));
  assert.equal(appSocketDir({}), `/tmp/sysgate-${process.getuid!()}`);
});

test('$SYSGATE_SYSTEM_ROOT moves the system policies and the system history, and they stay protected', () => {
  const places = ownPlaces([], { SYSGATE_SYSTEM_ROOT: '/srv/root' }, '/home/u');
  for (const place of [
    '/srv/root/etc/sysgate',
    '/srv/root/etc/sysgate/policies',
    '/srv/root/etc/sysgate/policies/templates',
    '/srv/root/var/lib/sysgate',
  ])
    assert.ok(places.includes(place), place);
  assert.ok(!places.includes('/etc/sysgate'));
  // A relative root is no root: the system's places stay where they are.
  assert.ok(ownPlaces([], { SYSGATE_SYSTEM_ROOT: 'srv' }, '/home/u').includes('/etc/sysgate'));
});

test('the supervisor is told every place, one --protect each', () => {
  const args = supervisorArguments({
    command: 'true',
    args: [],
    mode: 'enforce',
    protect: ['/a', '/b'],
  });
  assert.deepEqual(args, ['--mode', 'enforce', '--protect', '/a', '--protect', '/b']);
  const byDefault = supervisorArguments({ command: 'true', args: [], mode: 'enforce' });
  assert.deepEqual(
    byDefault.filter((_, i) => byDefault[i - 1] === '--protect'),
    ownPlaces(),
  );
});
