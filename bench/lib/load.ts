/**
 * Load from this process (never a server's) with autocannon: a fixed number of requests, so that every
 * response is accounted for (the handler's counter must then equal autocannon's 2xx count), and the
 * latency of each response kept at full precision (autocannon's own histogram rounds to 1 ms).
 */
import autocannon from 'autocannon';
import { quantile } from './stats.ts';

export interface LoadOptions {
  /** Number of requests; or a duration when `seconds` is set (warm-up). */
  amount?: number | undefined;
  seconds?: number;
  connections: number;
  headers?: Record<string, string>;
  /** Rotates the Cookie header over these values, one request after the other. */
  cookies?: readonly string[];
}

export interface LoadResult {
  /** Responses with a 2xx status. */
  ok: number;
  /** Other responses, errors and timeouts (all must be 0 in a valid run). */
  notOk: number;
  seconds: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

export const runLoad = async (url: string, options: LoadOptions): Promise<LoadResult> => {
  const latencies: number[] = [];
  let next = 0;
  const cookies = options.cookies;
  const started = performance.now();
  let instance!: autocannon.Instance;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(
      {
        url,
        connections: options.connections,
        ...(options.seconds ? { duration: options.seconds } : {}),
        ...(!options.seconds && options.amount !== undefined ? { amount: options.amount } : {}),
        // One cookie is a static header, serialized once; rotating cookies rebuild each request, which
        // costs the load generator (sharing the machine with the server) several µs per request.
        headers: cookies?.length === 1 ? { ...options.headers, cookie: cookies[0]! } : options.headers,
        ...(cookies && cookies.length > 1
          ? {
              requests: [
                {
                  setupRequest: (request) => {
                    const cookie = cookies[next++ % cookies.length]!;
                    return { ...request, headers: { ...request.headers, cookie } };
                  },
                },
              ],
            }
          : {}),
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
  // autocannon notices that the last response of a fixed amount came only on its next 1 s tick: the
  // run's length is up to the last response, not up to when autocannon returns.
  let last = started;
  instance.on('response', (_client, _status, _bytes, responseTime) => {
    latencies.push(responseTime);
    last = performance.now();
  });
  const result = await done;
  const seconds = (last - started) / 1000;
  return {
    ok: result['2xx'],
    notOk: result.non2xx + result.errors + result.timeouts,
    seconds,
    requestsPerSecond: result['2xx'] / seconds,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
  };
};
