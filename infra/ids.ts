/** Construct ids from kebab-case names: `sync-payments` → `SyncPayments`. */
export function pascal(name: string): string {
  return name.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
}
