import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dockerignore } from './dockerignore.ts';

describe('dockerignore', () => {
  it('matches like Docker: root-anchored globs, ** across folders, folders excluding their content, last rule wins', () => {
    const ignore = dockerignore(['# comment', '', '/node_modules/', '*.log', '**/*.tmp', 'docs', '!docs/keep.md', 'build/**'].join('\n'));
    const excluded = (path: string) => ignore.excludes(path);
    assert.equal(excluded('node_modules'), true);
    assert.equal(excluded('node_modules/x/index.js'), true);
    assert.equal(excluded('app.log'), true);
    assert.equal(excluded('src/app.log'), false);
    assert.equal(excluded('src/deep/a.tmp'), true);
    assert.equal(excluded('docs/readme.md'), true);
    assert.equal(excluded('docs/keep.md'), false);
    assert.equal(excluded('build/out.js'), true);
    assert.equal(excluded('src/index.ts'), false);
    assert.equal(excluded('.env'), false);
    assert.equal(ignore.hasExceptions, true);
    assert.equal(dockerignore('').excludes('anything'), false);
    assert.equal(dockerignore('.*').excludes('.env'), true);
  });
});
