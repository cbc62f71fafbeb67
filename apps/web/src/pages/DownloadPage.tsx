import { useQuery } from '@tanstack/react-query';
import { redeemCertificateDownload, type DownloadedCertificate } from '@tessera/certificates';
import { useEffect, useRef } from 'react';
import { Link, useParams } from 'react-router';
import { usePublicTransport } from '../session/Session';

/** Hands the browser the file to save (as DownloadCertificateButton does). */
function saveFile(file: DownloadedCertificate): void {
  const url = URL.createObjectURL(new Blob([file.bytes as BlobPart], { type: file.contentType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = file.filename;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Public: what a download link opens (/download/<token>, from an email or the app). The token is
 * the permission, so no sign-in: the PDF comes from redeem_certificate_download and is saved once.
 */
export function DownloadPage() {
  const { token = '' } = useParams();
  const transport = usePublicTransport();
  const download = useQuery({
    queryKey: ['certificate-download', token],
    queryFn: (): Promise<DownloadedCertificate> => redeemCertificateDownload(transport, token),
    // Each redeem is counted and the link may expire: fetch once per visit, never on focus.
    retry: false,
    staleTime: Number.POSITIVE_INFINITY,
    refetchOnWindowFocus: false,
  });
  const file = download.data;
  const savedFor = useRef<string | null>(null);

  useEffect(() => {
    // Save automatically, once per token (StrictMode runs effects twice).
    if (!file || savedFor.current === token) return;
    savedFor.current = token;
    saveFile(file);
  }, [file, token]);

  return (
    <section>
      <h2>Download your certificate</h2>
      {download.isPending && <p aria-busy="true">Preparing your certificate…</p>}
      {download.error && (
        <div role="alert" className="error">
          <p>This download link does not work: {download.error.message}.</p>
          <p className="muted">
            Links work for a limited time. Sign in and open <Link to="/certificates">My certificates</Link> to download it again.
          </p>
        </div>
      )}
      {file && (
        <div className="card" data-testid="download">
          <p>
            <strong>{file.filename}</strong> ({Math.ceil(file.bytes.length / 1024)} KB) is downloading.
          </p>
          <p>
            If it did not start: <button onClick={() => saveFile(file)}>Save {file.filename}</button>
          </p>
          <p className="muted">This link works until {file.expiresAt.toLocaleString()}.</p>
        </div>
      )}
    </section>
  );
}
