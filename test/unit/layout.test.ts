import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const ALIASES: Record<string, string> = {
  '#shared/': 'shared/',
  '#functions/': 'functions/',
  '#infra/': 'infra/',
  '#local/': 'local/',
};

/** Every product module and the product modules it imports (aliases and relative paths). */
function importGraph(dirs: readonly string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const dir of dirs) {
    for (const entry of readdirSync(join(root, dir), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
      const file = relative(root, join(entry.parentPath, entry.name));
      const text = readFileSync(join(root, file), 'utf8');
      const targets = [...text.matchAll(/from '([^']+)'/g)].flatMap(([, spec = '']) => {
        const alias = Object.keys(ALIASES).find((a) => spec.startsWith(a));
        if (alias) return [`${ALIASES[alias]}${spec.slice(alias.length)}`];
        return spec.startsWith('.') ? [normalize(join(dirname(file), spec))] : [];
      });
      graph.set(file, targets);
    }
  }
  return graph;
}

const graph = importGraph(['shared', 'functions', 'infra', 'local/runtime']);

describe('the import graph', () => {
  it('has no function folder importing another, and no ../ between them', () => {
    const crossing = [...graph].flatMap(([file, targets]) => {
      const own = /^functions\/([^/]+)\//.exec(file)?.[1];
      if (own === undefined) return [];
      return targets
        .filter((t) => t.startsWith('functions/') && !t.startsWith(`functions/${own}/`))
        .filter((t) => t !== 'functions/routes.ts')
        .map((t) => `${file} -> ${t}`);
    });
    expect(crossing).toEqual([]);
  });

  it('has no circle', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, path: string[]) => {
      state.set(file, 'open');
      for (const next of graph.get(file) ?? []) {
        if (!graph.has(next)) continue;
        if (state.get(next) === 'open') cycles.push([...path, file, next].join(' -> '));
        else if (state.get(next) === undefined) visit(next, [...path, file]);
      }
      state.set(file, 'done');
    };
    for (const file of graph.keys()) if (!state.has(file)) visit(file, []);
    expect(cycles).toEqual([]);
  });
});
