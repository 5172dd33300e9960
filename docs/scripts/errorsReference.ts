/**
 * The errors reference, generated from `packages/core/src/errors.ts`: every tagged error class, its
 * TSDoc, its fields and every `reason` of its closed union, with the HTTP answer adapters give it
 * (computed by calling core's own `toHttpFailure`) and what to do (`errorAdvice.ts`).
 *
 * @module
 */
import { toHttpFailure } from '@logto-machine/core';
import ts from 'typescript';
import { errorAdvice } from './errorAdvice.ts';
import { cell, docOf, parseSource, propertyOf, stringLiterals } from './source.ts';

/** One tagged error class as `errors.ts` declares it. */
export interface ErrorClass {
  readonly tag: string;
  readonly doc: string;
  /** The closed `reason` union, in declaration order; empty for an error without a reason. */
  readonly reasons: readonly string[];
  /** The TSDoc of the `reason` field. */
  readonly reasonDoc: string;
  /** The other fields (`message` aside) and their TSDoc. */
  readonly fields: readonly { name: string; doc: string }[];
}

/** Every `class X extends Data.TaggedError('X')<{ … }>` of `errors.ts`. */
export const errorCatalog = (): ErrorClass[] => {
  const source = parseSource('packages/core/src/errors.ts');
  return source.statements.filter(ts.isClassDeclaration).flatMap((declaration) => {
    const heritage = declaration.heritageClauses?.[0]?.types[0];
    const call = heritage?.expression;
    const fields = heritage?.typeArguments?.[0];
    if (!call || !ts.isCallExpression(call) || !call.expression.getText().endsWith('TaggedError')) return [];
    const tagArgument = call.arguments[0];
    if (!tagArgument || !ts.isStringLiteral(tagArgument) || !fields || !ts.isTypeLiteralNode(fields))
      return [];
    const reason = propertyOf(fields, 'reason');
    return [
      {
        tag: tagArgument.text,
        doc: docOf(declaration),
        reasons: stringLiterals(reason?.type),
        reasonDoc: reason ? docOf(reason) : '',
        fields: fields.members
          .filter(ts.isPropertySignature)
          .map((member) => ({ name: member.name.getText(), doc: docOf(member) }))
          .filter(({ name }) => name !== 'reason' && name !== 'message'),
      },
    ];
  });
};

/** The advice keys the catalog calls for: `Tag.Reason`, or `Tag` for an error without reasons. */
export const adviceKeys = (catalog: readonly ErrorClass[]): string[] =>
  catalog.flatMap(({ tag, reasons }) =>
    reasons.length ? reasons.map((reason) => `${tag}.${reason}`) : [tag],
  );

/** The HTTP answer of an error in an adapter, from core's `toHttpFailure`, with the 403 case of refused requests. */
const httpAnswer = (tag: string, reason: string | undefined): string => {
  const base = toHttpFailure({ _tag: tag, reason, message: '' });
  const denied = toHttpFailure({ _tag: tag, reason, message: '', error: 'access_denied', status: 403 });
  const status =
    denied.status === base.status
      ? `${base.status}`
      : `${base.status} (${denied.status} for \`access_denied\`)`;
  return base.signInAgain ? `${status}; pages: redirect to sign-in` : status;
};

const advice = (key: string) => errorAdvice[key] ?? '';

/** The generated Markdown of the reference. */
export const renderErrorsReference = (): string => {
  const catalog = errorCatalog();
  const sections = catalog.map(({ tag, doc, reasons, reasonDoc, fields }) => {
    const fieldLines = fields.map(({ name, doc: fieldDoc }) => `- \`${name}\`: ${fieldDoc || '—'}`);
    const rows = reasons.length
      ? reasons.map(
          (reason) => `| \`${reason}\` | ${httpAnswer(tag, reason)} | ${cell(advice(`${tag}.${reason}`))} |`,
        )
      : [`| — | ${httpAnswer(tag, undefined)} | ${cell(advice(tag))} |`];
    return [
      `## \`${tag}\``,
      '',
      doc,
      '',
      ...(reasonDoc ? [`\`reason\`: ${reasonDoc}`, ''] : []),
      ...(fieldLines.length ? ['Besides `reason` and `message`:', '', ...fieldLines, ''] : []),
      '| `reason` | HTTP answer in the adapters | What to do |',
      '| --- | --- | --- |',
      ...rows,
    ].join('\n');
  });
  return `<!-- Generated from packages/core/src/errors.ts by docs/scripts/errorsReference.ts (advice: docs/scripts/errorAdvice.ts). Do not edit. -->

| Error | Reasons |
| --- | --- |
${catalog
  .map(
    ({ tag, reasons }) =>
      `| [\`${tag}\`](#${tag.toLowerCase()}) | ${reasons.map((reason) => `\`${reason}\``).join(', ') || '—'} |`,
  )
  .join('\n')}

${sections.join('\n\n')}
`;
};
