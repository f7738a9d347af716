import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { after, before, it } from 'node:test';
import { silentLogger } from '../../core/index.ts';
import type { DeploymentRecord } from '../dora/types.ts';
import { StatsdClient } from './client.ts';
import { StatsdPusher } from './pusher.ts';

interface Line {
  name: string;
  value: number;
  type: string;
  tags: Record<string, string>;
}

/** Parses `name:value|type|#tag:value,…` lines as a DogStatsD agent does. */
function parseLines(datagram: string): Line[] {
  return datagram.split('\n').map((line) => {
    const [metric, type, tagPart] = line.split('|');
    const [name, value] = metric!.split(':');
    const tags = Object.fromEntries((tagPart?.replace(/^#/, '').split(',') ?? []).map((tag) => tag.split(':') as [string, string]));
    return { name: name!, value: Number(value), type: type!, tags };
  });
}

let agent: Socket;
let client: StatsdClient;
const received: Line[] = [];

async function receive(count: number): Promise<Line[]> {
  while (received.length < count) await once(agent, 'parsed');
  return received.splice(0, count);
}

before(async () => {
  agent = createSocket('udp4');
  agent.on('message', (message) => {
    received.push(...parseLines(message.toString()));
    agent.emit('parsed');
  });
  agent.bind(0, '127.0.0.1');
  await once(agent, 'listening');
  client = new StatsdClient({ host: '127.0.0.1', port: (agent.address() as AddressInfo).port, prefix: 'trunkline', tags: 'dogstatsd', logger: silentLogger });
});

after(async () => {
  await client.close();
  agent.close();
});

const history: DeploymentRecord[] = [
  { id: 'a', service: 'api', environment: 'production', kind: 'deploy', deployedAt: new Date('2026-11-21T10:00:00Z'), healthy: false, commits: [] },
  {
    id: 'b',
    service: 'api',
    environment: 'production',
    kind: 'deploy',
    deployedAt: new Date('2026-11-21T10:10:00Z'),
    healthy: true,
    commits: [{ sha: 'x', committedAt: new Date('2026-11-21T10:00:00Z') }],
  },
];

function pusher(): StatsdPusher {
  return new StatsdPusher({
    sink: client,
    history: { list: () => Promise.resolve(history) },
    now: () => new Date('2026-11-22T12:00:00Z'),
    logger: silentLogger,
  });
}

it('sends build and step counts and timings over UDP as they finish', async () => {
  const events = pusher();
  events.buildFinished({ result: 'failure', durationSeconds: 2.5 });
  assert.deepEqual(await receive(2), [
    { name: 'trunkline.builds', value: 1, type: 'c', tags: { result: 'failure' } },
    { name: 'trunkline.build.duration', value: 2500, type: 'ms', tags: { result: 'failure' } },
  ]);
  events.stepFinished({ result: 'skipped' });
  assert.deepEqual(await receive(1), [{ name: 'trunkline.steps', value: 1, type: 'c', tags: { result: 'skipped' } }]);
});

it('sends DORA gauges per service and environment', async () => {
  await pusher().pushDora();
  const lines = await receive(7);
  const tags = { service: 'api', environment: 'production' };
  assert.deepEqual(lines, [
    { name: 'trunkline.dora.deployments', value: 2, type: 'g', tags },
    { name: 'trunkline.dora.deployment_frequency_per_day', value: Number((2 / 30).toFixed(6)), type: 'g', tags },
    { name: 'trunkline.dora.lead_time_seconds.median', value: 600, type: 'g', tags },
    { name: 'trunkline.dora.lead_time_seconds.p90', value: 600, type: 'g', tags },
    { name: 'trunkline.dora.change_failure_rate', value: 0.5, type: 'g', tags },
    { name: 'trunkline.dora.time_to_restore_seconds.median', value: 600, type: 'g', tags },
    { name: 'trunkline.dora.rework_rate', value: 0.5, type: 'g', tags },
  ]);
});
