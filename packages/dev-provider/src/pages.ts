/**
 * Server-rendered pages: sign-in, register, consent, sign-out and errors. Plain forms that work
 * without JavaScript, with labelled inputs, so a browser test or a `fetch` driver can fill them.
 *
 * @module
 */

/** Escapes text for HTML content and attribute values. */
export const escapeHtml = (value: string): string =>
  value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

const style = `body{font-family:system-ui,sans-serif;background:#f5f5f7;margin:0;padding:48px 16px}
main{max-width:360px;margin:0 auto;background:#fff;border-radius:12px;padding:32px;box-shadow:0 1px 4px #0002}
h1{font-size:1.4rem;margin:0 0 4px}p{color:#555}label{display:block;margin:16px 0 4px;font-weight:600}
input{width:100%;box-sizing:border-box;padding:10px;font-size:1rem;border:1px solid #bbb;border-radius:6px}
button{width:100%;margin-top:24px;padding:12px;font-size:1rem;border:0;border-radius:6px;background:#5d34f2;color:#fff;cursor:pointer}
.error{color:#b00020;background:#fde7ea;padding:8px 12px;border-radius:6px}.hint{font-size:.85rem}a{color:#5d34f2}`;

/** Wraps a page body in the shared layout. */
export const layout = (title: string, body: string, head = ''): string => `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${style}</style>${head}
</head>
<body><main>
${body}
</main></body>
</html>`;

const errorBlock = (error?: string) =>
  error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : '';

/** What the sign-in and register pages show. */
export interface CredentialsPage {
  uid: string;
  appName: string;
  username?: string | undefined;
  error?: string | undefined;
  /** Seeded credentials to show as a hint, if any. */
  hint?: string | undefined;
}

/** The username-and-password sign-in form, posting to `/interaction/:uid/login`. */
export const signInPage = ({ uid, appName, username = '', error, hint }: CredentialsPage): string =>
  layout(
    'Sign in – Logto dev provider',
    `<h1>Sign in</h1>
<p>to continue to ${escapeHtml(appName)}</p>
${errorBlock(error)}
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<label for="username">Username</label>
<input id="username" name="username" autocomplete="username" value="${escapeHtml(username)}" required autofocus>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
<p class="hint">No account? <a href="/interaction/${escapeHtml(uid)}?screen=register">Create one</a>.</p>
${hint ? `<p class="hint">${escapeHtml(hint)}</p>` : ''}`,
  );

/** The register form, posting to `/interaction/:uid/register`; the user lives in memory. */
export const registerPage = ({ uid, appName, username = '', error }: CredentialsPage): string =>
  layout(
    'Create account – Logto dev provider',
    `<h1>Create account</h1>
<p>to continue to ${escapeHtml(appName)}</p>
${errorBlock(error)}
<form method="post" action="/interaction/${escapeHtml(uid)}/register">
<label for="username">Username</label>
<input id="username" name="username" autocomplete="username" value="${escapeHtml(username)}" required autofocus>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="new-password" required>
<button type="submit">Create account</button>
</form>
<p class="hint">Have an account? <a href="/interaction/${escapeHtml(uid)}?screen=sign_in">Sign in</a>.</p>`,
  );

/** The consent form of a third-party app, posting to `/interaction/:uid/consent`. */
export const consentPage = (uid: string, appName: string, scopes: string[]): string =>
  layout(
    'Authorize – Logto dev provider',
    `<h1>Authorize ${escapeHtml(appName)}</h1>
<p>${escapeHtml(appName)} asks for:</p>
<ul>${scopes.map((scope) => `<li>${escapeHtml(scope)}</li>`).join('')}</ul>
<form method="post" action="/interaction/${escapeHtml(uid)}/consent">
<button type="submit">Authorize</button>
</form>
<p class="hint"><a href="/interaction/${escapeHtml(uid)}/abort">Cancel</a></p>`,
  );

/** An error page for a broken or expired interaction. */
export const errorPage = (title: string, message: string): string =>
  layout(title, `<h1>${escapeHtml(title)}</h1>${errorBlock(message)}`);

/**
 * The sign-out confirmation. `logout=yes` sits inside the form, so a client that posts only the
 * form's fields still ends the whole session; the script submits it at once, as Logto's page does.
 */
export const logoutPage = (form: string): string => {
  const withLogout = form.replace(
    '</form>',
    '<input type="hidden" name="logout" value="yes"><button type="submit">Sign out</button></form>',
  );
  return layout(
    'Sign out – Logto dev provider',
    `<h1>Signing out…</h1>${withLogout}
<script>document.getElementById('op.logoutForm').submit()</script>`,
  );
};

/** Shown after sign-out when no `post_logout_redirect_uri` was given. */
export const logoutSuccessPage = (): string =>
  layout('Signed out – Logto dev provider', '<h1>Signed out</h1><p>You have been signed out.</p>');
