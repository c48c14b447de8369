#!/usr/bin/env node
// TensorFlow.js's callbacks, driven by callback-conformance over its callback protocol
// (conformance/foreign/__init__.py): JSON lines on stdin, one reply per request on stdout.
// The suite's simulated fit makes the hook calls; this driver builds the tfjs callback from
// Keras's arguments, calls its hooks as tfjs's own fit would, and reports their effects.
//
//   node driver.js                      speak the protocol on stdin/stdout
//   node driver.js --replay OUT V...    replay test vectors V (export-vectors), write OUT
'use strict';

const fs = require('fs');
const readline = require('readline');
const util = require('util');

const PROTOCOL = 1;

// What tfjs prints while it loads (its backend notice) is not a reply: stdout carries
// only the protocol, everything else goes to stderr until a request captures it.
const capture = { printed: null, warnings: null };
for (const [name, kind] of [['log', 'printed'], ['info', 'printed'], ['warn', 'warnings'],
                            ['error', 'warnings']]) {
  console[name] = (...args) => {
    const text = util.format(...args);
    if (capture[kind] === null) process.stderr.write(text + '\n');
    else capture[kind].push(text);
  };
}

const tfl = require('@tensorflow/tfjs-layers');
require('@tensorflow/tfjs-backend-cpu');
const VERSION = require('@tensorflow/tfjs-layers/package.json').version;

// Keras's hook -> tfjs's (tfjs calls no hook around evaluation or prediction).
const HOOKS = {
  set_params: 'setParams',
  on_train_begin: 'onTrainBegin',
  on_train_end: 'onTrainEnd',
  on_epoch_begin: 'onEpochBegin',
  on_epoch_end: 'onEpochEnd',
  on_train_batch_begin: 'onBatchBegin',
  on_train_batch_end: 'onBatchEnd',
};
const FACTORIES = { EarlyStopping: (args) => tfl.callbacks.earlyStopping(args) };

// Values as conformance/worker/codec.py writes them.
function decode(data) {
  if (Array.isArray(data)) return data.map(decode);
  if (data === null || typeof data !== 'object') return data;
  const keys = Object.keys(data);
  if (keys.length === 1) {
    const body = data[keys[0]];
    switch (keys[0]) {
      case 'float': return { nan: NaN, inf: Infinity, '-inf': -Infinity }[body];
      case 'tuple': return body.map(decode);
      case 'dict': return Object.fromEntries(body.map(([k, v]) => [String(decode(k)), decode(v)]));
      case 'numpy': {
        const values = body[2].map(decode);
        return body[1] === null ? values[0] : values;
      }
      case 'dataclass': return decode(body[1]);
      case 'repr': return body;
      default:
    }
  }
  return Object.fromEntries(keys.map((key) => [key, decode(data[key])]));
}

function encode(value) {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    return { float: Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf' };
  }
  if (Array.isArray(value)) return value.map(encode);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).map((key) => [key, encode(value[key])]));
  }
  return value === undefined ? null : value;
}

// min_delta -> minDelta: what a user porting Keras code writes. Every argument is passed,
// known to tfjs or not: tfjs ignores what it does not know, and the suite sees that.
function camel(name) {
  return name.replace(/_([a-z])/g, (_, letter) => letter.toUpperCase());
}

class Driver {
  constructor() {
    this.callback = null;
    // A LayersModel as far as tfjs's callbacks look (setModel checks the type).
    this.model = Object.create(tfl.LayersModel.prototype);
    this.model.stopTraining = false;
  }

  async answer(request) {
    if (request.protocol !== PROTOCOL) {
      throw Object.assign(new Error(`protocol ${request.protocol}, this driver speaks 1`),
                          { name: 'ProtocolError' });
    }
    if (request.op === 'start') {
      return { implementation: 'TensorFlow.js', version: VERSION, callbacks: Object.keys(FACTORIES) };
    }
    if (request.op === 'construct') {
      const factory = FACTORIES[request.callback];
      if (factory === undefined) throw new Error(`no callback ${request.callback}`);
      const args = {};
      for (const [name, value] of Object.entries(decode(request.arguments))) {
        args[camel(name)] = value;
      }
      this.callback = null;
      this.callback = factory(args);
      return {};
    }
    if (request.op === 'hook') return this.hook(request);
    throw new Error(`unknown op ${request.op}`);
  }

  async hook(request) {
    if (this.callback === null) throw new Error(`${request.name} before construct`);
    const state = decode(request.model || {});
    this.model.stopTraining = Boolean(state.stop_training);
    if (state.learning_rate !== undefined) this.model.optimizer_ = { learningRate: state.learning_rate };
    const args = decode(request.args || []);
    if (request.name === 'set_model') this.callback.setModel(this.model);
    else if (HOOKS[request.name] !== undefined) await this.callback[HOOKS[request.name]](...args);
    const model = { stop_training: Boolean(this.model.stopTraining) };
    if (state.learning_rate !== undefined) model.learning_rate = this.model.optimizer_.learningRate;
    return { model };
  }

  // One request's reply: its answer and what it printed and warned, or its error.
  async reply(request) {
    capture.printed = [];
    capture.warnings = [];
    let reply;
    try {
      const answer = await this.answer(request);
      reply = { protocol: PROTOCOL, ok: { ...answer, printed: capture.printed, warnings: capture.warnings } };
    } catch (error) {
      const type = (error && error.constructor && error.constructor.name) || 'Error';
      reply = { protocol: PROTOCOL, error: { type, message: String(error && error.message) } };
    }
    capture.printed = capture.warnings = null;
    return encode(reply);
  }
}

async function serve() {
  const driver = new Driver();
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    const request = JSON.parse(line);
    if (request.op === 'close') {
      process.stdout.write(JSON.stringify({ protocol: PROTOCOL, ok: null }) + '\n');
      break;
    }
    process.stdout.write(JSON.stringify(await driver.reply(request)) + '\n');
  }
}

// Replay test vectors (conformance/foreign/vectors.schema.json): each vector's requests,
// in order, on a fresh driver; its replies are its results, by the vector's id
// (`callback-conformance judge VECTORS_DIR RESULTS` reads them: conformance/foreign/vectors.py).
async function replay(out, files) {
  const results = { schema: 'callback-conformance/vector-results/1', implementation: 'TensorFlow.js', version: VERSION, results: {} };
  for (const file of files) {
    const vector = JSON.parse(fs.readFileSync(file, 'utf8'));
    const driver = new Driver();
    const replies = [];
    for (const step of vector.steps) replies.push(await driver.reply(step.request));
    results.results[vector.id] = replies;
  }
  fs.writeFileSync(out, JSON.stringify(results, null, 1) + '\n');
}

const argv = process.argv.slice(2);
if (argv[0] === '--replay') {
  if (argv.length < 3) {
    process.stderr.write('usage: driver.js --replay OUT VECTOR.json...\n');
    process.exit(2);
  }
  replay(argv[1], argv.slice(2)).catch((error) => { process.stderr.write(`${error}\n`); process.exit(1); });
} else {
  serve().catch((error) => { process.stderr.write(`${error}\n`); process.exit(1); });
}
