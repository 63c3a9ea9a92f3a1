import type { RenovoApi } from '../../../shared/contract';
import { createDesktopClient } from './desktop-client';
import { createWebClient } from './web-client';

/** The transport-agnostic client: the preload's bridge in the desktop app, HTTP + WebSocket otherwise. */
export function createApiClient(): RenovoApi {
  if (typeof window !== 'undefined' && window.renovo) return createDesktopClient(window.renovo);
  return createWebClient();
}

export { describeError, rejectionToApiError } from './errors';
export type { RenovoApi };
