/**
 * The README's API table, made from the routes' descriptors (`npm run generate` writes it between
 * the README's `routes` markers; a test fails when the README differs).
 */
import { ROUTES } from '#functions/index.ts';

export const ROUTE_TABLE_START =
  '<!-- routes: made by npm run generate from functions/index.ts -->';
export const ROUTE_TABLE_END = '<!-- /routes -->';

export function routeTable(): string {
  return [
    '| route | function | what it does |',
    '|---|---|---|',
    ...ROUTES.map(
      (r) =>
        `| \`${r.method} ${r.path}${r.doc.readmeQuery ?? ''}\` | ${r.function} | ${r.doc.readme} |`,
    ),
  ].join('\n');
}

/** `readme` with its table replaced by {@link routeTable}; throws when the markers are missing. */
export function withRouteTable(readme: string): string {
  const start = readme.indexOf(ROUTE_TABLE_START);
  const end = readme.indexOf(ROUTE_TABLE_END);
  if (start < 0 || end < start) {
    throw new Error(`README.md has no "${ROUTE_TABLE_START}" … "${ROUTE_TABLE_END}" block`);
  }
  return `${readme.slice(0, start + ROUTE_TABLE_START.length)}\n${routeTable()}\n${readme.slice(end)}`;
}
