export {
  certificatePayloadSchema,
  parseCertificatePayload,
  type CertificateData,
  type CertificatePayload,
} from './payload';
export { UnsupportedCharactersError, type UnsupportedCharacters } from './errors';
export { chooseFontPath, formatEventDate, type FontPath } from './certificateText';
export { renderCertificatePdf, type RenderCertificateOptions } from './renderCertificatePdf';
export { memoizeFonts, type CertificateFonts, type FontBytes } from './fonts/CertificateFonts';
export {
  createCertificateProcessor,
  type CertificateJobResult,
  type CertificateProcessor,
  type CertificateProcessorOptions,
} from './processor';
export * from './store';
