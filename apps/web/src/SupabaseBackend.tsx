import { createClient, type Session as AuthSession } from '@supabase/supabase-js';
import { QueueClient } from '@tessera/queue';
import { SupabaseTransport } from '@tessera/queue/supabase';
import { useEffect, useMemo, useState } from 'react';
import { SignInPage } from './pages/SignInPage';
import { PublicTransportContext, type Session } from './session/Session';
import type { BackendProps } from './backend';

/** Supabase mode: Supabase Auth for identity, supabase-js RPC + Realtime for the queue. */
export function SupabaseBackend({ config, children }: BackendProps) {
  const supabase = useMemo(() => createClient(config.supabaseUrl!, config.supabaseAnonKey!), [config]);
  const [auth, setAuth] = useState<AuthSession | null | undefined>(undefined);

  useEffect(() => {
    void supabase.auth.getSession().then(({ data }) => setAuth(data.session));
    const { data } = supabase.auth.onAuthStateChange((_event, next) => setAuth(next));
    return () => data.subscription.unsubscribe();
  }, [supabase]);

  const session = useMemo<Session | null>(() => {
    if (!auth) return null;
    const transport = new SupabaseTransport(supabase, { userId: auth.user.id });
    return {
      userId: auth.user.id,
      displayName: String(auth.user.user_metadata?.name ?? auth.user.email ?? auth.user.id),
      isAdmin: auth.user.app_metadata?.role === 'admin',
      transport,
      client: new QueueClient(transport),
      signOut: async () => {
        await supabase.auth.signOut();
      },
    };
  }, [auth, supabase]);
  const publicTransport = useMemo(() => new SupabaseTransport(supabase), [supabase]);

  if (auth === undefined) return <p aria-busy="true">Checking your session…</p>;
  const account = session ? (
    <span className="switcher">
      {session.displayName} <button onClick={() => void session.signOut?.()}>Sign out</button>
    </span>
  ) : null;
  return (
    <PublicTransportContext.Provider value={publicTransport}>
      {children({ session, accountControl: account, modeLabel: 'supabase', signIn: <SignInPage supabase={supabase} /> })}
    </PublicTransportContext.Provider>
  );
}
