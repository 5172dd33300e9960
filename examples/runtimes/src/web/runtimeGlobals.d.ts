/**
 * The few members of Bun's and Deno's globals that `bun.ts` and `deno.ts` use, so the repository
 * type-checks them next to Node's types. In an app, `@types/bun` and Deno's built-in types declare
 * them (with these signatures, and much more).
 */
declare namespace Bun {
  const env: Record<string, string | undefined>;
  const version: string;
  function serve(options: {
    port?: number;
    hostname?: string;
    fetch(request: Request): Response | Promise<Response>;
  }): { readonly url: URL };
}

declare namespace Deno {
  const env: { toObject(): Record<string, string> };
  const version: { readonly deno: string };
  function serve(
    options: {
      port?: number;
      hostname?: string;
      onListen?: (address: { hostname: string; port: number }) => void;
    },
    handler: (request: Request) => Response | Promise<Response>,
  ): unknown;
}
