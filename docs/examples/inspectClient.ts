/**
 * Watching a `LogtoClient`'s session in Stately's inspector: the client's opt-in `inspect` option
 * reports every step of the machine (tokens redacted), and the inspector's manual API draws it.
 *
 * @module
 */
import { LogtoClient, type LogtoConfig, type SessionInspector } from '@logto-machine/core';

/** The three calls of `@statelyai/inspect`'s manual API that this needs. */
export interface ManualInspector {
  actor(actorId: string, snapshot?: { status: 'active'; value?: unknown; context?: unknown }): void;
  event(actorId: string, event: { type: string }): void;
  snapshot(actorId: string, snapshot: { status: 'active'; value?: unknown; context?: unknown }): void;
}

// #region client
/** A client whose session shows up in the inspector as the actor `logto-session`. */
export const inspectedClient = (config: LogtoConfig, inspector: ManualInspector) => {
  inspector.actor('logto-session', { status: 'active' });
  const inspect: SessionInspector = ({ event, value, context }) => {
    inspector.event('logto-session', event);
    inspector.snapshot('logto-session', { status: 'active', value, context });
  };
  return new LogtoClient(config, { inspect });
};
// #endregion client
