import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  APP_ENTRY_URL,
  CONTENT_SECURITY_POLICY,
  isAllowedDownloadUrl,
  isAllowedRequestUrl,
  isAppOrigin,
  libraryRelForUrl,
  rendererFileForUrl,
  safeDownloadName,
} from './protocol-paths';
import { libraryProtocolUrl } from '../shared/contract';
import { mimeForPath } from '../shared/mime';

const root = path.resolve('/opt/renovo/dist/renderer');

describe('rendererFileForUrl', () => {
  it('serves files inside dist/renderer', () => {
    expect(rendererFileForUrl(APP_ENTRY_URL, root)).toEqual({ ok: true, path: path.join(root, 'index.html') });
    expect(rendererFileForUrl('app://renovo/', root)).toEqual({ ok: true, path: path.join(root, 'index.html') });
    expect(rendererFileForUrl('app://renovo/assets/index-abc.js?v=1#x', root)).toEqual({
      ok: true,
      path: path.join(root, 'assets', 'index-abc.js'),
    });
  });

  it('refuses traversal, encoded separators and other hosts', () => {
    for (const url of [
      'app://renovo/%2e%2e/%2e%2e/etc/passwd',
      'app://renovo/assets/..%2f..%2fsecret',
      'app://renovo/assets%5c..%5c..%5csecret',
      'app://renovo/a/%00b',
      'app://renovo/%E0%A4%A',
      'app://evil/index.html',
      'app://user:pw@renovo/index.html',
      'file:///etc/passwd',
      'https://renovo/index.html',
      'not a url',
    ]) {
      const result = rendererFileForUrl(url, root);
      if (result.ok) expect(result.path.startsWith(root + path.sep)).toBe(true);
      else expect(result.status).toBe(403);
    }
    expect(rendererFileForUrl('app://renovo/assets/..%2f..%2fsecret', root).ok).toBe(false);
    expect(rendererFileForUrl('app://evil/index.html', root).ok).toBe(false);
  });

  it('normalised dot segments cannot leave the root', () => {
    const result = rendererFileForUrl('app://renovo/../../etc/passwd', root);
    if (result.ok) expect(result.path).toBe(path.join(root, 'etc', 'passwd'));
  });

  it('allows only GET and HEAD', () => {
    expect(rendererFileForUrl(APP_ENTRY_URL, root, 'POST')).toEqual({ ok: false, status: 405 });
    expect(rendererFileForUrl(APP_ENTRY_URL, root, 'HEAD').ok).toBe(true);
  });
});

describe('libraryRelForUrl', () => {
  it('maps renovo://library/<file> to a library-relative path', () => {
    expect(libraryRelForUrl('renovo://library/previews/ab/abcdef.jpg')).toEqual({ ok: true, path: 'previews/ab/abcdef.jpg' });
    expect(libraryRelForUrl('renovo://library/outputs/ab/my%20file.png?t=1')).toEqual({
      ok: true,
      path: 'outputs/ab/my file.png',
    });
  });

  it('round-trips the preload libraryProtocolUrl', () => {
    const rel = 'outputs/ab/name with spaces & #hash?.png';
    expect(libraryRelForUrl(libraryProtocolUrl(rel))).toEqual({ ok: true, path: rel });
  });

  it('refuses anything that could leave the library', () => {
    for (const url of [
      'renovo://library/previews/..%2f..%2fsecret',
      'renovo://library/previews%5c..%5csecret',
      'renovo://library/previews/%252e%252e/x',
      'renovo://library/C:%5cWindows/x',
      'renovo://library/previews/a%00b',
      'renovo://library/previews',
      'renovo://library/',
      'renovo://other/previews/a.jpg',
      'renovo://library:8080/previews/a.jpg',
      'renovo://x@library/previews/a.jpg',
      'app://renovo/previews/a.jpg',
      'file:///etc/passwd',
    ]) {
      expect(libraryRelForUrl(url), url).toEqual({ ok: false, status: 403 });
    }
  });

  it('dot segments (plain or encoded) are normalised by the URL parser and never produce ".."', () => {
    for (const url of ['renovo://library/previews/../../../etc/passwd', 'renovo://library/%2e%2e/%2e%2e/etc/passwd']) {
      const result = libraryRelForUrl(url);
      if (result.ok) expect(result.path.split('/')).not.toContain('..');
    }
  });

  it('allows only GET and HEAD', () => {
    expect(libraryRelForUrl('renovo://library/previews/a.jpg', 'PUT')).toEqual({ ok: false, status: 405 });
  });
});

describe('request and origin rules', () => {
  it('only the app origin counts as the app', () => {
    expect(isAppOrigin('app://renovo/index.html')).toBe(true);
    expect(isAppOrigin('app://renovo.evil/index.html')).toBe(false);
    expect(isAppOrigin('https://renovo/index.html')).toBe(false);
    expect(isAppOrigin('')).toBe(false);
  });

  it('blocks remote content', () => {
    expect(isAllowedRequestUrl('app://renovo/assets/x.js')).toBe(true);
    expect(isAllowedRequestUrl('renovo://library/previews/a.jpg')).toBe(true);
    expect(isAllowedRequestUrl('blob:app://renovo/1234')).toBe(true);
    expect(isAllowedRequestUrl('data:image/png;base64,AAAA')).toBe(true);
    expect(isAllowedRequestUrl('https://example.com/x.js')).toBe(false);
    expect(isAllowedRequestUrl('http://127.0.0.1:8080/')).toBe(false);
    expect(isAllowedRequestUrl('ws://127.0.0.1:8080/events')).toBe(false);
    expect(isAllowedRequestUrl('file:///etc/passwd')).toBe(false);
    expect(isAllowedRequestUrl('app://other/x')).toBe(false);
    expect(isAllowedRequestUrl('renovo://elsewhere/x')).toBe(false);
    expect(isAllowedRequestUrl('blob:https://example.com/1')).toBe(false);
  });

  it('downloads only from the app’s own blobs', () => {
    expect(isAllowedDownloadUrl('blob:app://renovo/5f1c')).toBe(true);
    expect(isAllowedDownloadUrl('https://example.com/x.exe')).toBe(false);
  });

  it('proposes safe download names', () => {
    expect(safeDownloadName('../../evil.sh')).toBe('_.._evil.sh');
    expect(safeDownloadName('photo-edit-3.jpg')).toBe('photo-edit-3.jpg');
    expect(safeDownloadName('...')).toBe('renovo-export');
    expect(safeDownloadName('a\u0000b/c.png')).toBe('a_b_c.png');
  });

  it('knows the MIME types it serves', () => {
    expect(mimeForPath('/x/index.html')).toMatch(/^text\/html/);
    expect(mimeForPath('/x/a.JS')).toMatch(/^text\/javascript/);
    expect(mimeForPath('a.webp')).toBe('image/webp');
    expect(mimeForPath('a.unknown')).toBe('application/octet-stream');
  });

  it('has a strict CSP', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("object-src 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval');
    expect(CONTENT_SECURITY_POLICY).toMatch(/script-src 'self'(;|$)/);
  });
});
