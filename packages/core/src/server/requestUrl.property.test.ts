import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { requestUrl } from './requestTarget.ts';

const hostLike = fc.oneof(
  fc.string(),
  fc.domain(),
  fc.ipV4(),
  fc.ipV6().map((ip) => `[${ip}]`),
  fc.tuple(fc.domain(), fc.string({ maxLength: 12 })).map(([domain, tail]) => `${domain}${tail}`),
);
const target = fc.string().map((rest) => `/${rest}`);

describe('requestUrl', () => {
  test.prop([hostLike, fc.option(fc.integer({ min: 0, max: 99_999 }), { nil: undefined }), target], {
    numRuns: 2000,
  })(
    'either refuses the Host, or builds a URL whose path is the target’s and whose host is the Host',
    (host, port, path) => {
      const header = port === undefined ? host : `${host}:${port}`;
      let url: string;
      try {
        url = requestUrl('http', header, path);
      } catch (error) {
        expect(error).toBeInstanceOf(TypeError);
        return;
      }
      // What passes here but not the URL parser (`a.b.0`), `LogtoServer.open` refuses with a TypeError.
      if (!URL.canParse(url)) return;
      const parsed = new URL(url);
      // The framework routes on `path`; core must see the same one.
      expect(parsed.pathname).toBe(new URL(`http://placeholder${path}`).pathname);
      expect(parsed.host).toBe(new URL(`http://${header}`).host);
    },
  );
});

describe('requestUrl, remembering the last good Host', () => {
  test('still refuses a missing or empty Host, and a bad one after a good one', () => {
    expect(() => requestUrl('http', undefined, '/')).toThrow(TypeError);
    expect(() => requestUrl('http', '', '/')).toThrow(TypeError);
    expect(requestUrl('https', 'app.example:8443', '/a?b')).toBe('https://app.example:8443/a?b');
    expect(requestUrl('https', 'app.example:8443', '/c')).toBe('https://app.example:8443/c');
    expect(() => requestUrl('https', 'app.example:8443/x?', '/')).toThrow(TypeError);
    expect(() => requestUrl('https', undefined, '/')).toThrow(TypeError);
    expect(() => requestUrl('https', 'app.example:8443', 'http://evil/')).toThrow(TypeError);
  });
});
