'use server';
/** Server actions: sign in and sign out from a form, without the auth routes' links. */
import { logto } from '../lib/logto.ts';

export async function signIn() {
  await logto.signIn({ returnTo: '/' });
}

export async function signOut() {
  await logto.signOut();
}
