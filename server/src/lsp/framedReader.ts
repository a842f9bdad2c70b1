// Reads LSP messages from a byte stream (`Content-Length: N\r\n\r\n` then N bytes of UTF-8 JSON) strictly, so that a
// broken stream is noticed at once instead of leaving the server waiting for a header that never ends. A body that
// is not JSON loses only that message (the framing still holds); broken framing means every later message is
// unreadable, so it is reported as fatal: the server then exits and the client starts a fresh one.
import { AbstractMessageReader, type DataCallback, type Disposable, type Message, type MessageReader } from 'vscode-languageserver/node';

/** The longest header section accepted; real ones are under 100 bytes. */
const MAX_HEADER_BYTES = 8192;
/** The largest body accepted: about the longest string V8 can make. */
const MAX_BODY_BYTES = 512 * 1024 * 1024;
const HEADER_LINE = /^[A-Za-z0-9-]+:[^\r\n]*$/;
/** What the first bytes of a header line can be: nothing yet, part of a name, or a name and a colon. */
const HEADER_LINE_START = /^(?:[A-Za-z0-9-]+(?::[^\r\n]*)?)?$/;

export interface FramingHooks {
  /** The stream can no longer be read: `reason` says why, in one sentence. */
  fatal(reason: string): void;
  /**
   * One message could not be taken (`invalidJson`: its body is not JSON; else it is JSON but not a message object);
   * reading goes on with the next message.
   */
  unreadableBody(reason: string, invalidJson: boolean): void;
}

export interface ByteSource {
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'end' | 'close', listener: () => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
}

export class FramedMessageReader extends AbstractMessageReader implements MessageReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** The body length announced by the header just read, or -1 while a header is awaited. */
  private bodyLength = -1;
  private broken = false;
  private callback: DataCallback | undefined;

  constructor(private readonly source: ByteSource, private readonly hooks: FramingHooks) {
    super();
  }

  listen(callback: DataCallback): Disposable {
    this.callback = callback;
    this.source.on('data', (chunk) => this.onData(chunk));
    this.source.on('error', (err) => this.fireError(err));
    this.source.on('end', () => this.fireClose());
    this.source.on('close', () => this.fireClose());
    return { dispose: () => { this.callback = undefined; } };
  }

  private onData(chunk: Buffer): void {
    if (this.broken) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (!this.broken) {
      if (this.bodyLength < 0 && !this.readHeader()) return;
      if (this.broken || this.buffered < this.bodyLength) return;
      const body = this.take(this.bodyLength);
      this.bodyLength = -1;
      this.deliver(body);
    }
  }

  /** Reads one header section when it is complete; false when more bytes are needed (or the stream is broken). */
  private readHeader(): boolean {
    const data = this.peek(Math.min(this.buffered, MAX_HEADER_BYTES + 4));
    const end = data.indexOf('\r\n\r\n');
    // Every byte seen so far must be able to belong to a header, so garbage is caught before a terminator comes.
    const seen = end < 0 ? data : data.subarray(0, end + 4);
    for (let i = 0; i < seen.length; i++) {
      const c = seen[i];
      const lineFeedWithoutReturn = c === 10 && (i === 0 || seen[i - 1] !== 13);
      if ((c < 32 && c !== 13 && c !== 10 && c !== 9) || c > 126 || lineFeedWithoutReturn) {
        return this.fail(`a message header holds ${c === 10 ? 'a line feed without a carriage return' : `the byte 0x${c.toString(16).padStart(2, '0')}`}, which no header may hold`);
      }
      if (c === 13 && i + 1 < seen.length && seen[i + 1] !== 10) return this.fail('a message header holds a carriage return without a line feed');
    }
    const text = seen.toString('ascii');
    const lines = (end < 0 ? text : text.slice(0, end)).split('\r\n');
    // A line still arriving must be able to become "Name: value" (the last one, before the header is complete).
    const partial = end < 0 ? lines.pop()!.replace(/\r$/, '') : '';
    if (!lines.every((l) => HEADER_LINE.test(l)) || !HEADER_LINE_START.test(partial)) return this.fail('a message header line is not of the form "Name: value"');
    if (end < 0) {
      if (this.buffered > MAX_HEADER_BYTES) return this.fail(`a message header is longer than ${MAX_HEADER_BYTES} bytes`);
      return false;
    }
    this.take(end + 4);
    let length: number | undefined;
    for (const line of lines) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon);
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() !== 'content-length') continue;
      if (!/^\d{1,10}$/.test(value)) return this.fail('a Content-Length header is not a whole number of bytes');
      length = Number(value);
    }
    if (length === undefined) return this.fail('a message header has no Content-Length');
    if (length > MAX_BODY_BYTES) return this.fail(`a message of ${length} bytes is larger than the server can read (${MAX_BODY_BYTES} bytes)`);
    this.bodyLength = length;
    return true;
  }

  private deliver(body: Buffer): void {
    let message: unknown;
    try {
      message = JSON.parse(body.toString('utf8'));
    } catch {
      this.hooks.unreadableBody(`a message of ${body.length} bytes is not valid JSON`, true);
      return;
    }
    if (message === null || typeof message !== 'object' || Array.isArray(message)) {
      this.hooks.unreadableBody('a message is not a JSON object', false);
      return;
    }
    this.callback?.(message as Message);
  }

  private fail(reason: string): false {
    this.broken = true;
    this.chunks = [];
    this.buffered = 0;
    this.hooks.fatal(reason);
    return false;
  }

  /** The first `n` buffered bytes, without consuming them. */
  private peek(n: number): Buffer {
    const first = this.chunks[0];
    if (n === 0 || first === undefined) return Buffer.alloc(0);
    if (first.length >= n) return first.subarray(0, n);
    const all = Buffer.concat(this.chunks);
    this.chunks = [all];
    return all.subarray(0, n);
  }

  /** Consumes the first `n` buffered bytes. */
  private take(n: number): Buffer {
    const head = this.peek(n);
    if (n === 0) return head;
    const first = this.chunks[0];
    this.chunks[0] = first.subarray(n);
    if (this.chunks[0].length === 0) this.chunks.shift();
    this.buffered -= n;
    return head;
  }
}
