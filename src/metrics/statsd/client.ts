import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { messageOf, type Logger } from '../../core/index.ts';
import type { StatsdTarget } from './config.ts';
import { formatStatsd, packDatagrams, type StatsdMetric, type StatsdTagFormat } from './format.ts';

export interface StatsdClientOptions extends StatsdTarget {
  prefix: string;
  tags: StatsdTagFormat;
  logger: Logger;
}

/**
 * Sends metrics to a StatsD or DogStatsD agent over UDP: fire and forget, as
 * the protocol intends; a send that fails is logged, never thrown.
 */
export class StatsdClient {
  private readonly socket: Socket;
  private readonly options: StatsdClientOptions;

  constructor(options: StatsdClientOptions) {
    this.options = options;
    this.socket = createSocket(isIPv6(options.host) ? 'udp6' : 'udp4');
    this.socket.on('error', (error) => options.logger.warn({ err: messageOf(error) }, 'statsd socket error'));
    this.socket.unref();
  }

  send(metrics: readonly StatsdMetric[]): void {
    const lines = metrics.map((metric) => formatStatsd(metric, this.options));
    for (const datagram of packDatagrams(lines)) {
      this.socket.send(datagram, this.options.port, this.options.host, (error) => {
        if (error) this.options.logger.warn({ err: messageOf(error) }, 'statsd metrics not sent');
      });
    }
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
