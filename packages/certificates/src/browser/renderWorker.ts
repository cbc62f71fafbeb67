// The Web Worker script: renders certificates off the main thread so the page never freezes.
import { browserFonts } from '../fonts/browserFonts';
import { renderCertificatePdf } from '../renderCertificatePdf';
import { type RenderRequest, type RenderResponse, serializeRenderError } from './renderMessages';

// The project's TypeScript lib is DOM, not WebWorker: name the two members of the worker scope we use.
interface RenderWorkerScope {
  addEventListener(type: 'message', listener: (event: MessageEvent<RenderRequest>) => void): void;
  postMessage(message: RenderResponse, transfer?: Transferable[]): void;
}

const scope = self as unknown as RenderWorkerScope;
const fonts = browserFonts();

scope.addEventListener('message', (event) => {
  const { id, data, verifyUrl } = event.data;
  renderCertificatePdf(data, { verifyUrl, fonts }).then(
    (pdf) => scope.postMessage({ id, pdf }, [pdf.buffer]),
    (error: unknown) => scope.postMessage({ id, error: serializeRenderError(error) }),
  );
});
