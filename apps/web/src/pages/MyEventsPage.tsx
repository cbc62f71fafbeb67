import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { JobStatus, useJob } from '@tessera/queue-react';
import { useEffect, useState } from 'react';
import { cachedMyEvents, forgetUserEvents } from '../api/cachedLookups';
import { requestCertificate, type MyEvent } from '../api/certificates';
import { DownloadCertificateButton } from '../components/DownloadCertificateButton';
import { useSession } from '../session/Session';

export function MyEventsPage() {
  const { transport, userId } = useSession();
  const events = useQuery({ queryKey: ['my-events', userId], queryFn: () => cachedMyEvents(transport, userId) });
  if (events.isPending) return <p aria-busy="true">Loading your events…</p>;
  if (events.error) return <p role="alert">{events.error.message}</p>;
  if (events.data.length === 0) return <p className="muted">You are not registered for any event.</p>;
  return (
    <section>
      <h2>My events</h2>
      <ul className="cards">
        {events.data.map((event) => (
          <EventCard key={event.eventId} event={event} />
        ))}
      </ul>
    </section>
  );
}

function EventCard({ event }: { event: MyEvent }) {
  const { transport, client, userId } = useSession();
  const queryClient = useQueryClient();
  const [jobId, setJobId] = useState<string | null>(event.jobId);
  const job = useJob(jobId ?? undefined);
  const request = useMutation({
    mutationFn: () => requestCertificate(transport, event.eventId),
    onSuccess: (created) => {
      setJobId(created.id);
      void forgetUserEvents(userId).then(() => queryClient.invalidateQueries({ queryKey: ['my-events', userId] }));
      if (typeof Notification !== 'undefined' && Notification.permission === 'default') {
        void Notification.requestPermission().catch(() => undefined);
      }
    },
  });
  const live = job.data?.status === 'pending' || job.data?.status === 'processing';
  const justIssued = job.data?.status === 'completed' && event.certificateIssuedAt === null;
  useEffect(() => {
    if (!justIssued) return;
    void forgetUserEvents(userId).then(() => queryClient.invalidateQueries({ queryKey: ['my-events', userId] }));
  }, [justIssued, userId, queryClient]);
  const issued = job.data?.status === 'completed' || event.certificateIssuedAt !== null;

  return (
    <li className="card" data-testid={`event-${event.eventId}`}>
      <div>
        <strong>{event.title}</strong> · {event.startsOn}
        {event.location ? ` · ${event.location}` : ''}
      </div>
      <div className="muted">as {event.attendeeName}</div>
      {!issued && (
        <button onClick={() => request.mutate()} disabled={request.isPending || live}>
          Generate Certificate
        </button>
      )}
      {request.error && <p role="alert">{request.error.message}</p>}
      {job.data && (
        <JobStatus
          job={job.data}
          onRetry={() => void client.retry(job.data!.id).then(() => job.refetch())}
          onCancel={() => void client.cancel(job.data!.id).then(() => job.refetch())}
          renderDone={() => {
            const serial = event.certificateSerial ?? (job.data?.result as { serial?: string } | null)?.serial;
            return serial ? <DownloadCertificateButton serial={serial} /> : null;
          }}
        />
      )}
      {!job.data && issued && event.certificateSerial && <DownloadCertificateButton serial={event.certificateSerial} />}
    </li>
  );
}
