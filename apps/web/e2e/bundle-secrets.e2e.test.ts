import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'vite';

const appRoot = fileURLToPath(new URL('..', import.meta.url));

/** Every file under dir (the bundle: JS, HTML, CSS, wasm and data), read as latin1 text. */
async function readTree(dir: string): Promise<Array<{ file: string; text: string }>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
  return Promise.all(files.map(async (file) => ({ file, text: (await readFile(file)).toString('latin1') })));
}

function jwtRole(token: string): unknown {
  try {
    return (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { role?: unknown }).role;
  } catch {
    return undefined;
  }
}

// Names of secrets that send or write; the bundle may mention a name (the SQL comments and
// @upstash/redis's fromEnv() do) but never assign it a value.
const SECRET_NAMES = [
  'SUPABASE_SERVICE_ROLE_KEY',
  'SERVICE_ROLE_KEY',
  'UPSTASH_REDIS_REST_TOKEN',
  'KV_REST_API_TOKEN',
  'DATABASE_URL',
  'SMTP_PASSWORD',
  'WEBHOOK_SECRET',
];
const JWT = /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g;
const CREDENTIALED_URL = /postgres(?:ql)?:\/\/[^\s'"`/@:]+:[^\s'"`/@]+@/g;
const ASSIGNED_SECRET = new RegExp(`(?:${SECRET_NAMES.join('|')})["'\`]?\\s*[:=]\\s*["'\`][^"'\`\\s]{6,}`, 'g');

/** Every secret-shaped string in the files: service-role JWTs, credentialed URLs, assigned secret env. */
function findSecrets(files: Array<{ file: string; text: string }>): string[] {
  const found: string[] = [];
  for (const { file, text } of files) {
    for (const [token] of text.matchAll(JWT)) {
      if (jwtRole(token) === 'service_role') found.push(`${file}: a service_role JWT ${token.slice(0, 24)}…`);
      const around = text.slice(Math.max(0, text.indexOf(token) - 200), text.indexOf(token) + token.length + 200);
      if (around.includes('service_role')) found.push(`${file}: a JWT next to "service_role"`);
    }
    for (const [url] of text.matchAll(CREDENTIALED_URL)) found.push(`${file}: a database URL with a password ${url}`);
    for (const [assignment] of text.matchAll(ASSIGNED_SECRET)) found.push(`${file}: ${assignment.slice(0, 60)}`);
  }
  return found;
}

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const FAKE_SERVICE_KEY = `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url({ iss: 'supabase', role: 'service_role', ref: 'tessera-fake' })}.dGVzc2VyYS1mYWtlLXNpZ25hdHVyZQ`;
const FAKE_WRITE_TOKEN = 'tessera-fake-write-token-7f3a9c';
const FAKE_DATABASE_URL = 'postgres://tessera:fake-db-password-51e0@127.0.0.1:5432/tessera';
const FAKE_READ_ONLY_TOKEN = 'tessera-fake-read-only-token-19bd';

describe('the browser bundle holds no secret', () => {
  it('the scanner flags each secret shape it looks for (it is not blind)', () => {
    const planted = [
      { file: 'a.js', text: `const key="${FAKE_SERVICE_KEY}";` },
      { file: 'b.js', text: `connect("${FAKE_DATABASE_URL}")` },
      { file: 'c.js', text: `{"UPSTASH_REDIS_REST_TOKEN":"${FAKE_WRITE_TOKEN}"}` },
      { file: 'd.js', text: `SUPABASE_SERVICE_ROLE_KEY=${JSON.stringify(FAKE_WRITE_TOKEN)}` },
      // A key whose payload hides its role (or is not decodable), labelled service_role nearby.
      // (Assembled here so the repository holds no literal that looks like a committed key.)
      { file: 'e.js', text: `const service_role="${['eyJhbGciOiJIUzI1NiJ9', 'eyJzdWIiOiJ4eHh4eCJ9', 'c2lnbmF0dXJl'].join('.')}";` },
    ];
    expect(findSecrets(planted).map((finding) => finding.split(':')[0])).toEqual(['a.js', 'b.js', 'c.js', 'd.js', 'e.js']);
    // Mentions of names, bare schemes and anon-key JWTs are not secrets.
    const harmless = [
      { file: 'x.js', text: `let t={}.UPSTASH_REDIS_REST_TOKEN||{}.KV_REST_API_TOKEN; -- a Node worker on DATABASE_URL` },
      { file: 'f.data', text: 'postgresql:// postgres://' },
      { file: 'g.js', text: `${base64url({ alg: 'HS256' })}.${base64url({ role: 'anon' })}.c2ln` },
    ];
    expect(findSecrets(harmless)).toEqual([]);
  });

  it('the deployed build (apps/web/dist, built by the e2e setup) contains none', async () => {
    const files = await readTree(join(appRoot, 'dist'));
    expect(files.length).toBeGreaterThan(3);
    expect(findSecrets(files)).toEqual([]);
  });

  describe('a build made with secrets present in the environment', () => {
    let envDir: string;
    let outDir: string;
    let files: Array<{ file: string; text: string }>;
    const processEnv = {
      SUPABASE_SERVICE_ROLE_KEY: FAKE_SERVICE_KEY,
      UPSTASH_REDIS_REST_TOKEN: FAKE_WRITE_TOKEN,
      DATABASE_URL: FAKE_DATABASE_URL,
      VITE_UPSTASH_REDIS_URL: 'http://127.0.0.1:9',
      VITE_UPSTASH_REDIS_TOKEN: FAKE_READ_ONLY_TOKEN,
    };

    beforeAll(async () => {
      envDir = await mkdtemp(join(tmpdir(), 'tessera-env-'));
      outDir = await mkdtemp(join(tmpdir(), 'tessera-dist-'));
      await writeFile(
        join(envDir, '.env'),
        Object.entries(processEnv)
          .map(([key, value]) => `${key}=${value}`)
          .join('\n'),
      );
      const saved = Object.fromEntries(Object.keys(processEnv).map((key) => [key, process.env[key]]));
      Object.assign(process.env, processEnv);
      try {
        await build({
          root: appRoot,
          mode: 'production',
          envDir,
          logLevel: 'error',
          build: { outDir, emptyOutDir: true },
        });
      } finally {
        for (const [key, value] of Object.entries(saved)) {
          if (value === undefined) delete process.env[key];
          else process.env[key] = value;
        }
      }
      files = await readTree(outDir);
    }, 180_000);
    afterAll(async () => {
      await Promise.all([envDir, outDir].filter(Boolean).map((dir) => rm(dir, { recursive: true, force: true })));
    });

    it('carries the public VITE_ value (the environment did reach the bundle)', () => {
      expect(files.some(({ text }) => text.includes(FAKE_READ_ONLY_TOKEN))).toBe(true);
    });

    it('leaves out the service key, the Redis write token and the database URL', () => {
      for (const secret of [FAKE_SERVICE_KEY, FAKE_WRITE_TOKEN, FAKE_DATABASE_URL, 'fake-db-password-51e0']) {
        expect(files.filter(({ text }) => text.includes(secret)).map(({ file }) => file), secret).toEqual([]);
      }
      expect(findSecrets(files)).toEqual([]);
    });
  });
});
