/**
 * Steps the pure session machine: `transition()` returns the next snapshot and the actors to start;
 * this runs each named actor on the ports and feeds its result back as the machine's done/error event.
 * The machine never performs IO; only this file executes what it asks for.
 *
 * @module
 */
import * as Cause from 'effect/Cause';
import * as Effect from 'effect/Effect';
import { type AnyEventObject, transition } from 'xstate';
import type { StorageError } from '../errors.ts';
import type { SessionContext } from '../machine/context.ts';
import type { SessionEvent } from '../machine/events.ts';
import { sessionMachine } from '../machine/sessionMachine.ts';
import { StorageService } from '../ports/Storage.ts';
import { exchangeCode, refreshTokens, revokeToken } from './actors.ts';
import { ClientSettings, type SessionInspection, type SessionInspector } from './ClientSettings.ts';
import {
  encodeSessionRecord,
  type SessionRecord,
  type StoredState,
  sessionKey,
  storedStateOf,
  transactionKey,
} from './sessionRecord.ts';

type ActorInput = Parameters<typeof exchangeCode>[0] &
  Parameters<typeof refreshTokens>[0] &
  Parameters<typeof revokeToken>[0];

const actorImplementations: Record<
  'exchangeCode' | 'refreshTokens' | 'revokeToken',
  (input: ActorInput) => Effect.Effect<unknown, unknown, ActorServices>
> = {
  exchangeCode: (input) => exchangeCode(input),
  refreshTokens: (input) => refreshTokens(input),
  revokeToken: (input) => revokeToken(input),
};

type ActorServices =
  | Effect.Services<ReturnType<typeof refreshTokens>>
  | Effect.Services<ReturnType<typeof exchangeCode>>;

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

/** The outcome of one step: where the session ended up, and the failure of an actor on the way, if any. */
export interface StepResult {
  readonly state: StoredState;
  readonly context: SessionContext;
  readonly tags: ReadonlySet<string>;
  readonly actorFailure?: unknown;
}

/** Runs `event` through the machine from `state`/`context`, executing every actor it starts. */
export const step = (state: StoredState, context: SessionContext, event: SessionEvent) =>
  Effect.gen(function* () {
    const start = sessionMachine.resolveState({ value: state, context });
    const { inspect } = yield* ClientSettings;
    let [snapshot, actions] = transition(sessionMachine, start, event);
    if (inspect) report(inspect, event, snapshot);
    let actorFailure: unknown;
    for (;;) {
      const spawn = actions.find((action) => action.type === 'xstate.spawnChild');
      if (!spawn) break;
      const { id, src, input } = spawn.params as unknown as {
        id: string;
        src: keyof typeof actorImplementations;
        input: ActorInput;
      };
      const exit = yield* Effect.exit(actorImplementations[src](input));
      let result: AnyEventObject;
      if (exit._tag === 'Success') {
        result = { type: `xstate.done.actor.${id}`, output: exit.value };
      } else {
        actorFailure = Cause.squash(exit.cause);
        result = { type: `xstate.error.actor.${id}`, error: actorFailure };
      }
      [snapshot, actions] = transition(sessionMachine, snapshot, result as SessionEvent);
      if (inspect) report(inspect, result, snapshot);
    }
    return {
      state: storedStateOf(snapshot.value),
      context: snapshot.context,
      tags: snapshot.tags,
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
