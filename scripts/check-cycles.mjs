// Fails when the files of a package's `src` import each other in a cycle: static imports and
// re-exports of relative paths, type-only ones included (a type cycle still ties the files together).
// Prints each cycle as a chain of paths. Run: `node scripts/check-cycles.mjs`.
import { read, resolveRelative, shown, sourceFilesByPackage, staticImports } from './sourceImports.mjs';

/** The relative imports of every file: file → files it imports. */
const graph = new Map();
for (const files of sourceFilesByPackage().values())
  for (const file of files) {
    const targets = new Set();
    for (const { specifier } of staticImports(read(file))) {
      if (!specifier.startsWith('.')) continue;
      const target = resolveRelative(file, specifier);
      if (target !== null) targets.add(target);
    }
    graph.set(file, targets);
  }

/** Strongly connected components (Tarjan), iteratively: every cycle lies within one of them. */
const components = () => {
  const indexOf = new Map();
  const lowOf = new Map();
  const stack = [];
  const onStack = new Set();
  const found = [];
  let counter = 0;
  for (const start of graph.keys()) {
    if (indexOf.has(start)) continue;
    const work = [[start, [...(graph.get(start) ?? [])], 0]];
    indexOf.set(start, counter);
    lowOf.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work.at(-1);
      const [node, targets] = frame;
      if (frame[2] < targets.length) {
        const target = targets[frame[2]++];
        if (!graph.has(target)) continue;
        if (!indexOf.has(target)) {
          indexOf.set(target, counter);
          lowOf.set(target, counter++);
          stack.push(target);
          onStack.add(target);
          work.push([target, [...graph.get(target)], 0]);
        } else if (onStack.has(target)) lowOf.set(node, Math.min(lowOf.get(node), indexOf.get(target)));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work.at(-1)[0];
        lowOf.set(parent, Math.min(lowOf.get(parent), lowOf.get(node)));
      }
      if (lowOf.get(node) === indexOf.get(node)) {
        const component = [];
        let member;
        do {
          member = stack.pop();
          onStack.delete(member);
          component.push(member);
        } while (member !== node);
        if (component.length > 1 || graph.get(node).has(node)) found.push(component);
      }
    }
  }
  return found;
};

/** The shortest cycle through `start` within `members` (breadth first), as a list of files. */
const shortestCycle = (start, members) => {
  const previous = new Map([[start, null]]);
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift();
    for (const target of graph.get(node)) {
      if (!members.has(target)) continue;
      if (target === start) {
        const path = [node];
        while (previous.get(path[0]) !== null) path.unshift(previous.get(path[0]));
        return path;
      }
      if (!previous.has(target)) {
        previous.set(target, node);
        queue.push(target);
      }
    }
  }
  return [start];
};

const cycles = new Map();
for (const component of components()) {
  const members = new Set(component);
  for (const file of [...component].sort()) {
    const cycle = shortestCycle(file, members);
    // The same cycle from each of its files: keep it once, starting from its first path.
    const first = cycle.indexOf([...cycle].sort()[0]);
    const rotated = [...cycle.slice(first), ...cycle.slice(0, first)];
    cycles.set(rotated.join('\0'), rotated);
  }
}

if (cycles.size === 0) {
  console.log(`check-cycles: no import cycle among the ${graph.size} files of packages/*/src.`);
} else {
  console.error(`check-cycles: ${cycles.size} import cycle(s) in packages/*/src; break each one:`);
  for (const cycle of cycles.values())
    console.error(`  ${[...cycle, cycle[0]].map(shown).join('\n    → ')}\n`);
  process.exitCode = 1;
}
