import type { LogtoLocals } from '@logto-machine/sveltekit';

// `event.locals.logto`, `.logtoRequest` and `.user`, set by `handleLogto` in hooks.server.ts.
declare global {
  namespace App {
    interface Locals extends LogtoLocals {}
  }
}
