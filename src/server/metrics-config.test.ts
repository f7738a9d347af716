import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ConfigError } from '../core/index.ts';
import { loadConfig } from './config.ts';

it('reads the metrics settings', () => {
  assert.deepEqual(loadConfig({}).metrics, { exporter: true, token: undefined, statsd: undefined });
  assert.deepEqual(
    loadConfig({ TRUNKLINE_METRICS: 'off', TRUNKLINE_METRICS_TOKEN: 's3cret', TRUNKLINE_STATSD: 'udp://agent:9125', TRUNKLINE_STATSD_TAGS: 'none', TRUNKLINE_STATSD_PREFIX: 'ci' }).metrics,
    { exporter: false, token: 's3cret', statsd: { host: 'agent', port: 9125, prefix: 'ci', tags: 'none' } },
  );
  assert.deepEqual(loadConfig({ TRUNKLINE_STATSD: 'udp://127.0.0.1' }).metrics.statsd, { host: '127.0.0.1', port: 8125, prefix: 'trunkline', tags: 'dogstatsd' });
});

it('refuses bad metrics settings', () => {
  assert.throws(() => loadConfig({ TRUNKLINE_STATSD: 'http://agent:8125' }), ConfigError);
  assert.throws(() => loadConfig({ TRUNKLINE_STATSD_TAGS: 'influx' }), ConfigError);
  assert.throws(() => loadConfig({ TRUNKLINE_STATSD_PREFIX: 'a b' }), ConfigError);
  assert.throws(() => loadConfig({ TRUNKLINE_METRICS: 'maybe' }), ConfigError);
});
