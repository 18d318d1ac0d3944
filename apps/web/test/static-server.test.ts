import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StaticServer, serveStatic } from './support/static-server.js';

describe('the browser tests’ static server', () => {
  let folder: string;
  let server: StaticServer;

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'diffuse-web-static-'));
    mkdirSync(join(folder, 'model'));
    writeFileSync(join(folder, 'index.html'), '<p>hi</p>');
    writeFileSync(join(folder, 'model', 'weights.safetensors'), new Uint8Array([1, 2, 3]));
    writeFileSync(join(folder, 'tfjs-backend-wasm-simd.wasm'), new Uint8Array([0, 97, 115, 109]));
    server = await serveStatic(folder);
  });

  afterAll(async () => {
    await server.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('serves files with their content type on 127.0.0.1', async () => {
    expect(server.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const page = await fetch(`${server.origin}/`);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toBe('<p>hi</p>');
    const wasm = await fetch(`${server.origin}/tfjs-backend-wasm-simd.wasm`);
    expect(wasm.headers.get('content-type')).toBe('application/wasm');
    const weights = await fetch(`${server.origin}/model/weights.safetensors`);
    expect(new Uint8Array(await weights.arrayBuffer())).toEqual(new Uint8Array([1, 2, 3]));
    expect(server.requests).toContain('/model/weights.safetensors');
  });

  it('answers 404 for missing files and folders, and nothing outside its folder', async () => {
    expect((await fetch(`${server.origin}/missing.js`)).status).toBe(404);
    expect((await fetch(`${server.origin}/model`)).status).toBe(404);
    expect((await fetch(`${server.origin}/..%2f..%2fetc%2fpasswd`)).status).toBe(404);
    expect((await fetch(`${server.origin}/%2e%2e/%2e%2e/etc/passwd`)).status).not.toBe(200);
    expect((await fetch(`${server.origin}/`, { method: 'POST' })).status).toBe(405);
  });
});
