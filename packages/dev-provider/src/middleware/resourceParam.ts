import type { OidcMiddleware } from './types.js';

/**
 * Splits a comma-separated `resource` query parameter into repeated ones (`?resource=a,b` →
 * `?resource=a&resource=b`), as Logto's koa-resource-param does.
 */
export const splitResourceParam: OidcMiddleware = async (ctx, next) => {
  const { resource } = ctx.request.query;
  if (resource) {
    const values = (Array.isArray(resource) ? resource : [resource]).flatMap((value) => value.split(','));
    ctx.request.query = { ...ctx.request.query, resource: values };
  }
  await next();
};
