import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The two request handlers the server routes to. */
export interface Routes {
  /** oidc-provider's Koa callback, mounted at `/oidc`. */
  oidc: (req: IncomingMessage, res: ServerResponse) => unknown;
  /** The sign-in pages under `/interaction/`. */
  interaction: (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;
}

/** A listening HTTP server and how to stop it. */
export interface Listening {
  server: Server;
  port: number;
  /** Closes the server and every open socket (keep-alive included) at once. */
  close(): Promise<void>;
}

/**
 * Listens on `host:port` and routes `/oidc/*` to oidc-provider (with `originalUrl` set so it sees
 * its mount path, as under Express) and `/interaction/*` to the pages. `routes` is read per
 * request, so it can be filled in once the port, and so the issuer, is known.
 */
export async function listen(host: string, port: number, routes: () => Routes): Promise<Listening> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const fail = (error: unknown) => {
      console.error('dev-provider:', error);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('Internal error');
    };
    if (url.pathname === '/oidc' || url.pathname.startsWith('/oidc/')) {
      Object.assign(req, { originalUrl: req.url });
      req.url = (req.url ?? '').slice('/oidc'.length) || '/';
      return Promise.resolve(routes().oidc(req, res)).catch(fail);
    }
    if (url.pathname.startsWith('/interaction/')) {
      return routes().interaction(req, res, url).catch(fail);
    }
    res.writeHead(url.pathname === '/' ? 200 : 404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(
      url.pathname === '/'
        ? 'Logto dev provider. Discovery: /oidc/.well-known/openid-configuration\n'
        : 'Not found\n',
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
