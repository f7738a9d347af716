import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { changedFilesOf } from './files.ts';
import { hostMessage } from './http.ts';
import { pathOf, splitFullName } from './payload.ts';
import { truncate } from './text.ts';

describe('host helpers', () => {
  it('truncates by characters, never splitting a surrogate pair', () => {
    assert.equal(truncate('short', 140), 'short');
    assert.equal(truncate('abcdef', 4), 'abc…');
    assert.equal(truncate('😀😀😀😀', 3), '😀😀…');
  });

  it('reads the host’s message, including GitLab’s per-field messages', () => {
    assert.equal(hostMessage('{"message":"Validation Failed"}'), 'Validation Failed');
    assert.equal(hostMessage('{"message":{"state":["is invalid"]}}'), '{"state":["is invalid"]}');
    assert.equal(hostMessage('{"error":"state does not have a valid value"}'), 'state does not have a valid value');
    assert.equal(hostMessage('  <html>Bad Gateway</html> '), '<html>Bad Gateway</html>');
  });

  it('merges the file lists of all commits, sorted and unique, or leaves them to git', () => {
    const commits = [
      { added: ['b'], removed: [], modified: ['a'] },
      { added: [], removed: ['b'], modified: ['a', 'c'] },
    ];
    assert.deepEqual(changedFilesOf(commits, true), ['a', 'b', 'c']);
    assert.equal(changedFilesOf(commits, false), undefined);
    assert.equal(changedFilesOf([], true), undefined);
    assert.equal(changedFilesOf([{ added: ['a'], modified: [] }], true), undefined);
  });

  it('formats field paths and splits repository names', () => {
    assert.equal(pathOf(['commits', 1, 'added', 0]), 'commits[1].added[0]');
    assert.equal(pathOf([]), '');
    assert.deepEqual(splitFullName('group/sub/project'), { namespace: 'group/sub', name: 'project' });
  });
});
