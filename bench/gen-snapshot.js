'use strict';
// Writes a deterministic, V8-shaped .heapsnapshot of about the requested size, for the analyzer
// benchmark: class instances (split by constructor location), arrays with element stores, plain
// objects with shared shapes, strings, closures with contexts and code, Maps, a WeakMap with
// ephemeron edges, a leak array on the global, system roots. Same arguments, same bytes.
//
//   node bench/gen-snapshot.js <out.heapsnapshot> <megabytes>

const fs = require('node:fs');

const NODE_TYPES = ['hidden', 'array', 'string', 'object', 'code', 'closure', 'regexp', 'number', 'native', 'synthetic', 'concatenated string', 'sliced string', 'symbol', 'bigint', 'object shape'];
const EDGE_TYPES = ['context', 'element', 'property', 'internal', 'hidden', 'shortcut', 'weak'];
const T = Object.fromEntries(NODE_TYPES.map((n, i) => [n, i]));
const E = Object.fromEntries(EDGE_TYPES.map((n, i) => [n, i]));
const NFC = 7;
// Measured on this generator's output: bytes of JSON per unit of work below.
const BYTES_PER_UNIT = 313;

/** Growable Uint32Array-backed column store. */
class U32 {
  constructor() {
    this.a = new Uint32Array(1 << 16);
    this.n = 0;
  }
  push(v) {
    if (this.n === this.a.length) {
      const b = new Uint32Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
}

function generate(units) {
  let seed = 12345;
  const rnd = (m) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % m;
  };
  const strings = [''];
  const stringIndex = new Map([['', 0]]);
  const str = (s) => {
    let i = stringIndex.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      stringIndex.set(s, i);
    }
    return i;
  };
  const nodeType = new U32();
  const nodeName = new U32();
  const nodeSize = new U32();
  const out = []; // per node: list of edges [type, name, to] appended to `edges` with counts
  const edgeFrom = new U32();
  const edgeType = new U32();
  const edgeName = new U32();
  const edgeTo = new U32();
  const locations = [];
  const node = (type, name, size) => {
    nodeType.push(T[type]);
    nodeName.push(typeof name === 'number' ? name : str(name));
    nodeSize.push(size);
    return nodeType.n - 1;
  };
  const edge = (from, type, name, to) => {
    edgeFrom.push(from);
    edgeType.push(E[type]);
    edgeName.push(type === 'element' || type === 'hidden' ? name : typeof name === 'number' ? name : str(name));
    edgeTo.push(to);
  };
  void out;

  const root = node('synthetic', '', 0);
  const gcRoots = node('synthetic', '(GC roots)', 0);
  const strong = node('synthetic', '(Strong roots)', 0);
  const internalized = node('synthetic', '(Internalized strings)', 0);
  const global = node('object', 'global', 72);
  const globalProxy = node('object', 'global', 24);
  edge(root, 'element', 1, gcRoots);
  edge(root, 'shortcut', 'global', global);
  edge(root, 'shortcut', 'globalThis', globalProxy);
  edge(gcRoots, 'element', 1, strong);
  edge(gcRoots, 'element', 2, internalized);
  edge(globalProxy, 'internal', 'target', global);
  const nativeContext = node('hidden', 'system / NativeContext', 1200);
  edge(strong, 'element', 1, nativeContext);
  edge(global, 'internal', 'native_context', nativeContext);

  // Shared code per class, so closures share their compiled code like real programs.
  const CLASSES = 25;
  const code = [];
  const sfi = [];
  for (let k = 0; k < CLASSES; k++) {
    code.push(node('code', '', 400 + 16 * k));
    sfi.push(node('hidden', `system / SharedFunctionInfo`, 56));
    edge(sfi[k], 'internal', 'code', code[k]);
    edge(strong, 'element', 10 + k, sfi[k]);
  }

  // Hidden classes (maps) and prototypes: every object points at its map, as in V8 snapshots.
  const shapes = [];
  const protos = [];
  for (let k = 0; k < CLASSES; k++) {
    shapes.push(node('object shape', '(object shape)', 80));
    protos.push(node('object', 'Object', 28));
    edge(shapes[k], 'internal', 'prototype', protos[k]);
    edge(strong, 'element', 100 + k, shapes[k]);
  }
  const arrayShape = node('object shape', '(object shape)', 80);
  const plainShape = node('object shape', '(object shape)', 80);
  edge(strong, 'element', 200, arrayShape);
  edge(strong, 'element', 201, plainShape);

  const itemsArray = node('object', 'Array', 32);
  const leakArray = node('object', 'Array', 32);
  edge(global, 'property', 'items', itemsArray);
  edge(global, 'property', 'leak', leakArray);
  const itemsStore = node('array', '(object elements)', 16);
  const leakStore = node('array', '(object elements)', 16);
  edge(itemsArray, 'internal', 'elements', itemsStore);
  edge(leakArray, 'internal', 'elements', leakStore);
  const weakMap = node('object', 'WeakMap', 24);
  const weakTable = node('array', '(object elements)', 16);
  edge(global, 'property', 'cache', weakMap);
  edge(weakMap, 'internal', 'table', weakTable);

  const items = [];
  let itemStoreSize = 16;
  let leakStoreSize = 16;
  let leakCount = 0;
  let weakCount = 0;
  for (let i = 0; i < units; i++) {
    const k = i % CLASSES;
    const item = node('object', `Item${k}`, 40);
    items.push(item);
    // Two definition sites per class name: DevTools splits the class by location.
    locations.push(item * NFC, 40 + (i % 2), 10 + k, 4);
    edge(itemsStore, 'element', i, item);
    itemStoreSize += 8;
    const name = node('string', `item-${i}-${k}`, 24 + ((i % 13) << 2));
    edge(item, 'internal', 'map', shapes[k]);
    edge(item, 'property', '__proto__', protos[k]);
    edge(item, 'property', 'name', name);
    const data = node('object', 'Array', 32);
    const store = node('array', '(object elements)', 16 + 8 * (1 + (i % 5)));
    edge(item, 'property', 'data', data);
    edge(data, 'internal', 'elements', store);
    edge(data, 'internal', 'map', arrayShape);
    for (let j = 0; j <= i % 5 && items.length > 1; j++) edge(store, 'element', j, items[rnd(items.length)]);
    if (i % 3 === 0) {
      const plain = node('object', 'Object', 28);
      const num = node('number', 'heap number', 16);
      edge(item, 'property', 'meta', plain);
      edge(plain, 'internal', 'map', plainShape);
      edge(plain, 'property', 'id', num);
      edge(plain, 'property', 'label', name);
      if (i % 2 === 0) edge(plain, 'property', 'owner', item);
    }
    if (i % 10 === 0) {
      const ctx = node('object', 'system / Context', 40);
      const fn = node('closure', `handler${k}`, 32);
      edge(item, 'property', 'onEvent', fn);
      edge(fn, 'internal', 'context', ctx);
      edge(fn, 'internal', 'shared', sfi[k]);
      edge(ctx, 'context', 'self', item);
      edge(ctx, 'context', 'peer', items[rnd(items.length)]);
    }
    if (i % 20 === 0) {
      const map = node('object', 'Map', 32);
      const table = node('array', '(object elements)', 16 + 16 * 4);
      edge(item, 'property', 'index', map);
      edge(map, 'internal', 'table', table);
      for (let j = 0; j < 4; j++) edge(table, 'element', j, items[rnd(items.length)]);
    }
    if (i % 7 === 0) {
      const leaked = node('object', 'LeakedThing', 64);
      const payload = node('concatenated string', '(concatenated string)', 32);
      edge(leakStore, 'element', leakCount++, leaked);
      leakStoreSize += 8;
      edge(leaked, 'property', 'payload', payload);
      edge(payload, 'internal', 'first', name);
      edge(payload, 'internal', 'second', name);
    }
    if (i % 100 === 0) {
      const value = node('object', 'CachedValue', 48);
      const label = `${weakCount} / part of key (Item${k} @${item * 2 + 1}) -> value (CachedValue @${value * 2 + 1}) pair in WeakMap (table @${weakTable * 2 + 1})`;
      edge(weakTable, 'weak', weakCount * 2, item);
      edge(weakTable, 'internal', label, value);
      edge(item, 'internal', label, value);
      weakCount++;
    }
    if (i % 50 === 0) {
      // Internalized strings held by the system only: distances from 100000000.
      const s = node('string', `symbol-${i}`, 20);
      edge(internalized, 'element', i, s);
    }
  }
  nodeSize.a[itemsStore] = itemStoreSize;
  nodeSize.a[leakStore] = leakStoreSize;
  return { nodeType, nodeName, nodeSize, edgeFrom, edgeType, edgeName, edgeTo, strings, locations };
}

function write(file, g) {
  const n = g.nodeType.n;
  const m = g.edgeFrom.n;
  // Edges grouped by source node, stable (counting sort).
  const counts = new Uint32Array(n + 1);
  for (let e = 0; e < m; e++) counts[g.edgeFrom.a[e] + 1]++;
  for (let i = 0; i < n; i++) counts[i + 1] += counts[i];
  const order = new Uint32Array(m);
  const fill = counts.slice(0, n);
  for (let e = 0; e < m; e++) order[fill[g.edgeFrom.a[e]]++] = e;

  const fd = fs.openSync(file, 'w');
  let buf = '';
  const put = (s) => {
    buf += s;
    if (buf.length > 1 << 20) {
      fs.writeSync(fd, buf);
      buf = '';
    }
  };
  const meta = {
    node_fields: ['type', 'name', 'id', 'self_size', 'edge_count', 'trace_node_id', 'detachedness'],
    node_types: [NODE_TYPES, 'string', 'number', 'number', 'number', 'number', 'number'],
    edge_fields: ['type', 'name_or_index', 'to_node'],
    edge_types: [EDGE_TYPES, 'string_or_number', 'node'],
    trace_function_info_fields: ['function_id', 'name', 'script_name', 'script_id', 'line', 'column'],
    trace_node_fields: ['id', 'function_info_index', 'count', 'size', 'children'],
    sample_fields: ['timestamp_us', 'last_assigned_id'],
    location_fields: ['object_index', 'script_id', 'line', 'column'],
  };
  put(`{"snapshot":{"meta":${JSON.stringify(meta)},"node_count":${n},"edge_count":${m},"trace_function_count":0},\n"nodes":[`);
  for (let i = 0; i < n; i++) {
    const ec = counts[i + 1] - counts[i];
    put(`${i ? ',' : ''}${g.nodeType.a[i]},${g.nodeName.a[i]},${i * 2 + 1},${g.nodeSize.a[i]},${ec},0,0\n`);
  }
  put('],\n"edges":[');
  for (let j = 0; j < m; j++) {
    const e = order[j];
    put(`${j ? ',' : ''}${g.edgeType.a[e]},${g.edgeName.a[e]},${g.edgeTo.a[e] * NFC}\n`);
  }
  put('],\n"trace_function_infos":[],\n"trace_tree":[],\n"samples":[],\n"locations":[');
  for (let i = 0; i < g.locations.length; i += 4) {
    put(`${i ? ',' : ''}${g.locations[i]},${g.locations[i + 1]},${g.locations[i + 2]},${g.locations[i + 3]}\n`);
  }
  put('],\n"strings":[');
  for (let i = 0; i < g.strings.length; i++) put(`${i ? ',' : ''}${JSON.stringify(g.strings[i])}\n`);
  put(']}');
  fs.writeSync(fd, buf);
  fs.closeSync(fd);
  return { nodes: n, edges: m };
}

function main() {
  const [file, mb] = process.argv.slice(2);
  if (!file || !(Number(mb) > 0)) {
    process.stderr.write('usage: node bench/gen-snapshot.js <out.heapsnapshot> <megabytes>\n');
    process.exitCode = 2;
    return;
  }
  const units = Math.max(10, Math.round((Number(mb) * 1e6) / BYTES_PER_UNIT));
  const r = write(file, generate(units));
  process.stdout.write(`${file}: ${(fs.statSync(file).size / 1e6).toFixed(1)} MB, ${r.nodes} nodes, ${r.edges} edges\n`);
}

if (require.main === module) main();

module.exports = { generate, write };
