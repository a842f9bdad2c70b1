// Stands between the transport and the connection and answers what no handler should see, as LSP asks: requests
// before `initialize` get ServerNotInitialized (-32002) and notifications then are dropped; requests after
// `shutdown` get InvalidRequest; requests with malformed params get InvalidParams with a plain message.
import {
  ErrorCodes,
  Message,
  type DataCallback,
  type Disposable,
  type MessageReader,
  type MessageWriter,
  type RequestMessage,
} from 'vscode-languageserver/node';
import { isObject, paramsProblem } from './paramShapes';

export type LifecycleState = 'new' | 'running' | 'shutDown';

export class MessageGate implements MessageReader {
  private state: LifecycleState = 'new';

  constructor(
    private readonly inner: MessageReader,
    private readonly writer: MessageWriter,
    /** A notification was dropped for malformed params; `problem` says why. */
    private readonly onDropped: (problem: string) => void,
  ) {}

  get onError() { return this.inner.onError; }
  get onClose() { return this.inner.onClose; }
  get onPartialMessage() { return this.inner.onPartialMessage; }
  dispose(): void { this.inner.dispose(); }

  get lifecycle(): LifecycleState {
    return this.state;
  }

  listen(callback: DataCallback): Disposable {
    return this.inner.listen((message) => {
      if (this.admit(message)) callback(message);
    });
  }

  /** Answers a request from here, without handing it on. */
  reject(id: RequestMessage['id'], code: number, message: string): void {
    void this.writer.write({ jsonrpc: '2.0', id, error: { code, message } } as Message).catch(() => undefined);
  }

  private admit(message: Message): boolean {
    if (Message.isRequest(message)) return this.admitRequest(message);
    if (Message.isNotification(message)) {
      if (message.method === 'exit') return true;
      if (this.state === 'new') return false;
      const problem = paramsProblem(message.method, message.params, false);
      if (problem) this.onDropped(problem);
      return problem === undefined;
    }
    return true; // responses to the server's own requests
  }

  private admitRequest(request: RequestMessage): boolean {
    const { id, method } = request;
    if (this.state === 'new') {
      if (method !== 'initialize') {
        this.reject(id, ErrorCodes.ServerNotInitialized, `The server is not initialized yet: send initialize before ${method}.`);
        return false;
      }
      if (!isObject(request.params)) {
        this.reject(id, ErrorCodes.InvalidParams, 'initialize needs an object of parameters.');
        return false;
      }
      // The library's own initialize code reads the capabilities; a client that sends none gets none assumed.
      if (!isObject(request.params.capabilities)) request.params.capabilities = {};
      this.state = 'running';
      return true;
    }
    if (this.state === 'shutDown') {
      this.reject(id, ErrorCodes.InvalidRequest, `The server is shutting down and takes no more requests (${method}).`);
      return false;
    }
    if (method === 'initialize') {
      this.reject(id, ErrorCodes.InvalidRequest, 'The server is already initialized; initialize may be sent only once.');
      return false;
    }
    if (method === 'shutdown') {
      this.state = 'shutDown';
      return true;
    }
    const problem = paramsProblem(method, request.params, true);
    if (problem) {
      this.reject(id, ErrorCodes.InvalidParams, problem);
      return false;
    }
    return true;
  }
}
