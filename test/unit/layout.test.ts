import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BACKGROUND_FUNCTIONS, FUNCTIONS, ROUTES } from '#functions/index.ts';

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

describe('the function folders', () => {
  const folders = readdirSync(join(root, 'functions'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const files = (folder: string) => readdirSync(join(root, 'functions', folder)).sort();

  it('are each listed once in functions/index.ts, under their own name', () => {
    expect(FUNCTIONS.map((f) => f.function).sort()).toEqual(folders);
    expect(new Set(FUNCTIONS.map((f) => f.function)).size).toBe(FUNCTIONS.length);
  });

  it('hold a handler and one descriptor: route.ts for a route, background.ts otherwise', () => {
    for (const route of ROUTES) {
      expect(files(route.function), route.function).toContain('handler.ts');
      expect(files(route.function), route.function).toContain('route.ts');
      expect(files(route.function), route.function).not.toContain('background.ts');
    }
    for (const fn of BACKGROUND_FUNCTIONS) {
      expect(files(fn.function), fn.function).toContain('handler.ts');
      expect(files(fn.function), fn.function).toContain('background.ts');
      expect(files(fn.function), fn.function).not.toContain('route.ts');
    }
  });

  it('have no two routes on one method and path', () => {
    const keys = ROUTES.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("are named by their descriptors: each handler wires its own folder's descriptor", () => {
    for (const fn of FUNCTIONS) {
      const handler = readFileSync(join(root, 'functions', fn.function, 'handler.ts'), 'utf8');
      const own = ROUTES.includes(fn as (typeof ROUTES)[number]) ? './route.ts' : './background.ts';
      expect(handler, fn.function).toContain(`from '${own}'`);
    }
  });
});
