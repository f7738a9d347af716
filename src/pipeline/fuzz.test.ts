import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { ConfigError } from '../core/index.ts';
import { compilePlan } from './compile.ts';
import type { BuildContext } from './context.ts';
import { lintPipelineFile } from './lint.ts';
import { parsePipelineFile } from './parse.ts';
import { substitute } from './substitute.ts';

const context: BuildContext = {
  repo: { namespace: 'a', name: 'b', link: '', cloneUrl: 'http://x/a/b.git', defaultBranch: 'main', visibility: 'public', private: false },
  build: { number: 1, event: 'push', trigger: 'x', created: 0, link: '', params: {} },
  commit: { sha: 'abc', before: '', ref: 'refs/heads/main', branch: 'main', sourceBranch: 'main', targetBranch: 'main', message: '', link: '', author: { name: '', email: '', username: '', avatar: '' } },
  changedFiles: ['src/a.ts'],
  system: { proto: 'http', host: 'h', version: '1' },
};

const valid = `kind: pipeline
name: build
environment: {A: "\${DRONE_BRANCH}"}
steps:
- name: test
  image: node
  commands: [npm test]
  when: {branch: [main, feature/*], event: {exclude: [tag]}}
- name: publish
  image: plugins/docker
  settings: {repo: x, tags: [a, b], password: {from_secret: p}}
  depends_on: [test]
---
kind: pipeline
type: exec
name: deploy
depends_on: [build]
steps:
- name: go
  commands: ["echo \${DRONE_COMMIT_SHA:0:8}"]
---
kind: secret
name: p
data: x
`;

/** parse, lint and compile must only ever fail with ConfigError, and every diagnostic must have a position. */
function check(text: string): void {
  const parsed = parsePipelineFile(text, 'f.yml');
  const diagnostics = lintPipelineFile(text, 'f.yml');
  for (const d of [...parsed.diagnostics, ...diagnostics]) {
    assert.ok(Number.isInteger(d.line) && d.line >= 1, JSON.stringify(d));
    assert.ok(Number.isInteger(d.column) && d.column >= 1, JSON.stringify(d));
    assert.equal(d.file, 'f.yml');
    assert.ok(d.message.length > 0);
  }
  try {
    compilePlan(parsed, context);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    assert.ok(Array.isArray(error.details) && error.details.length > 0);
  }
}

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 20 }) }),
  fc.record({ kind: fc.constant('swap' as const), at: fc.nat(), other: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom(':', '-', '[', '{', '}', '"', "'", '\n', '  ', '&a', '*a', '<<: *a', '${', '$$', '!!binary', '#', '\t', '---\n') }),
);

interface Mutation {
  kind: string;
  at: number;
  length?: number;
  other?: number;
  text?: string;
}

function mutate(text: string, m: Mutation): string {
  const at = m.at % (text.length + 1);
  switch (m.kind) {
    case 'delete':
      return text.slice(0, at) + text.slice(at + (m.length ?? 1));
    case 'duplicate':
      return text.slice(0, at) + text.slice(at, at + (m.length ?? 1)) + text.slice(at);
    case 'swap': {
      const chars = [...text];
      const b = (m.other ?? 0) % chars.length;
      const a = at % chars.length;
      [chars[a], chars[b]] = [chars[b] ?? '', chars[a] ?? ''];
      return chars.join('');
    }
    default:
      return text.slice(0, at) + (m.text ?? '') + text.slice(at);
  }
}

describe('fuzz', () => {
  it('never throws on random YAML-ish text', () => {
    const yamlish = fc
      .array(fc.oneof(fc.constantFrom('kind: pipeline\n', 'steps:\n', '- name: a\n', '  image: x\n', 'depends_on: [a]\n', 'when: {', '}', '[', ']', '"', ': ', '- ', '\n', '  ', '&x ', '*x', '---\n', '${A', '}'), fc.string({ maxLength: 8 })), { maxLength: 40 })
      .map((parts) => parts.join(''));
    fc.assert(fc.property(yamlish, (text) => check(text)), { numRuns: 300 });
  });

  it('never throws on random values dumped as YAML', () => {
    const value = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }),
      fc.record({ kind: fc.constantFrom('pipeline', 'secret', 'x'), name: fc.jsonValue({ maxDepth: 1 }), steps: fc.array(fc.dictionary(fc.constantFrom('name', 'image', 'commands', 'when', 'depends_on', 'settings', 'environment', 'volumes'), fc.jsonValue({ maxDepth: 3 })), { maxLength: 4 }), trigger: fc.jsonValue({ maxDepth: 3 }), clone: fc.jsonValue({ maxDepth: 2 }) }, { requiredKeys: ['kind'] }),
    );
    fc.assert(fc.property(fc.array(value, { minLength: 1, maxLength: 3 }), (docs) => check(docs.map((d) => stringify(d)).join('---\n'))), { numRuns: 300 });
  });

  it('never throws on mutations of a valid file', () => {
    check(valid);
    fc.assert(fc.property(fc.array(mutation, { minLength: 1, maxLength: 6 }), (ms) => check(ms.reduce(mutate, valid))), { numRuns: 400 });
  });

  it('never throws on shuffled lines of a valid file', () => {
    const lines = valid.split('\n');
    fc.assert(fc.property(fc.shuffledSubarray(lines, { minLength: 1 }), (picked) => check(picked.join('\n'))), { numRuns: 200 });
  });

  it('substitute never throws and is the identity on text without $', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('$', '{', '}', ':', '/', '#', '%', '^', ',', '=', '-', 'A', '0', '\\', ' '), maxLength: 30 }), (s) => {
        substitute(s, { A: 'value/x' });
      }),
      { numRuns: 500 },
    );
    fc.assert(fc.property(fc.string({ maxLength: 50 }).filter((s) => !s.includes('$')), (s) => substitute(s, {}) === s), { numRuns: 200 });
  });
});
