// The local runtime's service starters serve the tests too (one implementation).
export * from '#local/runtime/services.ts';
