import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate, useParams } from 'react-router';
import { cachedVerification } from '../api/cachedLookups';
import { verifyCertificate, type Verification } from '../api/certificates';
import { usePublicTransport } from '../session/Session';

/** Public: what the QR code opens. Shows database fields only, never what a worker reported. */
export function VerifyPage() {
  const { serial = '' } = useParams();
  const navigate = useNavigate();
  const transport = usePublicTransport();
  const [input, setInput] = useState(serial);
  const [code, setCode] = useState('');
  const verification = useQuery({
    queryKey: ['verify', serial],
    enabled: serial !== '',
    queryFn: (): Promise<Verification | null> => cachedVerification(transport, serial),
  });
  const codeCheck = useQuery({
    queryKey: ['verify-code', serial, code],
    enabled: false,
    queryFn: () => verifyCertificate(transport, serial, code),
  });

  function lookUp(event: FormEvent) {
    event.preventDefault();
    void navigate(`/verify/${encodeURIComponent(input.trim())}`);
  }

  return (
    <section>
      <h2>Verify a certificate</h2>
      <form onSubmit={lookUp} className="inline">
        <label>
          Serial <input value={input} onChange={(event) => setInput(event.target.value)} placeholder="TSR-2026-000001" />
        </label>
        <button type="submit">Look up</button>
      </form>
      {verification.isFetching && <p aria-busy="true">Checking…</p>}
      {verification.error && <p role="alert">{verification.error.message}</p>}
      {verification.data === null && (
        <p role="alert" className="error">
          No issued certificate has the serial {serial}.
        </p>
      )}
      {verification.data && (
        <div className="card verified" data-testid="verification">
          <p>
            <strong>Valid certificate</strong> · <code>{verification.data.serial}</code>
          </p>
          <p>
            <span data-testid="verified-name">{verification.data.attendeeName}</span> attended{' '}
            <strong>{verification.data.eventTitle}</strong> on {verification.data.eventDate}
            {verification.data.eventLocation ? ` in ${verification.data.eventLocation}` : ''}.
          </p>
          <p className="muted">Issued {new Date(verification.data.issuedAt).toLocaleString()}</p>
          <form
            className="inline"
            onSubmit={(event) => {
              event.preventDefault();
              void codeCheck.refetch();
            }}
          >
            <label>
              Verification code on the PDF <input value={code} onChange={(event) => setCode(event.target.value)} />
            </label>
            <button type="submit" disabled={code.trim() === ''}>
              Check code
            </button>
          </form>
          {codeCheck.data && (
            <p className={codeCheck.data.codeMatches ? '' : 'error'}>
              {codeCheck.data.codeMatches ? 'The code matches.' : 'The code does not match this certificate.'}
            </p>
          )}
        </div>
      )}
    </section>
  );
}
