import { ConfigError } from '../../core/index.ts';

export interface StatsdTarget {
  host: string;
  port: number;
}

/** `udp://host:8125` (port 8125 when omitted; IPv6 hosts in brackets). */
export function parseStatsdUrl(text: string): StatsdTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`TRUNKLINE_STATSD: expected udp://host:port, got "${text}"`);
  }
  if (url.protocol !== 'udp:' || url.hostname === '' || url.port === '0' || (url.pathname !== '' && url.pathname !== '/')) {
    throw new ConfigError(`TRUNKLINE_STATSD: expected udp://host:port, got "${text}"`);
  }
  return { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: url.port === '' ? 8125 : Number(url.port) };
}
