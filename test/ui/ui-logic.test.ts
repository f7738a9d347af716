/** The web UI's pure parts: ANSI colours, the SSE parser, the pipeline graph layout and role gating. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseAnsi, stripAnsi } from '../../ui/src/ansi.ts';
import { layers } from '../../ui/src/components/dag-layout.ts';
import { SseParser } from '../../ui/src/sse-parser.ts';
import { allowed, mayApprove, mayChangeEnvironment, type Role, type User } from '../../ui/src/permissions.ts';

describe('ANSI colours', () => {
  it('turns SGR sequences into styled segments and carries the style over lines', () => {
    const first = parseAnsi('plain \u001b[1;31mbold red\u001b[39m still bold');
    assert.deepEqual(first.segments, [
      { text: 'plain ', style: {} },
      { text: 'bold red', style: { bold: true, fg: '#e05561' } },
      { text: ' still bold', style: { bold: true } },
    ]);
    const second = parseAnsi('next line\u001b[0m done', first.style);
    assert.deepEqual(second.segments, [
      { text: 'next line', style: { bold: true } },
      { text: ' done', style: {} },
    ]);
  });

  it('reads 256-colour and true-colour codes and drops other escapes', () => {
    const { segments } = parseAnsi('\u001b[38;5;196mx\u001b[48;2;1;2;3my\u001b[2K\u001b]0;title\u0007z');
    assert.deepEqual(
      segments.map((s) => [s.text, s.style.fg, s.style.bg]),
      [
        ['x', 'rgb(255,0,0)', undefined],
        ['yz', 'rgb(255,0,0)', 'rgb(1,2,3)'],
      ],
    );
  });

  it('never loses or invents visible text (fuzzed)', () => {
    const piece = fc.oneof(
      fc.string(),
      fc.constantFrom('\u001b[0m', '\u001b[1;32m', '\u001b[38;5;9m', '\u001b[48;2;9;9;9m', '\u001b[K', '\u001b[?25l', '\u001b]0;t\u0007', '\u001b[', '\u001b'),
    );
    fc.assert(
      fc.property(fc.array(piece), (pieces) => {
        const text = pieces.join('');
        const { segments } = parseAnsi(text);
        assert.equal(segments.map((s) => s.text).join(''), stripAnsi(text));
        for (const s of segments) assert.ok(s.text.length > 0);
      }),
    );
  });
});

describe('SSE parser', () => {
  it('splits events across arbitrary chunk boundaries', () => {
    const stream = ': open\n\nid: 0\nevent: line\ndata: {"pos":0}\r\ndata: more\n\nid: 1\nevent: line\ndata: {"pos":1}\r\n\r\nevent: end\ndata: {"next":2}\n\n';
    const expected = [
      { event: 'line', id: '0', data: '{"pos":0}\nmore' },
      { event: 'line', id: '1', data: '{"pos":1}' },
      { event: 'end', data: '{"next":2}' },
    ];
    fc.assert(
      fc.property(fc.array(fc.nat({ max: stream.length }), { maxLength: 12 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const parser = new SseParser();
        const events = [];
        let at = 0;
        for (const point of [...points, stream.length]) {
          events.push(...parser.push(stream.slice(at, point)));
          at = point;
        }
        assert.deepEqual(events, expected);
      }),
    );
  });

  it('joins multi-line data', () => {
    assert.deepEqual(new SseParser().push('data: a\ndata: b\n\n'), [{ event: 'message', data: 'a\nb' }]);
  });
});

describe('pipeline graph layout', () => {
  it('puts each step one column after its deepest dependency', () => {
    const node = (id: string, dependsOn: string[] = []) => ({ id, label: id, status: 'pending', dependsOn });
    const result = layers([node('clone'), node('test', ['clone']), node('lint', ['clone']), node('build', ['test', 'lint']), node('notify', ['build', 'clone'])]);
    assert.deepEqual(Object.fromEntries(result), { clone: 0, test: 1, lint: 1, build: 2, notify: 3 });
  });

  it('survives cycles and unknown dependencies', () => {
    const result = layers([
      { id: 'a', label: 'a', status: 'x', dependsOn: ['b', 'ghost'] },
      { id: 'b', label: 'b', status: 'x', dependsOn: ['a'] },
    ]);
    assert.equal(result.size, 2);
  });
});

describe('role gating', () => {
  const user = (role: Role, can?: Record<string, boolean>): User => ({ id: role, login: role, name: role, email: '', role, ...(can ? { can } : {}) });
  const production = { kind: 'production', syncRole: 'release-manager' as const, approvals: { roles: ['release-manager' as const] } };
  const test = { kind: 'test', syncRole: 'developer' as const, approvals: { roles: ['release-manager' as const] } };

  it("needs the environment's sync role on top of the action's", () => {
    assert.equal(mayChangeEnvironment(user('developer'), 'environment.sync', test), true);
    assert.equal(mayChangeEnvironment(user('developer'), 'environment.sync', production), false);
    assert.equal(mayChangeEnvironment(user('release-manager'), 'environment.rollback', production), true);
    assert.equal(mayChangeEnvironment(user('viewer'), 'environment.sync', test), false);
    // An older server without syncRole: production still needs a release manager.
    assert.equal(mayChangeEnvironment(user('developer'), 'environment.sync', { kind: 'production' }), false);
    // The server's own answer wins over the role table.
    assert.equal(mayChangeEnvironment(user('admin', { 'environment.sync': false }), 'environment.sync', test), false);
  });

  it("approves from the environment's least approval role up", () => {
    assert.equal(mayApprove(user('developer'), production), false);
    assert.equal(mayApprove(user('release-manager'), production), true);
    assert.equal(mayApprove(user('admin'), production), true);
    assert.equal(mayApprove(user('developer'), { kind: 'test', approvals: { roles: ['admin', 'developer'] } }), true);
    assert.equal(allowed(user('viewer'), 'no.such.action'), false);
  });
});
