import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const FUNCTION_DIR = join(REPO, 'supabase/functions/process-jobs');

/**
 * Deno's own cache (transpiled modules) outlives the run, in the system's temp folder: the first
 * start of a machine transpiles the core and the certificate package (a few seconds), later
 * starts reuse it. Nothing is downloaded: npm packages come from the repository's node_modules.
 */
const DENO_DIR = join(tmpdir(), 'tessera-deno-cache');

/** The deno binary of the `deno` npm package (its postinstall puts it beside bin.cjs). */
function denoBinary(): string {
  const packageDir = join(REPO, 'node_modules/deno');
  const binary = join(packageDir, 'deno');
  if (!existsSync(binary)) {
    // bin.cjs fetches the platform package's binary when the postinstall did not run.
    spawnSync(process.execPath, [join(packageDir, 'bin.cjs'), '--version'], { stdio: 'ignore' });
  }
  if (!existsSync(binary)) throw new Error(`no deno binary at ${binary}: run pnpm install`);
  return binary;
}

/**
 * The function's deno.json import map, for a run from this checkout: the workspace paths as
 * file URLs, supabase-js from node_modules, and no npm: entries (zod, croner, pdf-lib, ... then
 * resolve from each package's own node_modules, as in Node), so Deno downloads nothing.
 */
function localImportMap(directory: string): string {
  const config = JSON.parse(readFileSync(join(FUNCTION_DIR, 'deno.json'), 'utf8')) as { imports: Record<string, string> };
  const imports: Record<string, string> = {};
  for (const [specifier, target] of Object.entries(config.imports)) {
    if (!target.startsWith('npm:')) imports[specifier] = pathToFileURL(resolve(FUNCTION_DIR, target)).href;
  }
  const supabaseJs = realpathSync(join(REPO, 'packages/queue/node_modules/@supabase/supabase-js'));
  imports['@supabase/supabase-js'] = pathToFileURL(join(supabaseJs, 'dist/index.mjs')).href;
  const file = join(directory, 'import_map.json');
  writeFileSync(file, JSON.stringify({ imports }, null, 2));
  return file;
}

export interface RunningFunction {
  /** http://127.0.0.1:<port> */
  url: string;
  /** Everything the function printed (stdout and stderr). */
  output(): string;
  stop(): Promise<void>;
}

export interface StartOptions {
  env: Record<string, string>;
  /** How long to wait for "listening" (default 20 s: a first start transpiles). */
  timeoutMs?: number;
}

function denoArgs(importMap: string): string[] {
  return [
    'run',
    '--no-config',
    '--import-map',
    importMap,
    '--unstable-sloppy-imports',
    '--node-modules-dir=manual',
    '--allow-env',
    '--allow-net',
    '--allow-read',
    '--allow-sys',
    join(FUNCTION_DIR, 'index.ts'),
  ];
}

/**
 * Deno, on a failed npm resolution next to a pnpm-workspace.yaml, adds a `workspaces` field to the
 * root package.json. Nothing here should fail to resolve; if it ever does, that field is taken out
 * again (only it: someone else may be editing the file) and the test says so.
 */
export function guardPackageJson(): () => void {
  const file = join(REPO, 'package.json');
  const hadWorkspaces = readFileSync(file, 'utf8').includes('"workspaces"');
  return () => {
    const after = readFileSync(file, 'utf8');
    if (hadWorkspaces || !after.includes('"workspaces"')) return;
    writeFileSync(file, after.replace(/,\s*"workspaces":\s*\[[^\]]*\]\s*\}\s*$/, '\n}\n'));
    throw new Error('deno added "workspaces" to package.json (a module failed to resolve); it was taken out again');
  };
}

/** Starts supabase/functions/process-jobs/index.ts under Deno on a free port. */
export async function startFunction(options: StartOptions): Promise<RunningFunction> {
  mkdirSync(DENO_DIR, { recursive: true });
  const scratch = mkdtempSync(join(tmpdir(), 'tessera-edge-'));
  const child: ChildProcess = spawn(denoBinary(), denoArgs(localImportMap(scratch)), {
    cwd: REPO,
    env: { PATH: process.env.PATH ?? '', HOME: scratch, DENO_DIR, NO_COLOR: '1', ...options.env, PROCESS_JOBS_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  const port = await new Promise<number>((resolvePort, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`process-jobs did not start in ${options.timeoutMs ?? 20_000} ms:\n${output}`)),
      options.timeoutMs ?? 20_000,
    );
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const listening = /"msg":"listening","port":(\d+)/.exec(output);
      if (listening) {
        clearTimeout(timer);
        resolvePort(Number(listening[1]));
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`process-jobs exited (${code}) before listening:\n${output}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

/** Runs the function expecting it to refuse to start; resolves with its exit code and output. */
export async function runFunctionToExit(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  mkdirSync(DENO_DIR, { recursive: true });
  const scratch = mkdtempSync(join(tmpdir(), 'tessera-edge-'));
  try {
    const child = spawn(denoBinary(), denoArgs(localImportMap(scratch)), {
      cwd: REPO,
      env: { PATH: process.env.PATH ?? '', HOME: scratch, DENO_DIR, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const code = await new Promise<number | null>((resolveExit) => child.once('exit', (exitCode) => resolveExit(exitCode)));
    clearTimeout(timer);
    return { code, output };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
