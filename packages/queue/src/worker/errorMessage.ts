/** A readable message for whatever a processor threw (Error, string, object, undefined, ...). */
export function errorMessage(thrown: unknown): string {
  if (thrown instanceof Error) return thrown.message || thrown.name;
  if (typeof thrown === 'string') return thrown || 'empty error';
  if (thrown === undefined || thrown === null) return `processor threw ${String(thrown)}`;
  try {
    return JSON.stringify(thrown) ?? String(thrown);
  } catch {
    return String(thrown);
  }
}
