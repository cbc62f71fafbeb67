import { parsePublicAppUrl } from '@tessera/certificates';
import { z } from 'zod';

/** How the app runs, from Vite env (see .env.example). No Supabase URL → the embedded default. */
export interface AppConfig {
  mode: 'embedded' | 'supabase';
  supabaseUrl: string | undefined;
  supabaseAnonKey: string | undefined;
  /** Base of the links in QR codes and emails; the browser defaults to its own origin. */
  publicAppUrl: string;
  /**
   * Lease of this tab's job worker (VITE_TESSERA_WORKER_LEASE_SECONDS); undefined: useJobWorker's
   * default (60 s). A job of a tab closed mid-run waits this long before another tab takes it.
   */
  workerLeaseSeconds: number | undefined;
}

const leaseSeconds = z.coerce.number().int().min(1).max(86_400);

export function readConfig(env: Record<string, string | boolean | undefined> = import.meta.env): AppConfig {
  const text = (name: string) => {
    const value = env[name];
    return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  };
  const supabaseUrl = text('VITE_SUPABASE_URL');
  const supabaseAnonKey = text('VITE_SUPABASE_ANON_KEY');
  if (supabaseUrl && !supabaseAnonKey) {
    throw new Error('VITE_SUPABASE_URL is set but VITE_SUPABASE_ANON_KEY is not: set both, or neither for the embedded mode');
  }
  const lease = text('VITE_TESSERA_WORKER_LEASE_SECONDS');
  const parsedLease = lease === undefined ? undefined : leaseSeconds.safeParse(lease);
  if (parsedLease && !parsedLease.success) {
    throw new Error(`VITE_TESSERA_WORKER_LEASE_SECONDS must be a whole number of seconds from 1 to 86400, got ${lease}`);
  }
  const origin = typeof window !== 'undefined' ? window.location.origin : 'http://127.0.0.1:5173';
  return {
    mode: supabaseUrl ? 'supabase' : 'embedded',
    supabaseUrl,
    supabaseAnonKey,
    // Checked (absolute http(s), no trailing slash): a wrong value would print QR codes nobody can open.
    publicAppUrl: parsePublicAppUrl(text('VITE_PUBLIC_APP_URL') ?? origin, 'VITE_PUBLIC_APP_URL'),
    workerLeaseSeconds: parsedLease?.data,
  };
}

export const verifyUrlFor = (publicAppUrl: string, serial: string) =>
  `${publicAppUrl}/verify/${encodeURIComponent(serial)}`;
