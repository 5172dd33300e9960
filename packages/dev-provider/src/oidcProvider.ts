/// <reference path="./grants/oidcProviderInternals.d.ts" />
/**
 * oidc-provider, loaded so that it starts quietly. Its entry module warns "Unsupported runtime. Use
 * Node.js v22.x LTS" on every Node below 22 as it is evaluated, though it runs on the Node ≥ 20.19
 * this package supports. A static import cannot be preceded by anything (bundlers hoist it above
 * every statement), so {@link loadProvider} imports the entry dynamically with that one message
 * filtered out, and everything else takes the error classes from the module the entry re-exports
 * them from, which warns about nothing.
 *
 * @module
 */
import type { errors as OidcProviderErrors, default as ProviderClass } from 'oidc-provider';
import * as errorClasses from 'oidc-provider/lib/helpers/errors.js';

/** oidc-provider's error classes (`import { errors } from 'oidc-provider'`), without loading its entry. */
export const errors = errorClasses as typeof OidcProviderErrors;

/** The line oidc-provider prints on Node < 22 (`oidc-provider WARNING: Unsupported runtime. …`), maybe in colour. */
export const unsupportedRuntimeWarning = 'oidc-provider WARNING: Unsupported runtime.';

let loading: Promise<typeof ProviderClass> | undefined;

/**
 * The `Provider` class, its module loaded once. While the module is evaluated, `console.warn` drops
 * the runtime warning and passes every other message on; it is restored right after.
 */
export const loadProvider = (): Promise<typeof ProviderClass> => {
  loading ??= (async () => {
    const warn = console.warn;
    console.warn = (...data: unknown[]) => {
      if (typeof data[0] === 'string' && data[0].includes(unsupportedRuntimeWarning)) return;
      warn.apply(console, data);
    };
    try {
      return (await import('oidc-provider')).default;
    } finally {
      console.warn = warn;
    }
  })();
  return loading;
};
