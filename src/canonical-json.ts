/**
 * JSON with every object's keys sorted, at any depth; array order is kept (it is content). Two bodies
 * that differ only in key order are the same request or the same document.
 */
export function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  return Object.fromEntries(Object.keys(obj).sort().map((k) => [k, canonical(obj[k])]));
}
