/**
 * Plugin `settings` → `PLUGIN_*` variables, as Drone's runners encode them:
 * the key upper-cased with a `PLUGIN_` prefix; strings, numbers and
 * booleans as text; a list of scalars joined with commas; anything else as
 * JSON; `null` settings are dropped; `{from_secret}` becomes a secret reference.
 */
import type { SettingValue } from './model.ts';
import type { SecretRef } from './plan.ts';

export function settingsVariables(settings: Record<string, SettingValue>): { env: Record<string, string>; secrets: SecretRef[] } {
  const env: Record<string, string> = {};
  const secrets: SecretRef[] = [];
  for (const [key, setting] of Object.entries(settings)) {
    const name = `PLUGIN_${key.toUpperCase()}`;
    if ('fromSecret' in setting) secrets.push({ env: name, secret: setting.fromSecret });
    else if (setting.value !== null && setting.value !== undefined) env[name] = encodeSetting(setting.value);
  }
  return { env, secrets };
}

export function encodeSetting(value: unknown): string {
  if (isScalar(value)) return String(value);
  if (Array.isArray(value) && value.every(isScalar)) return value.map(String).join(',');
  return JSON.stringify(value, (_key, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('base64') : v)) ?? '';
}

function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}
