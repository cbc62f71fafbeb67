import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Processors } from '@tessera/queue';
import { ConfigError } from './config';
import { processors as builtIn } from './processors';

/**
 * The built-in processors, plus those of `--processors <module>` (its `processors` export or
 * default export: an object of job type → function), which win on a name clash.
 */
export async function loadProcessors(modulePath: string | undefined): Promise<Processors> {
  if (!modulePath) return { ...builtIn };
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(pathToFileURL(resolve(modulePath)).href)) as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError(`--processors ${modulePath} could not be loaded: ${(error as Error).message}`);
  }
  const extra = (loaded.processors ?? loaded.default) as Record<string, unknown> | undefined;
  if (!extra || typeof extra !== 'object') {
    throw new ConfigError(`--processors ${modulePath} must export \`processors\` (or a default export): { jobType: fn }`);
  }
  for (const [jobType, processor] of Object.entries(extra)) {
    if (typeof processor !== 'function') throw new ConfigError(`--processors ${modulePath}: ${jobType} is not a function`);
  }
  return { ...builtIn, ...(extra as Processors) };
}
