import { attentionKinds, type Notification } from './event.ts';
import { globMatches } from './glob.ts';

/** Which notifications a target wants. */
export interface Routing {
  /** Event kinds; absent: `attentionKinds`. */
  events?: readonly string[];
  /** Environment glob patterns; absent or empty: every environment. */
  environments?: readonly string[];
}

/**
 * Whether a target with this routing receives the event. An environment
 * filter restricts a target to events of those environments: an event
 * with no environment (a failed build) does not pass it.
 */
export function routes(routing: Routing, event: Notification): boolean {
  const kinds = routing.events ?? attentionKinds;
  if (!kinds.includes(event.kind)) return false;
  const patterns = routing.environments ?? [];
  if (patterns.length === 0) return true;
  const environment = event.environment;
  return environment !== undefined && patterns.some((pattern) => globMatches(pattern, environment));
}
