import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { myCertificates } from '../api/certificates';
import { DownloadCertificateButton } from '../components/DownloadCertificateButton';
import { useSession } from '../session/Session';

export function MyCertificatesPage() {
  const { transport, userId } = useSession();
  const certificates = useQuery({ queryKey: ['my-certificates', userId], queryFn: () => myCertificates(transport) });
  if (certificates.isPending) return <p aria-busy="true">Loading your certificates…</p>;
  if (certificates.error) return <p role="alert">{certificates.error.message}</p>;
  if (certificates.data.length === 0) return <p className="muted">No certificates yet.</p>;
  return (
    <section>
      <h2>My certificates</h2>
      <ul className="cards">
        {certificates.data.map((certificate) => (
          <li key={certificate.serial} className="card">
            <strong>{certificate.eventTitle}</strong> · {certificate.eventDate}
            <div>
              {certificate.attendeeName} · serial <code>{certificate.serial}</code> · code{' '}
              <code>{certificate.verificationCode}</code>
            </div>
            <DownloadCertificateButton serial={certificate.serial} />{' '}
            <Link to={`/verify/${certificate.serial}`}>Verify</Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
