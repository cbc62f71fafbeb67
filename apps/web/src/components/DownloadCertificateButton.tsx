import { useState } from 'react';
import { certificatePdf } from '../api/certificates';
import { useSession } from '../session/Session';

/** Fetches the PDF through get_certificate_pdf (owner or admin only) and saves it. */
export function DownloadCertificateButton({ serial }: { serial: string }) {
  const { transport } = useSession();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function download() {
    setBusy(true);
    setError(null);
    try {
      const pdf = await certificatePdf(transport, serial);
      const url = URL.createObjectURL(new Blob([pdf as BlobPart], { type: 'application/pdf' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = `${serial}.pdf`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (reason) {
      setError(reason instanceof Error ? reason.message : String(reason));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <button onClick={() => void download()} disabled={busy}>
        Download PDF
      </button>
      {error && <span role="alert" className="error"> {error}</span>}
    </>
  );
}
