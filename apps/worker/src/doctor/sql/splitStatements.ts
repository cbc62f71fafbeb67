/**
 * Splits SQL text into statements at top-level semicolons, the way psql does: quotes, quoted
 * identifiers, dollar quotes and comments hide their semicolons. Comments are replaced by a
 * space so the statements can be matched with plain regular expressions.
 */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let current = '';
  let i = 0;
  const flush = () => {
    const text = current.trim();
    if (text) statements.push(text);
    current = '';
  };
  while (i < sql.length) {
    const char = sql[i]!;
    const next = sql[i + 1];
    if (char === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end;
      current += ' ';
    } else if (char === '/' && next === '*') {
      i = skipBlockComment(sql, i);
      current += ' ';
    } else if (char === "'") {
      const end = quotedEnd(sql, i, "'", isEscapeString(sql, i));
      current += sql.slice(i, end);
      i = end;
    } else if (char === '"') {
      const end = quotedEnd(sql, i, '"', false);
      current += sql.slice(i, end);
      i = end;
    } else if (char === '$' && dollarTagAt(sql, i) !== undefined) {
      const tag = dollarTagAt(sql, i)!;
      const close = sql.indexOf(tag, i + tag.length);
      const end = close === -1 ? sql.length : close + tag.length;
      current += sql.slice(i, end);
      i = end;
    } else if (char === ';') {
      flush();
      i += 1;
    } else {
      current += char;
      i += 1;
    }
  }
  flush();
  return statements;
}

/** `$tag$` (or `$$`) starting at `index`, else undefined (`$1` is a parameter, not a quote). */
export function dollarTagAt(sql: string, index: number): string | undefined {
  const match = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(index, index + 66));
  if (!match) return undefined;
  // An identifier can contain `$` (e.g. a$b$): only a `$` that does not continue a word opens a quote.
  if (index > 0 && /[A-Za-z0-9_]/.test(sql[index - 1]!)) return undefined;
  return match[0];
}

function isEscapeString(sql: string, quoteIndex: number): boolean {
  const before = sql[quoteIndex - 1];
  return (before === 'E' || before === 'e') && !/[A-Za-z0-9_]/.test(sql[quoteIndex - 2] ?? ' ');
}

/** Index just past the closing quote; a doubled quote is an escaped quote. */
function quotedEnd(sql: string, start: number, quote: string, backslashEscapes: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    const char = sql[i]!;
    if (backslashEscapes && char === '\\') {
      i += 2;
    } else if (char === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else {
      i += 1;
    }
  }
  return sql.length;
}

/** Block comments nest in Postgres. */
function skipBlockComment(sql: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    if (sql[i] === '/' && sql[i + 1] === '*') {
      depth += 1;
      i += 2;
    } else if (sql[i] === '*' && sql[i + 1] === '/') {
      depth -= 1;
      i += 2;
      if (depth === 0) return i;
    } else {
      i += 1;
    }
  }
  return sql.length;
}

/**
 * Index of the `)` that closes the `(` at `open`, skipping quoted text; -1 when unbalanced.
 */
export function closingParen(sql: string, open: number): number {
  let depth = 0;
  let i = open;
  while (i < sql.length) {
    const char = sql[i]!;
    if (char === "'" || char === '"') {
      i = quotedEnd(sql, i, char, char === "'" && isEscapeString(sql, i));
      continue;
    }
    if (char === '$' && dollarTagAt(sql, i) !== undefined) {
      const tag = dollarTagAt(sql, i)!;
      const close = sql.indexOf(tag, i + tag.length);
      i = close === -1 ? sql.length : close + tag.length;
      continue;
    }
    if (char === '(') depth += 1;
    if (char === ')') {
      depth -= 1;
      if (depth === 0) return i;
    }
    i += 1;
  }
  return -1;
}

/** Splits at commas that are outside parentheses and quotes (argument lists, role lists). */
export function splitTopLevel(text: string, separator = ','): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  let i = 0;
  while (i < text.length) {
    const char = text[i]!;
    if (char === "'" || char === '"') {
      const end = quotedEnd(text, i, char, false);
      current += text.slice(i, end);
      i = end;
      continue;
    }
    if (char === '(' || char === '[') depth += 1;
    if (char === ')' || char === ']') depth -= 1;
    if (char === separator && depth === 0) {
      parts.push(current.trim());
      current = '';
    } else {
      current += char;
    }
    i += 1;
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

/**
 * The SQL text inside string literals (dollar-quoted or single-quoted) of a PL/pgSQL body:
 * where guarded migrations keep the DDL they `execute` only when a feature is present.
 */
export function stringLiterals(code: string): string[] {
  const literals: string[] = [];
  let i = 0;
  while (i < code.length) {
    const char = code[i]!;
    if (char === "'") {
      const end = quotedEnd(code, i, "'", isEscapeString(code, i));
      literals.push(code.slice(i + 1, end - 1).replace(/''/g, "'"));
      i = end;
    } else if (char === '$' && dollarTagAt(code, i) !== undefined) {
      const tag = dollarTagAt(code, i)!;
      const close = code.indexOf(tag, i + tag.length);
      const end = close === -1 ? code.length : close;
      literals.push(code.slice(i + tag.length, end));
      i = end + tag.length;
    } else if (char === '-' && code[i + 1] === '-') {
      const end = code.indexOf('\n', i);
      i = end === -1 ? code.length : end;
    } else if (char === '/' && code[i + 1] === '*') {
      i = skipBlockComment(code, i);
    } else {
      i += 1;
    }
  }
  return literals;
}

/** The same text with every string literal (quotes included) replaced by spaces of the same length. */
export function maskLiterals(code: string): string {
  let out = '';
  let i = 0;
  while (i < code.length) {
    const char = code[i]!;
    let end = i;
    if (char === "'") end = quotedEnd(code, i, "'", isEscapeString(code, i));
    else if (char === '$' && dollarTagAt(code, i) !== undefined) {
      const tag = dollarTagAt(code, i)!;
      const close = code.indexOf(tag, i + tag.length);
      end = close === -1 ? code.length : close + tag.length;
    }
    if (end > i) {
      out += ' '.repeat(end - i);
      i = end;
    } else {
      out += char;
      i += 1;
    }
  }
  return out;
}
