#!/usr/bin/env node
// Runs an ONNX model in ONNX Runtime (onnxruntime-node, CPU) on an input read
// from a .npy file and writes the first output to a .npy file. gonas's
// export package drives it to verify exported models.
//
//   node tools/ort/run.js MODEL.onnx INPUT.npy OUTPUT.npy
//   node tools/ort/run.js --batch JOBS.json
//   node tools/ort/run.js --bench MODEL.onnx INPUT.npy REPS THREADS
//
// JOBS.json is a list of {"model", "input", "output"} paths, run in one
// process so the runtime loads once. Each job prints one JSON object
// (model, input and output names and shapes, load and run milliseconds); the
// batch form prints a JSON list. The input is float32 (or int64) in C order;
// the output .npy is written as '<f4' (or '<i8'). Errors go to stderr with
// exit status 1 (2 for bad usage).
'use strict';

const fs = require('fs');

function usage() {
  process.stderr.write('usage: run.js MODEL.onnx INPUT.npy OUTPUT.npy | run.js --batch JOBS.json | run.js --bench MODEL.onnx INPUT.npy REPS THREADS\n');
  process.exit(2);
}

// readNpy parses a version 1.x/2.x .npy file holding little-endian float32
// or int64 data in C order.
function readNpy(path) {
  const buf = fs.readFileSync(path);
  if (buf.length < 10 || buf[0] !== 0x93 || buf.toString('latin1', 1, 6) !== 'NUMPY') {
    throw new Error(`${path}: not a .npy file (bad magic)`);
  }
  const major = buf[6];
  let hlen;
  let off;
  if (major === 1) {
    hlen = buf.readUInt16LE(8);
    off = 10;
  } else if (major === 2 || major === 3) {
    hlen = buf.readUInt32LE(8);
    off = 12;
  } else {
    throw new Error(`${path}: unsupported .npy version ${major}`);
  }
  const header = buf.toString('latin1', off, off + hlen);
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header);
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(header);
  if (!descr || !fortran || !shape) throw new Error(`${path}: malformed .npy header ${header}`);
  if (fortran[1] !== 'False') throw new Error(`${path}: Fortran order is not supported`);
  const dims = shape[1].split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  const n = dims.reduce((a, b) => a * b, 1);
  const start = off + hlen;
  let type;
  let data;
  if (descr[1] === '<f4') {
    type = 'float32';
    if (buf.length - start < 4 * n) throw new Error(`${path}: truncated data`);
    data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = buf.readFloatLE(start + 4 * i);
  } else if (descr[1] === '<i8') {
    type = 'int64';
    if (buf.length - start < 8 * n) throw new Error(`${path}: truncated data`);
    data = new BigInt64Array(n);
    for (let i = 0; i < n; i++) data[i] = buf.readBigInt64LE(start + 8 * i);
  } else {
    throw new Error(`${path}: unsupported dtype ${descr[1]}`);
  }
  return { type, dims, data };
}

// writeNpy writes a version 1.0 .npy file.
function writeNpy(path, type, dims, data) {
  const descr = type === 'int64' ? '<i8' : '<f4';
  const shape = dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const pre = Buffer.alloc(10);
  pre[0] = 0x93;
  pre.write('NUMPY', 1, 'latin1');
  pre[6] = 1;
  pre[7] = 0;
  pre.writeUInt16LE(header.length, 8);
  const size = type === 'int64' ? 8 : 4;
  const body = Buffer.alloc(size * data.length);
  for (let i = 0; i < data.length; i++) {
    if (type === 'int64') body.writeBigInt64LE(BigInt(data[i]), 8 * i);
    else body.writeFloatLE(data[i], 4 * i);
  }
  fs.writeFileSync(path, Buffer.concat([pre, Buffer.from(header, 'latin1'), body]));
}

// runOne runs one job on the session of its model, made on first use and
// kept in sessions for the later jobs of the same file (a new session's
// first runs pay for its memory arena: seconds at batch 1000).
async function runOne(ort, job, sessions) {
  const t0 = process.hrtime.bigint();
  let session = sessions.get(job.model);
  if (!session) {
    session = await ort.InferenceSession.create(job.model, { graphOptimizationLevel: 'all' });
    sessions.set(job.model, session);
  }
  const t1 = process.hrtime.bigint();
  const x = readNpy(job.input);
  const feeds = {};
  feeds[session.inputNames[0]] = new ort.Tensor(x.type, x.data, x.dims);
  const outName = session.outputNames[0];
  const results = await session.run(feeds);
  const t2 = process.hrtime.bigint();
  const y = results[outName];
  const type = y.type === 'int64' ? 'int64' : 'float32';
  if (y.type !== 'float32' && y.type !== 'int64') throw new Error(`output ${outName} has type ${y.type}`);
  writeNpy(job.output, type, y.dims, y.data);
  return {
    model: job.model,
    input: session.inputNames[0],
    input_shape: x.dims,
    output: outName,
    output_shape: Array.from(y.dims),
    load_ms: Number(t1 - t0) / 1e6,
    run_ms: Number(t2 - t1) / 1e6,
  };
}

// bench times REPS runs of one session (after two warm-up runs) on
// THREADS intra-op threads, sequential execution, all graph optimisations:
// how a deployment would run the file. It prints {load_ms, run_ms: [...]}.
async function bench(ort, model, input, reps, threads) {
  const t0 = process.hrtime.bigint();
  const session = await ort.InferenceSession.create(model, {
    graphOptimizationLevel: 'all', executionMode: 'sequential', intraOpNumThreads: threads, interOpNumThreads: 1,
  });
  const t1 = process.hrtime.bigint();
  const x = readNpy(input);
  const feeds = {};
  feeds[session.inputNames[0]] = new ort.Tensor(x.type, x.data, x.dims);
  for (let i = 0; i < 2; i++) await session.run(feeds);
  const runs = [];
  for (let i = 0; i < reps; i++) {
    const a = process.hrtime.bigint();
    await session.run(feeds);
    runs.push(Number(process.hrtime.bigint() - a) / 1e6);
  }
  if (session.release) await session.release();
  return { model, input_shape: x.dims, threads, load_ms: Number(t1 - t0) / 1e6, run_ms: runs };
}

async function main() {
  const args = process.argv.slice(2);
  if (args.length === 5 && args[0] === '--bench') {
    const reps = Number(args[3]);
    const threads = Number(args[4]);
    if (!(reps >= 1) || !(threads >= 1)) usage();
    const ort = require('onnxruntime-node');
    process.stdout.write(JSON.stringify(await bench(ort, args[1], args[2], reps, threads)) + '\n');
    return;
  }
  let jobs;
  let batch = false;
  if (args.length === 2 && args[0] === '--batch') {
    batch = true;
    jobs = JSON.parse(fs.readFileSync(args[1], 'utf8'));
    if (!Array.isArray(jobs)) throw new Error(`${args[1]}: want a JSON list of jobs`);
  } else if (args.length === 3) {
    jobs = [{ model: args[0], input: args[1], output: args[2] }];
  } else {
    usage();
  }
  const ort = require('onnxruntime-node');
  const out = [];
  const sessions = new Map();
  for (const job of jobs) {
    try {
      out.push(await runOne(ort, job, sessions));
    } catch (e) {
      throw new Error(`${job.model}: ${e && e.message ? e.message : e}`);
    }
  }
  for (const session of sessions.values()) {
    if (session.release) await session.release();
  }
  process.stdout.write(JSON.stringify(batch ? out : out[0]) + '\n');
}

main().catch((e) => {
  process.stderr.write(`run.js: ${e && e.message ? e.message : e}\n`);
  process.exit(1);
});
