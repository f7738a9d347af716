import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { ConfigError } from '../../core/index.ts';
import { parseStatsdUrl } from './config.ts';
import { formatStatsd, packDatagrams } from './format.ts';

it('formats DogStatsD lines with tags', () => {
  assert.equal(
    formatStatsd({ name: 'build.duration', value: 1500, type: 'ms', tags: { result: 'success' } }, { prefix: 'trunkline', tags: 'dogstatsd' }),
    'trunkline.build.duration:1500|ms|#result:success',
  );
  assert.equal(formatStatsd({ name: 'dora.rework_rate', value: 1 / 3, type: 'g' }, { prefix: '', tags: 'dogstatsd' }), 'dora.rework_rate:0.333333|g');
  assert.equal(
    formatStatsd({ name: 'x', value: 1, type: 'c', tags: { 'a b': 'c:d|e,f#g' } }, { prefix: 'p', tags: 'dogstatsd' }),
    'p.x:1|c|#a_b:c_d_e_f_g',
  );
});

it('folds tag values into the name for plain StatsD', () => {
  assert.equal(
    formatStatsd({ name: 'dora.deployments', value: 4, type: 'g', tags: { service: 'api', environment: 'prod:eu' } }, { prefix: 'tl', tags: 'none' }),
    'tl.dora.deployments.api.prod_eu:4|g',
  );
});

it('never lets a name or tag break the line format', () => {
  fc.assert(
    fc.property(fc.string(), fc.string(), fc.string(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom('dogstatsd', 'none'), (name, key, value, number, tags) => {
      const line = formatStatsd({ name, value: number, type: 'g', tags: { [key]: value } }, { prefix: 'trunkline', tags: tags as 'dogstatsd' | 'none' });
      assert.match(line, /^[\w.-]+:-?[\d.e+-]+\|g(\|#[^\s:|,#@]*:[^\s:|,#@]*)?$/);
    }),
  );
});

it('packs lines into datagrams under the size limit', () => {
  assert.deepEqual(packDatagrams(['aaaa', 'bbbb', 'cccc'], 9), ['aaaa\nbbbb', 'cccc']);
  assert.deepEqual(packDatagrams([]), []);
  assert.deepEqual(packDatagrams(['toolongline'], 4), ['toolongline']);
});

it('reads udp:// targets', () => {
  assert.deepEqual(parseStatsdUrl('udp://localhost:9125'), { host: 'localhost', port: 9125 });
  assert.deepEqual(parseStatsdUrl('udp://10.0.0.1'), { host: '10.0.0.1', port: 8125 });
  assert.deepEqual(parseStatsdUrl('udp://[::1]:8125'), { host: '::1', port: 8125 });
  assert.throws(() => parseStatsdUrl('tcp://localhost:8125'), ConfigError);
  assert.throws(() => parseStatsdUrl('localhost:8125'), ConfigError);
  assert.throws(() => parseStatsdUrl('udp://host:8125/path'), ConfigError);
  assert.throws(() => parseStatsdUrl('udp://host:0'), ConfigError);
});

it('reads any TRUNKLINE_STATSD value into a target or a ConfigError', () => {
  fc.assert(
    fc.property(fc.oneof(
        fc.string(),
        fc
          .tuple(fc.constantFrom('udp', 'tcp'), fc.constantFrom('localhost', '10.0.0.7', '[::1]', 'statsd.example', ''), fc.integer({ min: -1, max: 70_000 }), fc.constantFrom('', '/', '/x'))
          .map(([scheme, host, port, path]) => `${scheme}://${host}${port < 0 ? '' : `:${port}`}${path}`),
      ), (text) => {
      try {
        const target = parseStatsdUrl(text);
        assert.ok(target.host.length > 0);
        assert.ok(Number.isInteger(target.port) && target.port >= 1 && target.port <= 65535);
      } catch (error) {
        assert.ok(error instanceof ConfigError, String(error));
      }
    }),
  );
});
