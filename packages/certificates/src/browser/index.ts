// The browser entry: everything of the main entry, plus the Vite-bundled font URLs and the Web Worker renderer.
export * from '../index';
export { browserFonts } from '../fonts/browserFonts';
export { createWorkerRenderer, type WorkerRenderer } from './createWorkerRenderer';
