import { describe, expect, it } from 'vitest';
import { cookieHeaderAfter, parseSetCookie } from './cookies.ts';

describe('parseSetCookie', () => {
  it('reads the attributes core writes, for cookies().set()', () => {
    expect(
      parseSetCookie(
        '__Host-logto_session=v1.abc_-; Path=/; Max-Age=1209600; HttpOnly; SameSite=Lax; Secure',
      ),
    ).toEqual({
      name: '__Host-logto_session',
      value: 'v1.abc_-',
      path: '/',
      maxAge: 1209600,
      httpOnly: true,
      sameSite: 'lax',
      secure: true,
    });
  });

  it('ignores attributes it does not know and values it cannot read', () => {
    expect(parseSetCookie('a=b; Max-Age=soon; SameSite=Sometimes; Priority=High')).toEqual({
      name: 'a',
      value: 'b',
    });
  });
});

describe('cookieHeaderAfter', () => {
  it('replaces set cookies, drops removed ones and keeps the others in order', () => {
    const header = 'theme=dark; logto_session=old; logto_session.1=old1';
    const setCookie = [
      'logto_session=new; Path=/; Max-Age=600; HttpOnly; SameSite=Lax',
      'logto_session.1=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax',
      'logto_session_tx_abc=t; Path=/; Max-Age=600',
    ];
    expect(cookieHeaderAfter(header, setCookie)).toBe(
      'theme=dark; logto_session=new; logto_session_tx_abc=t',
    );
  });

  it('treats an Expires in the past as a removal, and starts from no header', () => {
    expect(cookieHeaderAfter(null, ['a=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT', 'b=2'])).toBe('b=2');
  });
});
