'use strict';
// lib/sink.js, the one owner of a native sink: what it writes is the file, and every failure
// path leaves neither a partial file nor an open sink behind.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');
const native = require('../lib/native');
const { Sink, withSink } = require('../lib/sink');
const { tmpdir, partials } = require('./helpers');

test('withSink writes, finishes and merges what fn returns; gzip, 0600', async () => {
  const dir = tmpdir();
  const open = native.sinkOpenCount();
  const out = await withSink(path.join(dir, 'a.json'), null, (sink) => {
    sink.write('{"a":');
    sink.write(Buffer.from('1}'));
    return { extra: 7 };
  });
  assert.deepEqual(out, { path: path.join(dir, 'a.json'), bytes: 7, rawBytes: 7, extra: 7 });
  assert.deepEqual(JSON.parse(fs.readFileSync(out.path, 'utf8')), { a: 1 });
  assert.equal(fs.statSync(out.path).mode & 0o777, 0o600);

  const gz = await withSink(path.join(dir, 'b.json.gz'), 9, (sink) => sink.write('x'.repeat(10_000)));
  assert.equal(gz.rawBytes, 10_000);
  assert.ok(gz.bytes < 200, `compressed to ${gz.bytes} bytes`);
  assert.equal(zlib.gunzipSync(fs.readFileSync(gz.path)).toString(), 'x'.repeat(10_000));
  assert.equal(native.sinkOpenCount(), open);
  assert.deepEqual(partials(dir), []);
});

test('a throw, a rejection or a failed open leaves nothing behind and passes the error on', async () => {
  const dir = tmpdir();
  const open = native.sinkOpenCount();
  const boom = new Error('boom');
  let seen = null;
  await assert.rejects(
    withSink(path.join(dir, 'c'), null, (sink) => {
      sink.write('partial data');
      seen = fs.readdirSync(dir);
      throw boom;
    }),
    (e) => e === boom,
  );
  assert.deepEqual(seen, ['c.partial'], 'the file existed under its partial name');
  await assert.rejects(
    withSink(path.join(dir, 'd'), 1, async (sink) => {
      sink.write('x');
      await new Promise((r) => setTimeout(r, 10));
      throw boom;
    }),
    (e) => e === boom,
  );
  // The open's error is a rejection, not a throw.
  const bad = withSink(path.join(dir, 'no', 'such', 'e'), null, () => assert.fail('not called'));
  await assert.rejects(bad, { code: 'ENOENT', syscall: 'open' });
  assert.deepEqual(fs.readdirSync(dir), []);
  assert.equal(native.sinkOpenCount(), open);
});

test('guard aborts when the job that was lent the sink fails, and abort is idempotent', async () => {
  const dir = tmpdir();
  const open = native.sinkOpenCount();
  const sink = Sink.open(path.join(dir, 'f'), null);
  assert.equal(native.sinkOpenCount(), open + 1);
  assert.deepEqual(fs.readdirSync(dir), ['f.partial']);
  // Another thread would adopt the id; here the same thread does, finishes nothing and fails.
  await assert.rejects(
    sink.guard(async () => {
      Sink.adopt(sink.id).write('x');
      throw new Error('job failed');
    }),
    /job failed/,
  );
  assert.deepEqual(fs.readdirSync(dir), []);
  assert.equal(native.sinkOpenCount(), open);
  sink.abort();
  Sink.adopt(sink.id).abort();
  assert.throws(() => sink.write('late'), { code: 'ERR_RSHEAPDUMP_SINK' });
  assert.equal(Sink.adopt(null), null);
  assert.equal(Sink.adopt(undefined), null);

  // A sink finished by its adopter: the lender's guard resolves with the job's result.
  const lent = Sink.open(path.join(dir, 'g'), null);
  const r = await lent.guard(async () => {
    const s = Sink.adopt(lent.id);
    s.write('done');
    return s.finish();
  });
  assert.equal(r.path, path.join(dir, 'g'));
  lent.abort(); // after the adopter finished it: nothing to do, no throw
  assert.equal(fs.readFileSync(r.path, 'utf8'), 'done');
  assert.equal(native.sinkOpenCount(), open);
});
