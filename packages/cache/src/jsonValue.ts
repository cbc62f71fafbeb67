/**
 * A cached value must survive `JSON.stringify` → `JSON.parse` unchanged, or a cache hit would hand
 * back a different shape than the value that was stored (a Date as a string, a Map as `{}`, NaN as
 * null). This walks the value and returns a description of the first part that would not survive,
 * or `undefined` when the whole value is plain JSON.
 */
export function findNonJsonPart(value: unknown): string | undefined {
  return inspect(value, '$', new Set<object>());
}

function inspect(value: unknown, path: string, ancestors: Set<object>): string | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : `${path} is ${String(value)}, which JSON stores as null`;
    case 'bigint':
      return `${path} is a BigInt, which JSON cannot store (convert it to a string)`;
    case 'function':
      return `${path} is a function`;
    case 'symbol':
      return `${path} is a symbol`;
    case 'undefined':
      return `${path} is undefined (use null for "no value")`;
    case 'object':
      return value === null ? undefined : inspectObject(value, path, ancestors);
    default:
      return `${path} has unsupported type ${typeof value}`;
  }
}

function inspectObject(value: object, path: string, ancestors: Set<object>): string | undefined {
  if (ancestors.has(value)) return `${path} is a circular reference`;
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      // An index loop (not forEach) so holes in sparse arrays are seen as undefined.
      for (let index = 0; index < value.length; index += 1) {
        const problem = inspect(value[index], `${path}[${String(index)}]`, ancestors);
        if (problem) return problem;
      }
      return undefined;
    }
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) {
      const name = (value as { constructor?: { name?: string } }).constructor?.name ?? 'class instance';
      return `${path} is a ${name}; only plain objects and arrays can be cached`;
    }
    for (const [key, item] of Object.entries(value)) {
      // JSON drops undefined properties, and reading them back gives undefined anyway.
      if (item === undefined) continue;
      const problem = inspect(item, `${path}.${key}`, ancestors);
      if (problem) return problem;
    }
    return undefined;
  } finally {
    // Only ancestors count: the same object twice in different branches is fine.
    ancestors.delete(value);
  }
}
