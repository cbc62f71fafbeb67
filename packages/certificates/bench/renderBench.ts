// Certificates rendered per second in Node, in-thread (issue 3's bench):
//   pnpm exec tsx packages/certificates/bench/renderBench.ts
import { pathToFileURL } from 'node:url';
import { type CertificateData, chooseFontPath, type FontPath, renderCertificatePdf } from '../src/index';
import { nodeFonts } from '../src/node';

export interface RenderBenchFigure {
  fontPath: FontPath;
  count: number;
  seconds: number;
  perSecond: number;
  /** CPU time of this process per certificate (wall time on a busy machine also counts other processes). */
  cpuMsEach: number;
  /** Mean size of one PDF, in bytes. */
  meanBytes: number;
  target: number;
  pass: boolean;
}

export interface RenderBenchResult {
  standard: RenderBenchFigure;
  unicode: RenderBenchFigure;
}

export interface RenderBenchOptions {
  standardCount?: number;
  unicodeCount?: number;
  /** Renders before timing (JIT, first font parse), not counted (default 20). */
  warmup?: number;
}

const STANDARD_NAMES = ['Ada Lovelace', 'Grace Hopper', 'José Martínez Ortega', 'Zoë Brontë'];
const UNICODE_NAMES = ['Zoë Łukasiewicz-Ñúñez', 'Ἀθηνᾶ Παπαδοπούλου', 'Дмитрий Шостакович', 'Ελένη Καραγιάννη'];

function certificate(index: number, names: string[]): CertificateData {
  const serial = `TSR-2026-${String(index).padStart(6, '0')}`;
  return {
    certificateId: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
    serial,
    verificationCode: `V${(index * 7919).toString(36).toUpperCase().padStart(7, '0')}`,
    attendeeName: names[index % names.length]!,
    eventTitle: 'Supabase Meetup Lisbon: Postgres Job Queues in Practice',
    eventDate: '2026-03-12',
    eventLocation: 'LX Factory, Lisbon',
  };
}

const verifyUrlFor = (serial: string) => `https://tessera.example/verify/${serial}`;

async function measure(
  fontPath: FontPath,
  names: string[],
  count: number,
  warmup: number,
  target: number,
  render: (data: CertificateData) => Promise<Uint8Array>,
): Promise<RenderBenchFigure> {
  for (let index = 0; index < warmup; index += 1) await render(certificate(1_000_000 + index, names));
  const certificates = Array.from({ length: count }, (_, index) => certificate(index + 1, names));
  if (certificates.some((data) => chooseFontPath(data, verifyUrlFor(data.serial)) !== fontPath)) {
    throw new Error(`bench data does not take the ${fontPath} font path`);
  }
  let bytes = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (const data of certificates) bytes += (await render(data)).length;
  const seconds = (performance.now() - started) / 1000;
  const { user, system } = process.cpuUsage(cpu);
  const perSecond = count / seconds;
  return {
    fontPath,
    count,
    seconds,
    perSecond,
    cpuMsEach: (user + system) / 1000 / count,
    meanBytes: Math.round(bytes / count),
    target,
    pass: perSecond >= target,
  };
}

/** Renders N certificates one after another per font path, fonts loaded once; returns the figures. */
export async function runRenderBench(options: RenderBenchOptions = {}): Promise<RenderBenchResult> {
  const { standardCount = 300, unicodeCount = 100, warmup = 20 } = options;
  const fonts = nodeFonts();
  await fonts.load();
  const render = (data: CertificateData) => renderCertificatePdf(data, { verifyUrl: verifyUrlFor(data.serial), fonts });
  return {
    standard: await measure('standard', STANDARD_NAMES, standardCount, warmup, 200, render),
    unicode: await measure('unicode', UNICODE_NAMES, unicodeCount, warmup, 40, render),
  };
}

export function formatRenderBench(result: RenderBenchResult): string {
  return [result.standard, result.unicode]
    .map(
      (figure) =>
        `${figure.fontPath.padEnd(8)} N=${String(figure.count).padEnd(4)} ${figure.perSecond.toFixed(1).padStart(7)} certificates/s ` +
        `(target ≥ ${figure.target}/s) ${figure.pass ? 'PASS' : 'MISS'}  ` +
        `${((figure.seconds * 1000) / figure.count).toFixed(2)} ms each (CPU ${figure.cpuMsEach.toFixed(2)} ms), ` +
        `${(figure.meanBytes / 1024).toFixed(1)} KiB each`,
    )
    .join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await runRenderBench();
  process.stdout.write(`certificate render bench (Node ${process.version}, in-thread)\n${formatRenderBench(result)}\n`);
  if (!result.standard.pass || !result.unicode.pass) process.exitCode = 1;
}
