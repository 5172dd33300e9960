/** A form found in an HTML page. */
export interface HtmlForm {
  action: string;
  method: string;
  /** The named inputs with their (default) values, in document order. */
  fields: Array<[name: string, value: string]>;
}

const entities: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

const decode = (value: string) =>
  value.replace(/&(#x[\da-f]+|#\d+|\w+);/gi, (match, entity: string) => {
    if (entity[0] === '#') {
      const code =
        entity[1] === 'x' || entity[1] === 'X'
          ? Number.parseInt(entity.slice(2), 16)
          : Number(entity.slice(1));
      return String.fromCodePoint(code);
    }
    return entities[entity.toLowerCase()] ?? match;
  });

const attribute = (tag: string, name: string) => {
  const match = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag);
  return match ? decode(match[1] ?? match[2] ?? match[3] ?? '') : undefined;
};

/**
 * The forms of a page, enough to drive the dev provider's own pages and oidc-provider's
 * auto-submitting ones: `<input>` and `<button name>` fields; no `<select>` or `<textarea>`.
 */
export function parseForms(html: string): HtmlForm[] {
  const forms: HtmlForm[] = [];
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const [, tag = '', body = ''] = match;
    const fields: HtmlForm['fields'] = [];
    for (const [input = ''] of body.matchAll(/<(?:input|button)\b[^>]*>/gi)) {
      const name = attribute(input, 'name');
      if (name) fields.push([name, attribute(input, 'value') ?? '']);
    }
    forms.push({
      action: attribute(tag, 'action') ?? '',
      method: (attribute(tag, 'method') ?? 'get').toUpperCase(),
      fields,
    });
  }
  return forms;
}

/** The text of the page's `role="alert"` element, the dev provider's error message. */
export const alertText = (html: string): string | undefined =>
  decode(/role="alert"[^>]*>([^<]*)</.exec(html)?.[1]?.trim() ?? '') || undefined;
