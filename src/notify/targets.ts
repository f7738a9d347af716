import type { TargetDefinition } from './contract.ts';
import { genericTarget } from './formats/generic.ts';
import { slackTarget } from './formats/slack.ts';
import { telegramTarget } from './formats/telegram.ts';

/**
 * A definition with its config type erased, for the registry. Safe because
 * every caller passes `format` only what `configSchema` parsed.
 */
export type AnyTargetDefinition = TargetDefinition<unknown>;

function erase<C>(definition: TargetDefinition<C>): AnyTargetDefinition {
  return definition as unknown as AnyTargetDefinition;
}

/** Every target format, registered explicitly. */
export const targetDefinitions: readonly AnyTargetDefinition[] = [erase(genericTarget), erase(slackTarget), erase(telegramTarget)];

export function targetDefinition(kind: string): AnyTargetDefinition | undefined {
  return targetDefinitions.find((definition) => definition.id === kind);
}
