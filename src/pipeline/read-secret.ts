/** Reads a `kind: secret` document: `get: {path, name}` from a secret store, or inline `data`. */
import { parseLenient } from './describe.ts';
import { isRecord } from './locate.ts';
import type { SecretDoc, Site } from './model.ts';
import type { Reporter } from './reporter.ts';
import { knownKeys, secretSchema } from './schema.ts';

export function readSecret(value: unknown, doc: number, reporter: Reporter): SecretDoc | undefined {
  const site: Site = { doc, path: [] };
  reporter.unknownKeys(site, [], value, knownKeys.secret);
  if (isRecord(value)) reporter.unknownKeys(site, ['get'], value.get, knownKeys.secretGet);
  const { data, problems } = parseLenient(secretSchema, value);
  reporter.problems(site, [], problems);
  if (!data) return undefined;
  if (data.name === undefined) {
    if (isRecord(value) && !('name' in value)) reporter.missing(site, [], 'name', 'a secret needs a name');
    return undefined;
  }
  const secret: SecretDoc = { at: site, name: data.name };
  if (data.get) {
    if (data.get.path === undefined || data.get.name === undefined) {
      reporter.missing(site, ['get'], data.get.path === undefined ? 'path' : 'name', 'get needs a path and a name');
    } else {
      secret.get = { path: data.get.path, name: data.get.name };
    }
  }
  if (data.data !== undefined) secret.data = data.data;
  if (!data.get && data.data === undefined) reporter.error(site, [], 'expected a secret with get or data');
  return secret;
}
