import { describe, expect, it } from 'vitest';
import * as shared from '../shared/api';
import { libraryRelForUrl, libraryUrlFor } from '../main/protocol-paths';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, LIBRARY_HOST, LIBRARY_PROTOCOL, PRELOAD_METHODS, libraryUrl } from './contract';

describe('preload contract mirror', () => {
  it('exposes exactly the API methods', () => {
    expect(Object.keys(PRELOAD_METHODS).sort()).toEqual([...shared.API_METHODS].sort());
  });
  it('uses the shared channels and scheme', () => {
    expect(IPC_INVOKE_CHANNEL).toBe(shared.IPC_INVOKE_CHANNEL);
    expect(IPC_EVENT_CHANNEL).toBe(shared.IPC_EVENT_CHANNEL);
    expect(LIBRARY_PROTOCOL).toBe(shared.LIBRARY_PROTOCOL);
    expect(LIBRARY_HOST).toBe(shared.LIBRARY_HOST);
  });
  it('builds library URLs that main maps back to the same file', () => {
    for (const rel of ['previews/ab/abc.jpg', 'outputs/ab/with space#and?.png']) {
      expect(libraryUrl(rel)).toBe(libraryUrlFor(rel));
      expect(libraryRelForUrl(libraryUrl(rel))).toEqual({ ok: true, path: rel });
    }
  });
});
