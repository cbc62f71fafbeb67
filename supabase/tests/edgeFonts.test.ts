import { readFileSync, realpathSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { edgeFonts } from '../functions/process-jobs/fonts';

// The Edge Function's font loader: a deployed function has npm packages as modules, not files,
// so the DejaVu TTFs come over HTTP (CERTIFICATE_FONTS_URL) when they are not on disk.

const TTF = realpathSync(fileURLToPath(new URL('../../packages/certificates/node_modules/dejavu-fonts-ttf/ttf', import.meta.url)));
const regular = new Uint8Array(readFileSync(join(TTF, 'DejaVuSans.ttf')));
const bold = new Uint8Array(readFileSync(join(TTF, 'DejaVuSans-Bold.ttf')));

let server: Server;
let base: string;
const requests: string[] = [];
let failing = false;

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const file = { '/ttf/DejaVuSans.ttf': regular, '/ttf/DejaVuSans-Bold.ttf': bold }[req.url ?? ''];
    if (failing || !file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'font/ttf' }).end(Buffer.from(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ttf/`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

/** Byte equality without Vitest's element-by-element diff of a 700 KB array. */
const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

const onDisk = { load: async () => ({ regular, bold }) };
const notOnDisk = { load: () => Promise.reject(new Error("Cannot find module 'dejavu-fonts-ttf/ttf/DejaVuSans.ttf'")) };

describe('edgeFonts', () => {
  it('reads the npm package from disk when it is there, fetching nothing', async () => {
    requests.length = 0;
    const fonts = await edgeFonts(onDisk, base).load();
    expect(same(fonts.regular, regular)).toBe(true);
    expect(requests).toEqual([]);
  });

  it('fetches both files from CERTIFICATE_FONTS_URL otherwise, once per instance', async () => {
    requests.length = 0;
    const loader = edgeFonts(notOnDisk, base);
    const [first, second] = await Promise.all([loader.load(), loader.load()]);
    expect(same(first.regular, regular) && same(first.bold, bold)).toBe(true);
    expect(second).toBe(first);
    expect(requests.sort()).toEqual(['/ttf/DejaVuSans-Bold.ttf', '/ttf/DejaVuSans.ttf']);
  });

  it('says which font failed, and tries again on the next job', async () => {
    failing = true;
    const loader = edgeFonts(notOnDisk, base);
    await expect(loader.load()).rejects.toThrow(/could not load the certificate font .*DejaVuSans(-Bold)?\.ttf: HTTP 404/);
    failing = false;
    expect(same((await loader.load()).regular, regular)).toBe(true);
  });
});
