/**
 * Every simulated edit carries `bench|<sent epoch ms>|<edit id>` in a free-text field (organisation remit,
 * link note, note text), so any peer can tell when it was sent and which edit it is.
 */
const MARKER = /^bench\|(\d+(?:\.\d+)?)\|([\w.-]+)$/;

export function marker(sentAt: number, editId: string): string {
  return `bench|${sentAt.toFixed(2)}|${editId}`;
}

export function parseMarker(text: unknown): { sentAt: number; editId: string } | null {
  if (typeof text !== 'string') return null;
  const match = MARKER.exec(text);
  return match ? { sentAt: Number(match[1]), editId: match[2]! } : null;
}

/** Epoch milliseconds with sub-ms precision, comparable across worker threads of one process. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}
