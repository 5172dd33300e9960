/**
 * The session state chart, generated from `sessionMachine` itself: walks the machine's state nodes
 * (`sessionMachine.root`) and writes a Mermaid state diagram plus tables of its states, transitions and
 * events. The picture is the code: `test/generated.test.ts` fails while the committed file differs
 * from a fresh generation.
 *
 * @module
 */
import { sessionMachine } from '@logto-machine/core/machine';
import ts from 'typescript';
import type { AnyStateNode, AnyTransitionDefinition } from 'xstate';
import { cell, docOf, parseSource, propertyOf, stringLiterals } from './source.ts';

interface Edge {
  readonly from: AnyStateNode;
  readonly event: string;
  readonly guard: string | undefined;
  readonly targets: readonly AnyStateNode[];
  readonly actions: readonly string[];
}

/** A guard, action or actor reference as its name (they are all named in `setup()`). */
const nameOf = (value: unknown): string => {
  if (typeof value === 'string') return value;
  if (typeof value === 'function') return value.name || 'inline';
  if (typeof value === 'object' && value !== null && 'type' in value) return String(value.type);
  return 'inline';
};

/** `xstate.done.actor.exchangeCode` → `exchangeCode done`; plain events stay as they are. */
const eventLabel = (event: string): string => {
  const actor = /^xstate\.(done|error)\.actor\.(.+)$/.exec(event);
  if (!actor) return event;
  return `${actor[2]} ${actor[1] === 'done' ? 'done' : 'failed'}`;
};

/** A state's Mermaid id: its path, so nested states with the same key cannot collide. */
const idOf = (node: AnyStateNode): string => node.path.join('_');

const children = (node: AnyStateNode): AnyStateNode[] => Object.values(node.states);

const descendants = (node: AnyStateNode): AnyStateNode[] =>
  children(node).flatMap((child) => [child, ...descendants(child)]);

/** Every transition of a node, in the machine's priority order, with `otherwise` for an unguarded fallback. */
const edgesOf = (node: AnyStateNode): Edge[] =>
  [...node.transitions.entries()].flatMap(([event, transitions]: [string, AnyTransitionDefinition[]]) =>
    transitions.map((transition, index) => ({
      from: node,
      event,
      guard: transition.guard
        ? nameOf(transition.guard)
        : index > 0 && transitions[index - 1]?.guard
          ? 'otherwise'
          : undefined,
      targets: transition.target ?? [],
      actions: (transition.actions ?? []).map(nameOf),
    })),
  );

/** The deepest compound state (not the root) holding both ends of an edge, where Mermaid must declare it. */
const ownerOf = (edge: Edge, target: AnyStateNode): AnyStateNode | undefined => {
  const ancestors = (node: AnyStateNode) => node.path.slice(0, -1).join('.');
  const from = ancestors(edge.from);
  return from !== '' && from === ancestors(target) ? edge.from.parent : undefined;
};

const label = (edge: Edge) => `${eventLabel(edge.event)}${edge.guard ? ` [${edge.guard}]` : ''}`;

/** The Mermaid `stateDiagram-v2` source of the machine. */
export const mermaidOf = (machine: { root: AnyStateNode }): string => {
  const root = machine.root;
  const edges = [root, ...descendants(root)].flatMap(edgesOf);
  // Several transitions between the same two states share one arrow, their labels on separate lines.
  const arrows = new Map<
    string,
    { owner: AnyStateNode | undefined; from: string; to: string; labels: string[] }
  >();
  for (const edge of edges) {
    for (const target of edge.targets) {
      if (edge.from === root) continue;
      const key = `${idOf(edge.from)}→${idOf(target)}`;
      const arrow = arrows.get(key) ?? {
        owner: ownerOf(edge, target),
        from: idOf(edge.from),
        to: idOf(target),
        labels: [],
      };
      arrow.labels.push(label(edge));
      arrows.set(key, arrow);
    }
  }
  const lines: string[] = ['stateDiagram-v2'];
  const declare = (node: AnyStateNode, indent: string) => {
    const initial = node.initial?.target?.[0];
    if (initial) lines.push(`${indent}[*] --> ${idOf(initial)}`);
    for (const child of children(node)) {
      const id = idOf(child);
      if (child.type === 'compound') {
        lines.push(`${indent}state "${child.key}" as ${id} {`);
        declare(child, `${indent}  `);
        lines.push(`${indent}}`);
      } else {
        lines.push(`${indent}state "${child.key}" as ${id}`);
      }
      for (const invoke of child.invoke) lines.push(`${indent}${id} : runs ${nameOf(invoke.src)}`);
    }
    for (const arrow of arrows.values()) {
      if (arrow.owner === (node === root ? undefined : node)) {
        lines.push(`${indent}${arrow.from} --> ${arrow.to} : ${arrow.labels.join('<br/>')}`);
      }
    }
  };
  declare(root, '  ');
  return lines.join('\n');
};

/** The events of the machine and their TSDoc, from the `SessionEvent` union in `events.ts`. */
export const sessionEvents = (): { type: string; doc: string }[] => {
  const source = parseSource('packages/core/src/machine/events.ts');
  const alias = source.statements.find(
    (statement): statement is ts.TypeAliasDeclaration =>
      ts.isTypeAliasDeclaration(statement) && statement.name.text === 'SessionEvent',
  );
  if (!alias || !ts.isUnionTypeNode(alias.type)) throw new Error('events.ts has no SessionEvent union');
  return alias.type.types.filter(ts.isTypeLiteralNode).map((member, index, members) => ({
    type: stringLiterals(propertyOf(member, 'type')?.type)[0] ?? '?',
    doc: docOf(member, index === 0 ? alias.type.getFullStart() : members[index - 1]!.getEnd()),
  }));
};

const code = (text: string) => `\`${text}\``;
const list = (items: readonly string[]) => items.map(code).join(', ') || '—';

/** The generated Markdown: the diagram, then the states, transitions and events as tables. */
export const renderStateChart = (): string => {
  const root = sessionMachine.root;
  const nodes = descendants(root);
  const states = nodes.map(
    (node) =>
      `| ${code(node.path.join('.'))} | ${list([...node.tags])} | ${list(node.invoke.map((invoke) => nameOf(invoke.src)))} |`,
  );
  const transitions = [root, ...nodes].flatMap(edgesOf).map((edge) => {
    const from = edge.from === root ? 'any state' : code(edge.from.path.join('.'));
    const to =
      edge.targets.length === 0 ? 'stays' : list(edge.targets.map((target) => target.path.join('.')));
    return `| ${from} | ${code(edge.event)} | ${edge.guard ? code(edge.guard) : ''} | ${to} | ${list(edge.actions)} |`;
  });
  const events = sessionEvents().map(({ type, doc }) => `| ${code(type)} | ${cell(doc)} |`);
  return `<!-- Generated from sessionMachine (packages/core/src/machine/sessionMachine.ts) by docs/scripts/stateChart.ts.
Do not edit: \`pnpm docs:build\` regenerates it, and the docs tests fail while it differs from the machine. -->

\`\`\`mermaid
${mermaidOf(sessionMachine)}
\`\`\`

### States

| State | Tags | Runs (actor) |
| --- | --- | --- |
${states.join('\n')}

### Transitions

In priority order: the first transition of an event whose guard holds is taken. "any state" is a
transition of the machine's root, which every state inherits.

| In state | On event | If | Goes to | Actions |
| --- | --- | --- | --- | --- |
${transitions.join('\n')}

### Events

| Event | What it means |
| --- | --- |
${events.join('\n')}
`;
};
