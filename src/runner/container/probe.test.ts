import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { hybridCgroup2Mount, ulimitsWithin, unmountWrapper } from './probe.ts';

const hybrid = [
  '31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755',
  '32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu',
  '41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw',
].join('\n');

test('finds the cgroup2 mount of a hybrid layout only', () => {
  assert.equal(hybridCgroup2Mount(hybrid), '/sys/fs/cgroup/unified');
  assert.equal(hybridCgroup2Mount('29 23 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw'), undefined);
  assert.equal(hybridCgroup2Mount(hybrid.split('\n').slice(0, 2).join('\n')), undefined);
});

test('the wrapper unmounts in its own namespace and runs the command with its arguments intact', () => {
  const wrapper = unmountWrapper('/sys/fs/cgroup/unified');
  assert.deepEqual(wrapper.slice(0, 4), ['unshare', '-m', '--propagation', 'unchanged']);
  // The shell part alone, with a harmless stand-in for umount.
  const script = wrapper[6]!.replace('umount', 'test -n');
  assert.equal(execFileSync('sh', ['-c', script, 'sh', 'printf', '%s|', 'a b', "it's"], { encoding: 'utf8' }), "a b|it's|");
});

test('asks for ulimits within the hard limits podman would exceed', () => {
  const limits = [
    'Limit                     Soft Limit           Hard Limit           Units',
    'Max processes             96365                96365                processes',
    'Max open files            1024                 20000                files',
  ].join('\n');
  assert.deepEqual(ulimitsWithin(limits, 32768), ['nofile=20000:20000', 'nproc=32768:32768']);
  assert.deepEqual(ulimitsWithin(limits.replace('20000', 'unlimited'), 4194304), ['nproc=96365:96365']);
  assert.deepEqual(ulimitsWithin('Max processes unlimited unlimited\nMax open files 1048576 1048576', 4194304), []);
});
