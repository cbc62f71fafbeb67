import { closingParen, dollarTagAt, splitTopLevel } from './splitStatements';

/** One `create function` as a migration wrote it. */
export interface FunctionDefinition {
  schema: string;
  name: string;
  /** Identity argument types as written (OUT arguments left out): `text`, `timestamptz`, `uuid[]`. */
  argTypes: string[];
  securityDefiner: boolean;
  /** The `set search_path` value as written (`''`), or null when the function sets none. */
  searchPath: string | null;
}

export interface FunctionRef {
  schema: string;
  name: string;
  /** null: `drop function f` without an argument list (every overload). */
  argTypes: string[] | null;
}

export interface PrivilegeChange {
  kind: 'grant' | 'revoke';
  functions: FunctionRef[];
  roles: string[];
}

const IDENT = String.raw`(?:"[^"]+"|[A-Za-z_][A-Za-z0-9_$]*)`;
const QUALIFIED = String.raw`(?:${IDENT}\s*\.\s*)?${IDENT}`;

export function unquoteIdent(ident: string): string {
  const trimmed = ident.trim();
  return trimmed.startsWith('"') ? trimmed.slice(1, -1).replace(/""/g, '"') : trimmed.toLowerCase();
}

/** `public.f` / `f` → [schema, name]; an unqualified name is taken as public (our migrations qualify). */
export function splitQualified(name: string): [string, string] {
  const parts = name.split('.').map(unquoteIdent);
  return parts.length === 2 ? [parts[0]!, parts[1]!] : ['public', parts[0]!];
}

// First words of multi-word type names: `double precision`, `timestamp with time zone`, ...
const MULTIWORD_TYPES = /^(double\s+precision|character\s+varying|bit\s+varying|time(stamp)?\s+with(out)?\s+time\s+zone|interval\s+(year|month|day|hour|minute|second))/i;

/** The type of one argument declaration (`p_at timestamptz default now()` → `timestamptz`); null for OUT. */
export function argumentType(declaration: string): string | null {
  let text = declaration.replace(/\s+/g, ' ').trim();
  const cut = /\s(default\s|=)/i.exec(text);
  if (cut) text = text.slice(0, cut.index).trim();
  const mode = /^(in|out|inout|variadic)\s+/i.exec(text);
  if (mode) {
    if (/^out$/i.test(mode[1]!)) return null;
    text = text.slice(mode[0].length);
  }
  if (MULTIWORD_TYPES.test(text) || !/\s/.test(text)) return text;
  // `name type`: an argument name is one identifier, the rest is the type.
  const nameMatch = new RegExp(`^${IDENT}\\s+`).exec(text);
  return nameMatch ? text.slice(nameMatch[0].length) : text;
}

/** Canonical spelling of a type, so `int` and `integer` compare equal. */
export function normalizeType(type: string): string {
  const aliases: Record<string, string> = {
    int: 'integer', int4: 'integer', int2: 'smallint', int8: 'bigint', bool: 'boolean',
    timestamptz: 'timestamp with time zone', timestamp: 'timestamp without time zone',
    timetz: 'time with time zone', varchar: 'character varying', float8: 'double precision',
    float4: 'real', decimal: 'numeric',
  };
  const compact = type.toLowerCase().replace(/\s+/g, ' ').replace(/\s*\[\s*\]/g, '[]').replace(/"/g, '').trim();
  const arrays = /(\[\])*$/.exec(compact)![0];
  const base = compact.slice(0, compact.length - arrays.length).replace(/^pg_catalog\./, '');
  return (aliases[base] ?? base) + arrays;
}

/** `name(types)` → FunctionRef; also accepts argument names and modes inside the list. */
export function parseFunctionRef(text: string): FunctionRef | undefined {
  const match = new RegExp(`^\\s*(${QUALIFIED})\\s*(\\(|$)`).exec(text);
  if (!match) return undefined;
  const [schema, name] = splitQualified(match[1]!);
  if (match[2] !== '(') return { schema, name, argTypes: null };
  const open = match[0].length - 1;
  const close = closingParen(text, open);
  if (close === -1) return undefined;
  const inner = text.slice(open + 1, close).trim();
  const argTypes = inner ? splitTopLevel(inner).map(argumentType).filter((type): type is string => type !== null) : [];
  return { schema, name, argTypes };
}

const CREATE_FUNCTION = new RegExp(`^create\\s+(?:or\\s+replace\\s+)?function\\s+(?=${QUALIFIED}\\s*\\()`, 'i');

/** Parses the header of `create [or replace] function` (the body is not needed). */
export function parseCreateFunction(statement: string): FunctionDefinition | undefined {
  const head = CREATE_FUNCTION.exec(statement);
  if (!head) return undefined;
  const rest = statement.slice(head[0].length);
  const ref = parseFunctionRef(rest);
  if (!ref || ref.argTypes === null) return undefined;
  const attributes = withoutBodies(rest.slice(closingParen(rest, rest.indexOf('(')) + 1));
  const security = /\bsecurity\s+(definer|invoker)\b/i.exec(attributes);
  const searchPath = /\bset\s+search_path\s*(?:=|\bto\b)\s*('(?:[^']|'')*'|[^\s;]+(?:\s*,\s*[^\s;]+)*)/i.exec(attributes);
  return {
    schema: ref.schema,
    name: ref.name,
    argTypes: ref.argTypes,
    securityDefiner: security?.[1]?.toLowerCase() === 'definer',
    searchPath: searchPath?.[1] ?? null,
  };
}

/** Replaces dollar-quoted bodies by a placeholder: what a function says about itself is outside them. */
function withoutBodies(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const tag = text[i] === '$' ? dollarTagAt(text, i) : undefined;
    if (tag) {
      const close = text.indexOf(tag, i + tag.length);
      out += ' $body$ ';
      i = close === -1 ? text.length : close + tag.length;
    } else {
      out += text[i];
      i += 1;
    }
  }
  return out;
}

export function parseDropFunction(statement: string): FunctionRef[] | undefined {
  const match = /^drop\s+(?:function|procedure)\s+(?:if\s+exists\s+)?/i.exec(statement);
  if (!match) return undefined;
  const list = statement.slice(match[0].length).replace(/\s+(cascade|restrict)\s*$/i, '');
  return splitTopLevel(list).flatMap((item) => parseFunctionRef(item) ?? []);
}

/** `grant execute on function ... to ...` / `revoke all on function ... from ...`. */
export function parseFunctionPrivileges(statement: string): PrivilegeChange | undefined {
  const grant = /^grant\s+(?:execute|all(?:\s+privileges)?)\s+on\s+(?:function|routine)s?\s+([\s\S]+?)\s+to\s+([\s\S]+?)(?:\s+with\s+grant\s+option)?(?:\s+granted\s+by\s+\S+)?\s*$/i.exec(statement);
  const revoke = /^revoke\s+(?:grant\s+option\s+for\s+)?(?:execute|all(?:\s+privileges)?)\s+on\s+(?:function|routine)s?\s+([\s\S]+?)\s+from\s+([\s\S]+?)(?:\s+(?:cascade|restrict))?\s*$/i.exec(statement);
  const match = grant ?? revoke;
  if (!match || /^all\s+functions\s+in\s+schema/i.test(match[1]!)) return undefined;
  return {
    kind: grant ? 'grant' : 'revoke',
    functions: splitTopLevel(match[1]!).flatMap((item) => parseFunctionRef(item) ?? []),
    roles: splitTopLevel(match[2]!).map((role) => unquoteIdent(role.replace(/^group\s+/i, ''))),
  };
}

export function parseCreateTable(statement: string): { schema: string; name: string } | undefined {
  const match = new RegExp(`^create\\s+(?:unlogged\\s+)?table\\s+(?:if\\s+not\\s+exists\\s+)?(${QUALIFIED})`, 'i').exec(statement);
  if (!match) return undefined;
  const [schema, name] = splitQualified(match[1]!);
  return { schema, name };
}

export function parseDropTable(statement: string): Array<{ schema: string; name: string }> | undefined {
  const match = /^drop\s+table\s+(?:if\s+exists\s+)?([\s\S]+?)(?:\s+(?:cascade|restrict))?\s*$/i.exec(statement);
  if (!match) return undefined;
  return splitTopLevel(match[1]!).map((item) => {
    const [schema, name] = splitQualified(item);
    return { schema, name };
  });
}

export function parseCreateTrigger(statement: string): { name: string; schema: string; table: string } | undefined {
  const match = new RegExp(
    `^create\\s+(?:or\\s+replace\\s+)?(?:constraint\\s+)?trigger\\s+(${IDENT})\\s[\\s\\S]*?\\bon\\s+(${QUALIFIED})`,
    'i',
  ).exec(statement);
  if (!match) return undefined;
  const [schema, table] = splitQualified(match[2]!);
  return { name: unquoteIdent(match[1]!), schema, table };
}

export function parseCreatePolicy(statement: string): { name: string; schema: string; table: string } | undefined {
  const match = new RegExp(`^create\\s+policy\\s+(${IDENT})\\s+on\\s+(${QUALIFIED})`, 'i').exec(statement);
  if (!match) return undefined;
  const [schema, table] = splitQualified(match[2]!);
  return { name: unquoteIdent(match[1]!), schema, table };
}

/** Names given to `cron.schedule('name', ...)` / `cron.schedule_in_database('name', ...)`. */
export function cronJobsScheduled(statement: string): string[] {
  const names: string[] = [];
  for (const match of statement.matchAll(/\bcron\.schedule(?:_in_database)?\s*\(\s*'((?:[^']|'')+)'\s*,\s*'[^']*'\s*,/gi)) {
    names.push(match[1]!.replace(/''/g, "'"));
  }
  return names;
}

export function cronJobsUnscheduled(statement: string): string[] {
  return [...statement.matchAll(/\bcron\.unschedule\s*\(\s*'((?:[^']|'')+)'\s*\)/gi)].map((match) => match[1]!.replace(/''/g, "'"));
}
