// Types for receiver.mjs (a plain Node module so end-to-end tests and benchmarks can use it too).
export type Fault =
  | 'ok'
  | 'empty-200'
  | '500'
  | '503-after'
  | '429'
  | '429-date'
  | 'drop'
  | 'drop-after'
  | 'stall'
  | '401'
  | 'partial'
  | { status?: number; body?: unknown; headers?: Record<string, string>; store?: boolean };

export interface ReceivedEvent {
  id: string;
  createdAt: string;
  [key: string]: unknown;
}

export interface RequestLog {
  n: number;
  at: string;
  fault: string | null;
  status: number | null;
  ids: string[];
  authorization: string | null;
  size?: number;
  ms?: number;
}

export interface ReceiverReport {
  unique: number;
  deliveries: number;
  duplicates: number;
  duplicatedIds: string[];
  requests: number;
  byFault: Record<string, number>;
  statuses: Record<string, number>;
  rejected: number;
  maxConcurrent: number;
  problems: string[];
}

export interface FeedSpec {
  body?: string;
  contentType?: string;
  etag?: string;
  status?: number;
  stallMs?: number;
}

export interface ReceiverOptions {
  faults?: Fault[] | ((n: number, batch: unknown) => Fault | undefined);
  retryAfter?: string | number;
  stallMs?: number;
  token?: string | null;
  rejectIds?: ((id: string, event: ReceivedEvent) => boolean | string) | null;
  path?: string;
  feedPath?: string;
  port?: number;
  host?: string;
  log?: boolean;
}

export interface Receiver {
  url: string;
  feedUrl: string;
  origin: string;
  port: number;
  events: Map<string, ReceivedEvent>;
  deliveries: Map<string, number>;
  rejected: Map<string, string>;
  requests: RequestLog[];
  readonly feedRequests: Array<{ at: string; ifNoneMatch: string | null; status: number | null }>;
  report(): ReceiverReport;
  setFaults(next: ReceiverOptions['faults']): void;
  setFeed(next: FeedSpec | null): void;
  reset(): void;
  close(): Promise<void>;
}

export function seededRandom(seed?: number): () => number;
export function standardFaults(options?: { seed?: number; errorRate?: number; special?: number; unauthorizedAt?: number }): (n: number) => Fault;
export function startReceiver(options?: ReceiverOptions): Promise<Receiver>;
