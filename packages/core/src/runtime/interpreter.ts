/**
 * Steps the pure session machine: `transition()` returns the next snapshot and the actions to carry
 * out; this runs each actor the machine starts (bound with `.provide()` to an Effect on the ports),
 * feeds its result back as the machine's done/error event, and collects what the machine emits. The
 * machine never performs IO; only this file executes what it asks for.
 *
 * @module
 */
import * as Cause from 'effect/Cause';
import * as Effect from 'effect/Effect';
import { Actor, type AnyEventObject, transition } from 'xstate';
import type { StorageError } from '../errors.ts';
import type { SessionContext } from '../machine/context.ts';
import type { SessionEmitted, SessionEvent } from '../machine/events.ts';
import { sessionMachine } from '../machine/sessionMachine.ts';
import { StorageService } from '../ports/Storage.ts';
import { exchangeCode, readRefreshLedger, refreshTokens, revokeToken } from './actors.ts';
import { ClientSettings, type SessionInspection, type SessionInspector } from './ClientSettings.ts';
import { fromEffect, isEffectActor, runEffectActor } from './effectActor.ts';
import {
  encodeSessionRecord,
  type SessionRecord,
  type StoredState,
  sessionKey,
  storedStateOf,
  transactionKey,
} from './sessionRecord.ts';

type ActorServices =
  | Effect.Services<ReturnType<typeof refreshTokens>>
  | Effect.Services<ReturnType<typeof exchangeCode>>
  | Effect.Services<ReturnType<typeof readRefreshLedger>>;

/** The machine with its actors bound to the ports (type-checked against `setup()` by `.provide()`). */
const boundMachine = sessionMachine.provide({
  actors: {
    exchangeCode: fromEffect(exchangeCode),
    refreshTokens: fromEffect(refreshTokens),
    revokeToken: fromEffect(revokeToken),
    readRefreshLedger: fromEffect(readRefreshLedger),
  },
});

const secretKeys = new Set([
  'idToken',
  'refreshToken',
  'token',
  'code',
  'codeVerifier',
  'nonce',
  'state',
  'output',
  'received',
]);

/** A copy of `value` with every secret-bearing field replaced, for inspectors and logs. */
export const redact = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(redact);
  if (typeof value !== 'object' || value === null) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    copy[key] = secretKeys.has(key)
      ? '<redacted>'
      : key === 'transactions'
        ? Object.keys(field ?? {}).length
        : redact(field);
  }
  return copy;
};

const report = (
  inspect: SessionInspector,
  event: AnyEventObject,
  snapshot: { value: unknown; tags: ReadonlySet<string>; context: SessionContext },
) => {
  try {
    inspect({
      event: redact(event) as SessionInspection['event'],
      value: snapshot.value,
      tags: [...snapshot.tags],
      context: redact(snapshot.context),
    });
  } catch {
    // An inspector must never break a sign-in.
  }
};

/** The type of an event the machine emitted (an `xstate.emit` action's params). */
const emittedType = (params: unknown): SessionEmitted['type'] =>
  (params as { event: SessionEmitted }).event.type;

/**
 * The outcome of one step: where the session ended up, what the machine announced on the way (see
 * `SessionEmitted`), and the failure of an actor on the way, if any.
 */
export interface StepResult {
  readonly state: StoredState;
  readonly context: SessionContext;
  readonly tags: ReadonlySet<string>;
  readonly emitted: readonly SessionEmitted['type'][];
  readonly actorFailure?: unknown;
}

/**
 * Runs `event` through the machine from `state`/`context`, executing every actor it starts. While an
 * actor runs, the client's live view (`getSessionState()`) shows the machine's state, e.g. `refreshing`.
 */
export const step = (state: StoredState, context: SessionContext, event: SessionEvent) =>
  Effect.gen(function* () {
    const start = boundMachine.resolveState({ value: state, context });
    const { inspect, live } = yield* ClientSettings;
    let [snapshot, actions] = transition(boundMachine, start, event);
    if (inspect) report(inspect, event, snapshot);
    let actorFailure: unknown;
    const emitted: SessionEmitted['type'][] = [];
    for (;;) {
      let spawned: { id: string; actorRef: unknown } | undefined;
      for (const action of actions) {
        // Named emit actions reach the executor as XState's built-in `xstate.emit`.
        const type: string = action.type;
        if (type === 'xstate.emit') emitted.push(emittedType(action.params));
        else if (action.type === 'xstate.spawnChild') spawned ??= action.params;
      }
      if (!spawned) break;
      const { id, actorRef } = spawned;
      if (!(actorRef instanceof Actor) || !isEffectActor<ActorServices>(actorRef.logic)) {
        throw new Error(`The session machine's "${id}" actor is not bound to an Effect.`);
      }
      live.current = { tags: snapshot.tags, failure: snapshot.context.failure };
      const exit = yield* Effect.exit(
        Effect.ensuring(
          runEffectActor(actorRef.logic, actorRef.options.input),
          Effect.sync(() => {
            live.current = undefined;
          }),
        ),
      );
      let result: AnyEventObject;
      if (exit._tag === 'Success') {
        result = { type: `xstate.done.actor.${id}`, output: exit.value };
      } else {
        actorFailure = Cause.squash(exit.cause);
        result = { type: `xstate.error.actor.${id}`, error: actorFailure };
      }
      // XState's own done/error events, which `SessionEvent` (the events callers send) leaves out.
      [snapshot, actions] = transition(boundMachine, snapshot, result as SessionEvent);
      if (inspect) report(inspect, result, snapshot);
    }
    return {
      state: storedStateOf(snapshot.value),
      context: snapshot.context,
      tags: snapshot.tags,
      emitted,
      actorFailure,
    } satisfies StepResult;
  });

/**
 * Writes what a step changed: the session record (deleted when there is nothing to keep) and the
 * pending transactions that were added or spent.
 */
export const persist = (
  before: { record: SessionRecord; raw: string | null; transactions: SessionContext['transactions'] },
  after: StepResult,
): Effect.Effect<void, StorageError, StorageService> =>
  Effect.gen(function* () {
    const storage = yield* StorageService;
    const raw = encodeSessionRecord(after.state, after.context);
    if (raw !== before.raw) {
      if (raw === null) yield* storage.delete(sessionKey);
      else yield* storage.set(sessionKey, raw);
    }
    for (const state of Object.keys(before.transactions)) {
      if (!Object.hasOwn(after.context.transactions, state)) yield* storage.delete(transactionKey(state));
    }
    for (const [state, transaction] of Object.entries(after.context.transactions)) {
      if (!Object.hasOwn(before.transactions, state)) {
        yield* storage.set(transactionKey(state), JSON.stringify(transaction));
      }
    }
  });
