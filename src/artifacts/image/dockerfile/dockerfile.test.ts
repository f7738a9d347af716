import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDockerfile } from './parse.ts';
import { baseOf, needsContainerBuilder, planDockerfile } from './plan.ts';
import { expandWord, expandWords } from './words.ts';

const plan = (text: string, buildArgs?: Record<string, string>) => planDockerfile(parseDockerfile(text), { buildArgs });

describe('parseDockerfile', () => {
  it('joins continuations, skips comments and blank lines, keeps start lines, reads flags and JSON', () => {
    const parsed = parseDockerfile(
      [
        '# syntax=docker/dockerfile:1',
        'FROM scratch',
        '',
        'COPY --chown=10:20 a \\',
        '  # a comment inside',
        '  b /dst/',
        'CMD ["run", "--fast"]',
        'entrypoint echo hi',
        'CMD [not json',
      ].join('\n'),
    );
    assert.deepEqual(
      parsed.instructions.map((i) => [i.line, i.keyword, i.args, i.flags, i.json]),
      [
        [2, 'FROM', 'scratch', [], undefined],
        [4, 'COPY', 'a b /dst/', [{ name: 'chown', value: '10:20' }], undefined],
        [7, 'CMD', '["run", "--fast"]', [], ['run', '--fast']],
        [8, 'ENTRYPOINT', 'echo hi', [], undefined],
        [9, 'CMD', '[not json', [], undefined],
      ],
    );
  });

  it('honours the escape directive', () => {
    const parsed = parseDockerfile('# escape=`\nFROM scratch\nLABEL a=1 `\n  b=2\n');
    assert.equal(parsed.escape, '`');
    assert.equal(parsed.instructions[1]!.args, 'a=1 b=2');
    assert.throws(() => parseDockerfile('# escape=x\nFROM scratch'), /Dockerfile:1: invalid escape directive/);
  });
});

describe('words', () => {
  const vars = new Map([
    ['A', 'one'],
    ['EMPTY', ''],
  ]);
  it('expands $VAR, ${VAR}, defaults and alternatives, respecting quotes and escapes', () => {
    assert.equal(expandWord('$A-${A}_${MISSING:-def}${A:+alt}${EMPTY:-e}', vars), 'one-one_defalte');
    assert.equal(expandWord("'$A' \"$A\" \\$A", vars), '$A one $A');
    assert.deepEqual(expandWords('x="a b" y=$A  z', vars), ['x=a b', 'y=one', 'z']);
  });
});

describe('planDockerfile', () => {
  it('evaluates every supported instruction', () => {
    const result = plan(
      [
        'ARG TAG=1',
        'ARG REG',
        'FROM ${REG:-127.0.0.1:5000}/base:$TAG AS app',
        'ARG VERSION=0.0.0',
        'ENV APP_HOME=/srv/app PATH_EXTRA="a b"',
        'ENV LEGACY value with spaces',
        'WORKDIR $APP_HOME',
        'WORKDIR sub',
        'COPY --chown=1000:1000 bin/ ./bin/',
        'ADD ["conf.yml", "/etc/app/"]',
        'COPY --link run.sh run',
        'USER 1000:1000',
        'EXPOSE 8080 53/udp 9000-9001/TCP',
        'LABEL version=$VERSION "com.example.team"="core team"',
        'CMD ["--port", "8080"]',
        'ENTRYPOINT ["/srv/app/sub/run"]',
        'CMD serve --port 8080',
      ].join('\n'),
      { VERSION: '2.0.0', TAG: '7' },
    );
    assert.equal(result.base, '127.0.0.1:5000/base:7');
    assert.equal(result.stage, 'app');
    assert.deepEqual(result.settings, {
      env: { APP_HOME: '/srv/app', PATH_EXTRA: 'a b', LEGACY: 'value with spaces' },
      workingDir: '/srv/app/sub',
      user: '1000:1000',
      exposedPorts: ['8080/tcp', '53/udp', '9000/tcp', '9001/tcp'],
      labels: { version: '2.0.0', 'com.example.team': 'core team' },
      entrypoint: ['/srv/app/sub/run'],
      cmd: ['/bin/sh', '-c', 'serve --port 8080'],
    });
    assert.deepEqual(
      result.copies.map((c) => [c.line, c.keyword, c.sources, c.dest, c.uid, c.gid]),
      [
        [9, 'COPY', ['bin/'], '/srv/app/sub/bin/', 1000, 1000],
        [10, 'ADD', ['conf.yml'], '/etc/app/', undefined, undefined],
        [11, 'COPY', ['run.sh'], '/srv/app/sub/run', undefined, undefined],
      ],
    );
    assert.equal(result.history.length, 14);
    assert.equal(result.history.filter((h) => !h.emptyLayer).length, 3);
  });

  it('lets ENTRYPOINT clear an earlier CMD, uses the base environment, reads baseOf', () => {
    const parsed = parseDockerfile('ARG B=base:1\nFROM $B\nCMD ["x"]\nENTRYPOINT ["y"]\nENV P=$PATH:/app');
    const result = planDockerfile(parsed, { baseEnv: ['PATH=/usr/bin'], baseWorkingDir: '/w' });
    assert.equal(result.settings.cmd, undefined);
    assert.deepEqual(result.settings.entrypoint, ['y']);
    assert.deepEqual(result.settings.env, { P: '/usr/bin:/app' });
    assert.equal(baseOf(parsed, { B: 'other:2' }), 'other:2');
  });

  it('refuses what the daemonless builder cannot do, naming the line', () => {
    const cases: [string, RegExp][] = [
      ['FROM scratch\nRUN make', /: Dockerfile:2: RUN is not supported by the daemonless builder/],
      ['FROM scratch\nHEALTHCHECK CMD true', /: Dockerfile:2: HEALTHCHECK is not supported/],
      ['FROM scratch\nFROBNICATE', /: Dockerfile:2: unknown instruction FROBNICATE/],
      ['FROM a AS one\nFROM b', /: Dockerfile:2: multi-stage builds are not supported/],
      ['FROM scratch\nCOPY --from=one /a /b', /: Dockerfile:2: COPY --from .*multi-stage/],
      ['FROM scratch\nCOPY --chown=app:app a /b', /: Dockerfile:2: --chown=app:app: .*numeric ids only/],
      ['FROM scratch\nADD https://example.com/x.tgz /x', /: Dockerfile:2: ADD of a URL .* is not supported/],
      ['FROM scratch\nCOPY a b /dest', /: Dockerfile:2: COPY with several sources needs a destination folder/],
      ['FROM scratch\nCOPY a', /: Dockerfile:2: COPY needs at least one source/],
      ['FROM scratch\nEXPOSE http', /: Dockerfile:2: EXPOSE expects port/],
      ['FROM scratch\nLABEL novalue', /: Dockerfile:2: LABEL expects key=value/],
      ['ENV A=1\nFROM scratch', /: Dockerfile:1: ENV before FROM/],
      ['ARG A=1', /: Dockerfile: no FROM instruction/],
      ['FROM --platform=linux/arm64 scratch', /: Dockerfile:1: FROM --platform=linux\/arm64/],
    ];
    for (const [text, expected] of cases) assert.throws(() => plan(text), expected, text);
  });

  it('tells when a container builder is needed', () => {
    assert.equal(needsContainerBuilder(parseDockerfile('FROM scratch\nCOPY a /a')), undefined);
    assert.equal(needsContainerBuilder(parseDockerfile('FROM scratch\n\nrun make'))?.line, 3);
  });
});
