'use strict';
// A Chrome DevTools Protocol client over WebSocket: `post(method, params)` resolves to a command's
// result, protocol events are emitted under their method name ('HeapProfiler.addHeapSnapshotChunk').
// Used by `rsheapdump.attach` to drive another process's inspector; it knows nothing about pids or
// files, so other commands can reuse it.
//
// The socket is `ws` (zero dependencies, the WebSocket every Node tool uses): Node 20 has no
// WebSocket of its own (22 has one, behind no flag only from 22.4).

const { EventEmitter } = require('node:events');
const WebSocket = require('ws');
const { rsError } = require('../errors');

class CdpClient extends EventEmitter {
  #ws;
  #nextId = 1;
  #pending = new Map();
  #closed = null;

  constructor(ws) {
    super();
    this.#ws = ws;
    ws.on('message', (data) => this.#receive(data));
    ws.on('close', () => this.#fail(rsError('DISCONNECTED', 'the inspector connection closed (did the process exit?)')));
    ws.on('error', (err) => {
      const e = rsError('DISCONNECTED', `the inspector connection failed: ${err.message}`);
      e.cause = err;
      this.#fail(e);
    });
  }

  /** Whether the connection is gone (then every `post` rejects). */
  get closed() {
    return this.#closed !== null;
  }

  /** Sends a command; resolves to its `result`, rejects with ERR_RSHEAPDUMP_INSPECTOR on a protocol error. */
  post(method, params = {}) {
    if (this.#closed) return Promise.reject(this.#closed);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { method, resolve, reject });
      this.#ws.send(JSON.stringify({ id, method, params }), (err) => {
        if (err) this.#settle(id, { error: { message: err.message } });
      });
    });
  }

  /** Closes the connection; pending commands reject with ERR_RSHEAPDUMP_DISCONNECTED. */
  close() {
    if (this.#closed) return;
    this.#fail(rsError('DISCONNECTED', 'the inspector connection was closed'));
    this.#ws.terminate();
  }

  #receive(data) {
    let msg;
    try {
      msg = JSON.parse(data);
    } catch {
      return; // not a protocol message; the inspector sends none
    }
    if (msg.id !== undefined) this.#settle(msg.id, msg);
    else if (msg.method) this.emit(msg.method, msg.params ?? {});
  }

  #settle(id, msg) {
    const p = this.#pending.get(id);
    if (!p) return;
    this.#pending.delete(id);
    if (msg.error) {
      const err = rsError('INSPECTOR', `V8 inspector command ${p.method} failed: ${msg.error.message}${msg.error.code !== undefined ? ` (${msg.error.code})` : ''}`);
      err.inspectorCode = msg.error.code;
      p.reject(err);
    } else {
      p.resolve(msg.result ?? {});
    }
  }

  #fail(err) {
    if (this.#closed) return;
    this.#closed = err;
    for (const p of this.#pending.values()) p.reject(err);
    this.#pending.clear();
    this.emit('close', err);
  }
}

/**
 * Opens a WebSocket to `url` (ws://127.0.0.1:<port>/<id>); resolves to a CdpClient. Rejects with
 * ERR_RSHEAPDUMP_DISCONNECTED when the connection cannot be made within `timeoutMs`.
 */
function connect(url, { timeoutMs = 5000 } = {}) {
  return new Promise((resolve, reject) => {
    // No compression: the chunks are consumed as they come; deflate would only cost CPU here.
    const ws = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: timeoutMs, maxPayload: 1 << 30 });
    const onError = (err) => {
      ws.off('open', onOpen);
      const e = rsError('DISCONNECTED', `could not connect to the inspector at ${url}: ${err.message}`);
      e.cause = err;
      reject(e);
    };
    const onOpen = () => {
      ws.off('error', onError);
      resolve(new CdpClient(ws));
    };
    ws.once('error', onError);
    ws.once('open', onOpen);
  });
}

module.exports = { connect, CdpClient };
