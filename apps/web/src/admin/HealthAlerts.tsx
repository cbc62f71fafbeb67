import type { QueueHealth } from '@tessera/queue';

/** queue_health(): the overall status and each alert, worst first. */
export function HealthAlerts({ health }: { health: QueueHealth }) {
  const alerts = [...health.alerts].sort((a, b) => (a.level === b.level ? 0 : a.level === 'critical' ? -1 : 1));
  return (
    <section aria-labelledby="admin-health" className={`admin-health admin-health-${health.status}`}>
      <h3 id="admin-health">Health: {health.status}</h3>
      {alerts.length === 0 ? (
        <p className="muted">No alerts.</p>
      ) : (
        <ul>
          {alerts.map((alert) => (
            <li key={alert.code} className={`admin-alert-${alert.level}`}>
              <strong>{alert.level}</strong> {alert.message}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
