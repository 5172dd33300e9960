import { describe, expect, it } from 'vitest';
import { type LogtoResponse, responseHeaders, toWebResponse, withSetCookie } from './LogtoResponse.ts';

describe('toWebResponse', () => {
  it('keeps the status, location and every cookie of a redirect', () => {
    const response = toWebResponse({
      kind: 'redirect',
      status: 302,
      location: '/x',
      setCookie: ['a=1', 'b=2'],
    });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/x');
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
  });

  it('types pages and JSON, keeps their headers, and sends no body for an empty answer', async () => {
    const page = toWebResponse({ kind: 'page', status: 400, body: '<p>Error</p>', setCookie: [] });
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toBe('<p>Error</p>');
    const json: LogtoResponse = {
      kind: 'json',
      status: 401,
      body: '{}',
      setCookie: [],
      headers: { 'cache-control': 'no-store' },
    };
    expect(Object.fromEntries(toWebResponse(json).headers)).toEqual({
      'cache-control': 'no-store',
      'content-type': 'application/json; charset=utf-8',
    });
    const empty = toWebResponse({
      kind: 'empty',
      status: 200,
      setCookie: [],
      headers: { 'cache-control': 'no-store' },
    });
    expect(empty.body).toBeNull();
    expect(responseHeaders({ kind: 'empty', status: 200, setCookie: [] })).toEqual([]);
  });
});

describe('withSetCookie', () => {
  it('appends to a response it may change, and to a copy of one it may not', async () => {
    const own = new Response('x');
    expect(withSetCookie(own, ['a=1'])).toBe(own);
    expect(own.headers.getSetCookie()).toEqual(['a=1']);
    const immutable = Response.redirect('http://app.example/', 302);
    const copy = withSetCookie(immutable, ['b=2']);
    expect(copy).not.toBe(immutable);
    expect(copy.headers.getSetCookie()).toEqual(['b=2']);
    expect(copy.headers.get('location')).toBe('http://app.example/');
  });
});
