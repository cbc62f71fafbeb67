import { createWorkerRenderer } from '@tessera/certificates/browser';
import type { CertificateData } from '@tessera/certificates';

// A page for `pnpm bench`: renders a batch of certificates through the app's Web Worker renderer
// while a PerformanceObserver records the main thread's long tasks (> 50 ms).

const longTasks: number[] = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) longTasks.push(entry.duration);
}).observe({ type: 'longtask', buffered: true });

function certificate(index: number, unicode: boolean): CertificateData {
  return {
    certificateId: crypto.randomUUID(),
    serial: `TSR-2026-${String(index).padStart(6, '0')}`,
    verificationCode: 'ABCD-EFGH',
    attendeeName: unicode ? `Дмитрий Ἀθηνᾶ Łukasiewicz ${index}` : `Ada Lovelace ${index}`,
    eventTitle: 'Postgres Queues Summit',
    eventDate: '2026-10-14',
    eventLocation: 'Lisbon',
  };
}

async function runRenderBatch(count: number, unicode: boolean, inFlight = 4) {
  const renderer = createWorkerRenderer();
  await renderer.render(certificate(0, unicode), `${location.origin}/verify/warmup`); // load fonts, start the worker
  longTasks.length = 0;
  const started = performance.now();
  let next = 0;
  let bytes = 0;
  const lane = async () => {
    while (next < count) {
      const index = next++;
      const pdf = await renderer.render(certificate(index, unicode), `${location.origin}/verify/${index}`);
      bytes += pdf.length;
      if (index % 50 === 0) document.getElementById('status')!.textContent = `${index}/${count}`;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  const ms = performance.now() - started;
  await new Promise((resolve) => setTimeout(resolve, 100)); // let the observer deliver
  renderer.terminate();
  return {
    count,
    unicode,
    ms,
    perSecond: (count / ms) * 1000,
    averageBytes: Math.round(bytes / count),
    longTasks: longTasks.length,
    longestTaskMs: longTasks.length ? Math.max(...longTasks) : 0,
  };
}

Object.assign(window, { runRenderBatch });
