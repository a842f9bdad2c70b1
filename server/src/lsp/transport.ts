// Opens the connection's transport from the command line (--stdio, --node-ipc, --socket=<port>, --pipe=<name>, as
// vscode-languageserver reads them) and puts the message gate in front of it. Over stdio the framing is read
// strictly: when it breaks, the server says so in one line on stderr and exits with 1, so that the client starts a
// fresh server instead of talking to one that can no longer read it.
import {
  createServerPipeTransport,
  createServerSocketTransport,
  ErrorCodes,
  IPCMessageReader,
  IPCMessageWriter,
  StreamMessageWriter,
  type Message,
  type MessageReader,
  type MessageWriter,
} from 'vscode-languageserver/node';
import { FramedMessageReader } from './framedReader';
import { MessageGate } from './messageGate';

export interface Transport {
  reader: MessageGate;
  writer: MessageWriter;
}

export interface TransportHooks {
  /** A notification was dropped for malformed params, or a message body was not JSON. */
  dropped(problem: string): void;
}

/** The value of `--name=value` or `--name value` on the command line. */
function option(argv: string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === name) return argv[i + 1];
    if (argv[i].startsWith(`${name}=`)) return argv[i].slice(name.length + 1);
  }
  return undefined;
}

function exitWith(line: string): never {
  process.stderr.write(`${line}\n`);
  process.exit(1);
}

export function openTransport(argv: string[], hooks: TransportHooks): Transport {
  let inner: MessageReader;
  let writer: MessageWriter;
  const socket = option(argv, '--socket');
  const pipe = option(argv, '--pipe');
  if (argv.includes('--stdio')) {
    const out = new StreamMessageWriter(process.stdout);
    writer = out;
    /** The server's own answers to unreadable messages, written before it exits. */
    let answered: Promise<unknown> = Promise.resolve();
    inner = new FramedMessageReader(process.stdin, {
      fatal: (reason) => {
        const line = `clem-registry: the language server stops because ${reason}; the messages from the editor can no longer be read. The editor restarts the server.`;
        void Promise.race([answered, new Promise((r) => setTimeout(r, 1000))]).finally(() => exitWith(line));
      },
      unreadableBody: (reason, invalidJson) => {
        hooks.dropped(`${reason}; it was skipped`);
        // JSON-RPC's answer to an unreadable message, for no particular request: a parse error or an invalid request.
        const error = { code: invalidJson ? ErrorCodes.ParseError : ErrorCodes.InvalidRequest, message: `The server could not read a message: ${reason}.` };
        answered = out.write({ jsonrpc: '2.0', id: null, error } as Message).catch(() => undefined);
      },
    });
  } else if (argv.includes('--node-ipc')) {
    inner = new IPCMessageReader(process);
    writer = new IPCMessageWriter(process);
  } else if (socket !== undefined && Number(socket) > 0) {
    [inner, writer] = createServerSocketTransport(Number(socket));
  } else if (pipe !== undefined) {
    [inner, writer] = createServerPipeTransport(pipe);
  } else {
    exitWith('clem-registry: start the language server with --stdio, --node-ipc, --socket=<port> or --pipe=<name>.');
  }
  const reader = new MessageGate(inner, writer, hooks.dropped);
  // The client is gone: exit as vscode-languageserver does for streams, with 0 only after a shutdown request.
  inner.onClose(() => process.exit(reader.lifecycle === 'shutDown' ? 0 : 1));
  return { reader, writer };
}
