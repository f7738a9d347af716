import { z } from 'zod';
import { ConfigError } from '../core/index.ts';
import { targetKinds } from './contract.ts';
import { routableKinds } from './event.ts';
import { parseNotifyInput } from './input.ts';
import type { StoredTarget, TargetStore } from './ports.ts';
import { targetDefinition, type AnyTargetDefinition } from './targets.ts';

const routing = {
  events: z.array(z.enum(routableKinds as [string, ...string[]])).nullable().optional(),
  environments: z.array(z.string().min(1).max(253)).nullable().optional(),
};

const createInput = z.looseObject({
  name: z.string().min(1).max(63),
  kind: z.enum(targetKinds),
  ...routing,
});

const patchInput = z.looseObject(routing);

/** A target as the API shows it: settings without their secret values. */
export interface TargetView {
  name: string;
  kind: string;
  /** `null`: the default set (what needs attention). */
  events: string[] | null;
  /** `null`: every environment. */
  environments: string[] | null;
  /** Settings that are not secret (e.g. a Telegram chat id). */
  settings: Record<string, unknown>;
  /** Names of the secret settings that are set; their values are write-only. */
  secrets: string[];
  createdAt: number;
  updatedAt: number;
}

export function targetView(target: StoredTarget): TargetView {
  return {
    name: target.name,
    kind: target.kind,
    events: target.events ?? null,
    environments: target.environments ?? null,
    settings: target.settings,
    secrets: target.secretFields,
    createdAt: target.createdAt,
    updatedAt: target.updatedAt,
  };
}

/**
 * Target administration: API input (flat, e.g. `{name, kind: 'telegram',
 * botToken, chatId, events}`) validated by the kind's schema and split into
 * plain settings and encrypted secrets.
 */
export class NotificationTargets {
  readonly #store: TargetStore;

  constructor(store: TargetStore) {
    this.#store = store;
  }

  async list(): Promise<TargetView[]> {
    return (await this.#store.list()).map(targetView);
  }

  async get(name: string): Promise<TargetView> {
    return targetView(await this.#store.get(name));
  }

  async create(body: unknown): Promise<TargetView> {
    const { name, kind, events, environments, ...rest } = parseNotifyInput(createInput, body, 'notification target');
    const split = splitConfig(definitionOf(kind), rest, 'notification target');
    return targetView(await this.#store.create({ name, kind, events, environments, ...split }));
  }

  /** Given settings replace the stored ones; `null` removes an optional one (e.g. `secret: null`). */
  async update(name: string, body: unknown): Promise<TargetView> {
    const { events, environments, ...rest } = parseNotifyInput(patchInput, body, 'notification target');
    const current = await this.#store.get(name);
    const changes = Object.keys(rest).length > 0;
    let config = {};
    if (changes) {
      const merged: Record<string, unknown> = { ...current.settings, ...(await this.#store.revealSecrets(name)), ...rest };
      for (const key of Object.keys(merged)) if (merged[key] === null) delete merged[key];
      config = splitConfig(definitionOf(current.kind), merged, `notification target ${name}`);
    }
    return targetView(await this.#store.update(name, { events, environments, ...config }));
  }

  async delete(name: string): Promise<void> {
    await this.#store.delete(name);
  }
}

function definitionOf(kind: string): AnyTargetDefinition {
  const definition = targetDefinition(kind);
  if (!definition) throw new ConfigError(`unknown notification target kind ${kind}`, { kind, known: targetKinds });
  return definition;
}

function splitConfig(
  definition: AnyTargetDefinition,
  raw: Record<string, unknown>,
  where: string,
): { settings: Record<string, unknown>; secrets: Record<string, string> } {
  const config = parseNotifyInput(definition.configSchema, raw, `${where} (${definition.id})`) as Record<string, unknown>;
  const settings: Record<string, unknown> = {};
  const secrets: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    if (value === undefined) continue;
    if (definition.secretFields.includes(key)) secrets[key] = String(value);
    else settings[key] = value;
  }
  return { settings, secrets };
}
