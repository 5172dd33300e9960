/**
 * The session machine stepped by hand: `transition()` is pure, so a custom runtime (or a test) feeds it
 * events and executes the actors it asks for. Here the IO is a function you pass in; the SDK's own
 * runtime binds it to the ports in the same way. `test/examples.test.ts` runs it.
 *
 * @module
 */
import type { ExchangeCodeInput, ReceivedTokens, SessionEvent, SignInTransaction } from '@logto-machine/core';
import { sessionMachine } from '@logto-machine/core/machine';
import { initialTransition, transition } from 'xstate';

/** Signs in from scratch: sign-in requested, callback received, code exchanged by `exchangeCode`. */
export const signInByHand = async (
  transaction: SignInTransaction,
  code: string,
  exchangeCode: (input: ExchangeCodeInput) => Promise<ReceivedTokens>,
  now = Date.now(),
) => {
  const [signedOut] = initialTransition(sessionMachine);
  const [signingIn] = transition(sessionMachine, signedOut, {
    type: 'app.signInRequested',
    transaction,
    now,
  });
  const [handling, actions] = transition(sessionMachine, signingIn, {
    type: 'app.callbackReceived',
    transaction,
    code,
    now,
  });
  // The machine performs no IO: it returns the actor to start, with its input, as data.
  const spawn = actions.find((action) => action.type === 'xstate.spawnChild');
  if (!spawn) throw new Error('the callback did not start the code exchange');
  const { id, input } = spawn.params as unknown as { id: string; input: ExchangeCodeInput };
  const output = await exchangeCode(input);
  // Feed the result back as the actor's done event (an error goes back as `xstate.error.actor.<id>`).
  const done = { type: `xstate.done.actor.${id}`, output } as unknown as SessionEvent;
  const [authenticated] = transition(sessionMachine, handling, done);
  return authenticated;
};
