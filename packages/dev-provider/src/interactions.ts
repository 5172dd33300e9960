import type { IncomingMessage, ServerResponse } from 'node:http';

import type { Provider } from 'oidc-provider';

import type { Directory } from './directory.js';
import type { DevApp } from './options.js';
import { consentPage, errorPage, registerPage, signInPage } from './pages.js';

type Interaction = Awaited<ReturnType<Provider['interactionDetails']>>;

/** What the interaction routes need. */
export interface InteractionDeps {
  provider: Provider;
  directory: Directory;
  apps: readonly DevApp[];
  /** A line under the sign-in form, e.g. the seeded credentials. */
  hint?: string | undefined;
}

const send = (res: ServerResponse, status: number, html: string) => {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
};

const readForm = async (req: IncomingMessage): Promise<URLSearchParams> => {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 65_536) throw new Error('form too large');
  }
  return new URLSearchParams(body);
};

/** Logto opens its register screen for `first_screen=register` or the older `interaction_mode=signUp`. */
const wantsRegister = ({ first_screen: firstScreen, interaction_mode: mode }: Interaction['params']) =>
  firstScreen === 'register' || firstScreen === 'identifier:register' || mode === 'signUp';

const missingScopes = (interaction: Interaction) => {
  const details = interaction.prompt.details as {
    missingOIDCScope?: string[] | undefined;
    missingOIDCClaims?: string[] | undefined;
    missingResourceScopes?: Record<string, string[]> | undefined;
  };
  return {
    ...details,
    all: [...(details.missingOIDCScope ?? []), ...Object.values(details.missingResourceScopes ?? {}).flat()],
  };
};

/**
 * Handles `/interaction/:uid[/login|/register|/consent|/abort]`: the sign-in experience Logto
 * serves from its own app, reduced to a username and password form, a register form, and consent
 * that first-party apps skip (Logto's koa-auto-consent).
 */
export function createInteractionHandler({ provider, directory, apps, hint }: InteractionDeps) {
  const appsById = new Map(apps.map((app) => [app.id, app]));

  const finishConsent = async (req: IncomingMessage, res: ServerResponse, interaction: Interaction) => {
    const missing = missingScopes(interaction);
    // A grant that expired meanwhile is replaced, as a fresh consent would.
    const existing = interaction.grantId ? await provider.Grant.find(interaction.grantId) : undefined;
    const grant =
      existing ??
      new provider.Grant({
        accountId: interaction.session?.accountId,
        clientId: String(interaction.params.client_id),
      });
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope);
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes);
    }
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  };

  const login = (req: IncomingMessage, res: ServerResponse, accountId: string) =>
    provider.interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false });

  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const [, , uid = '', action = ''] = url.pathname.split('/');
    let interaction: Interaction;
    try {
      interaction = await provider.interactionDetails(req, res);
    } catch {
      return send(
        res,
        400,
        errorPage('Sign-in expired', 'This sign-in is over or has expired. Sign in from the app again.'),
      );
    }
    if (interaction.uid !== uid) {
      return send(
        res,
        400,
        errorPage('Sign-in expired', 'This page belongs to an older sign-in. Sign in from the app again.'),
      );
    }
    const app = appsById.get(String(interaction.params.client_id));
    const page = { uid, appName: app?.name ?? String(interaction.params.client_id), hint };

    switch (`${req.method} ${action}`) {
      case 'GET ': {
        if (interaction.prompt.name === 'consent') {
          if (app?.firstParty ?? true) return finishConsent(req, res, interaction);
          return send(res, 200, consentPage(uid, page.appName, missingScopes(interaction).all));
        }
        const screen =
          url.searchParams.get('screen') ?? (wantsRegister(interaction.params) ? 'register' : 'sign_in');
        // Logto's sign-in page prefills the identifier from `login_hint`.
        const hint = interaction.params.login_hint;
        const prefilled = { ...page, username: typeof hint === 'string' ? hint : undefined };
        return send(res, 200, screen === 'register' ? registerPage(prefilled) : signInPage(prefilled));
      }
      case 'POST login': {
        const form = await readForm(req);
        const username = form.get('username') ?? '';
        const user = directory.authenticate(username, form.get('password') ?? '');
        if (!user) {
          // The phrase of Logto's `session.invalid_credentials`.
          const error = 'Incorrect account or password. Please check your input.';
          return send(res, 400, signInPage({ ...page, username, error }));
        }
        return login(req, res, user.id);
      }
      case 'POST register': {
        const form = await readForm(req);
        const username = (form.get('username') ?? '').trim();
        const password = form.get('password') ?? '';
        const error = !/^[A-Z_a-z]\w*$/.test(username)
          ? 'Username should start with a letter or underscore and contain only letters, digits and underscores.'
          : directory.findByUsername(username)
            ? 'This username is already in use.'
            : password.length === 0
              ? 'Enter a password.'
              : undefined;
        if (error) return send(res, 400, registerPage({ ...page, username, error }));
        return login(req, res, directory.register(username, password).id);
      }
      case 'POST consent':
        return finishConsent(req, res, interaction);
      case 'GET abort':
        return provider.interactionFinished(req, res, {
          error: 'access_denied',
          error_description: 'End-User aborted interaction',
        });
      default:
        return send(res, 404, errorPage('Not found', 'There is no such page.'));
    }
  };
}
