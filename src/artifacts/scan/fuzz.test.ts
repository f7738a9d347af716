import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { ConfigError } from '../../core/index.ts';
import { parseGrypeReport, parseScanReport, parseTrivyReport, severities } from './index.ts';
import type { ScanReport } from './index.ts';

const fixtures = ['trivy-image.json', 'grype-image.json'].map((name) =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as unknown,
);
const parsers = [parseScanReport, parseTrivyReport, parseGrypeReport];

/** Either a well-formed report or a ConfigError; never anything else. */
function check(text: string): void {
  for (const parse of parsers) {
    let report: ScanReport;
    try {
      report = parse(text, 'fuzz.json');
    } catch (error) {
      assert.ok(error instanceof ConfigError, `unexpected ${String(error)}`);
      assert.match(error.message, /^fuzz\.json: /);
      continue;
    }
    for (const f of report.findings) {
      assert.equal(typeof f.id, 'string');
      assert.ok(f.id.length > 0);
      assert.ok(severities.includes(f.severity));
    }
    const keys = report.findings.map((f) => `${f.id}\u0000${f.package}`);
    assert.equal(new Set(keys).size, keys.length, 'findings are unique by (id, package)');
  }
}

/** Replaces, removes or retypes the value at a random path of a fixture. */
type Mutation = { path: number[]; action: 'delete' | 'replace'; value: unknown };

function mutate(value: unknown, mutation: Mutation): unknown {
  const copy = structuredClone(value);
  let node = copy;
  const steps = mutation.path;
  for (let i = 0; i < steps.length; i++) {
    if (node === null || typeof node !== 'object') break;
    const keys = Object.keys(node);
    if (keys.length === 0) break;
    const key = keys[(steps[i] ?? 0) % keys.length] as string;
    const child = (node as Record<string, unknown>)[key];
    const last = i === steps.length - 1 || child === null || typeof child !== 'object';
    if (last) {
      if (mutation.action === 'delete') delete (node as Record<string, unknown>)[key];
      else (node as Record<string, unknown>)[key] = mutation.value;
      break;
    }
    node = child;
  }
  return copy;
}

test('random JSON gives a report or a ConfigError', () => {
  fc.assert(fc.property(fc.json({ depthSize: 'small' }), check), { numRuns: 300 });
});

test('random text gives a ConfigError', () => {
  fc.assert(
    fc.property(fc.string(), (text) => {
      check(text);
    }),
    { numRuns: 200 },
  );
});

test('mutated fixtures give a report or a ConfigError', () => {
  const mutation = fc.record({
    path: fc.array(fc.nat(50), { minLength: 1, maxLength: 8 }),
    action: fc.constantFrom('delete' as const, 'replace' as const),
    value: fc.jsonValue({ depthSize: 'small' }),
  });
  fc.assert(
    fc.property(fc.constantFrom(...fixtures), fc.array(mutation, { minLength: 1, maxLength: 4 }), (fixture, mutations) => {
      const mutated = mutations.reduce((value, m) => mutate(value, m), fixture);
      check(JSON.stringify(mutated));
    }),
    { numRuns: 300 },
  );
});

test('truncated fixtures give a ConfigError', () => {
  const text = JSON.stringify(fixtures[0]);
  fc.assert(
    fc.property(fc.integer({ min: 0, max: text.length - 1 }), (end) => {
      assert.throws(() => parseScanReport(text.slice(0, end), 'fuzz.json'), ConfigError);
    }),
    { numRuns: 100 },
  );
});
