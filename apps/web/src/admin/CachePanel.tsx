import { useEffect, useState } from 'react';
import { appCache } from '../appCache';

/** The browser cache's own figures: which backend serves, hit rate, errors and fallbacks. */
export function CachePanel() {
  const [stats, setStats] = useState(() => appCache().stats());
  useEffect(() => {
    const timer = setInterval(() => setStats(appCache().stats()), 2_000);
    return () => clearInterval(timer);
  }, []);
  return (
    <section aria-label="Cache">
      <h3>Cache</h3>
      <p data-testid="cache-stats">
        backend <strong>{stats.backend}</strong> (configured: {stats.configured}
        {stats.readonly ? ', read-only token' : ''}) · circuit {stats.circuit} · hits {stats.hits} · misses{' '}
        {stats.misses} · hit rate {(stats.hitRate * 100).toFixed(0)} % · errors {stats.errors} · fallbacks{' '}
        {stats.fallbacks}
      </p>
    </section>
  );
}
