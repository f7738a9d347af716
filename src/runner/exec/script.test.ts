import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { buildScript, scriptFileName, shellQuote } from './script.ts';

test('echoes each command before running it and stops at the first failure', () => {
  const script = buildScript(['echo "it\'s $HOME"', 'false', 'echo never']);
  let output = '';
  try {
    execFileSync('/bin/sh', ['-c', script], { env: { HOME: '/h', PATH: process.env.PATH ?? '' } });
  } catch (error) {
    output = String((error as { stdout: Buffer }).stdout);
  }
  assert.equal(output, `+ echo "it's $HOME"\nit's /h\n+ false\n`);
});

test('quotes any text as one shell word', () => {
  for (const text of ["a'b", '$(rm -rf /)', 'back\\slash %s', '']) {
    assert.equal(execFileSync('/bin/sh', ['-c', `printf '%s' ${shellQuote(text)}`]).toString(), text);
  }
});

test('script names cannot leave their folder', () => {
  assert.equal(scriptFileName(3, '../../etc/passwd'), '3-.._.._etc_passwd.sh');
  assert.doesNotMatch(scriptFileName(1, 'a/b c'), /\//);
});
