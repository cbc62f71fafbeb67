/** How the app runs, from Vite env (see .env.example). No Supabase URL → the embedded default. */
export interface AppConfig {
  mode: 'embedded' | 'supabase';
  supabaseUrl: string | undefined;
  supabaseAnonKey: string | undefined;
  /** Base of the links in QR codes and emails; the browser defaults to its own origin. */
  publicAppUrl: string;
}

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
  const origin = typeof window !== 'undefined' ? window.location.origin : 'http://127.0.0.1:5173';
  return {
    mode: supabaseUrl ? 'supabase' : 'embedded',
    supabaseUrl,
    supabaseAnonKey,
    publicAppUrl: (text('VITE_PUBLIC_APP_URL') ?? origin).replace(/\/+$/, ''),
  };
}

export const verifyUrlFor = (publicAppUrl: string, serial: string) =>
  `${publicAppUrl}/verify/${encodeURIComponent(serial)}`;
