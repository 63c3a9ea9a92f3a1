// GET /events upgraded to a WebSocket: every JobEvent goes to every connected client as one text
// message (encodeWire). Clients send nothing; anything they send is ignored (and capped in size).
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { encodeWire } from '../shared/wire';
import type { RenovoService } from '../core/app';

export class EventHub {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  private readonly dispose: () => void;

  constructor(service: RenovoService) {
    this.dispose = service.onJobEvent((event) => {
      const text = encodeWire(event);
      for (const client of this.wss.clients) {
        if (client.readyState === client.OPEN) client.send(text);
      }
    });
    this.wss.on('connection', (ws: WebSocket) => {
      ws.on('error', () => ws.terminate());
    });
  }

  /** Completes an already-authorised upgrade request. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
  }

  close(): Promise<void> {
    this.dispose();
    for (const c of this.wss.clients) c.terminate();
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }
}

/** Refuses an upgrade with a plain HTTP status (no WebSocket is opened). */
export function refuseUpgrade(socket: Duplex, status: number, message: string): void {
  const reason = status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : status === 404 ? 'Not Found' : 'Bad Request';
  const body = JSON.stringify({ code: reason.toUpperCase().replace(/ /g, '_'), message });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
