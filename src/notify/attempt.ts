import { messageOf } from '../core/index.ts';
import type { AttemptOutcome, DeliveryContext } from './contract.ts';
import type { Notification } from './event.ts';
import { post } from './http.ts';
import type { StoredTarget } from './ports.ts';
import { targetDefinition } from './targets.ts';

/**
 * One attempt to deliver `event` to `target`: settings checked by the
 * kind's schema, request formatted, sent with a deadline, answer read. A
 * target that cannot work (unknown kind, bad settings) fails for good.
 */
export async function attemptDelivery(
  target: StoredTarget,
  secrets: Record<string, string>,
  event: Notification,
  context: DeliveryContext,
  timeoutMs: number,
): Promise<AttemptOutcome> {
  const definition = targetDefinition(target.kind);
  if (!definition) return { ok: false, retryable: false, error: `unknown target kind ${target.kind}` };
  const config = definition.configSchema.safeParse({ ...target.settings, ...secrets });
  if (!config.success) {
    return { ok: false, retryable: false, error: `invalid settings: ${config.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` };
  }
  const request = definition.format(event, config.data, context);
  try {
    return definition.interpret(await post(request, timeoutMs));
  } catch (error) {
    return { ok: false, retryable: true, error: messageOf(error) };
  }
}
