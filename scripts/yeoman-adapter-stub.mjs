// A silent stand-in for @yeoman/adapter's QueuedAdapter: create-detml never prompts inside yeoman (answers come
// in as options) and prints its own summary, so the adapter only has to run queued work and swallow log lines.
const noop = () => {};
function makeLog() {
  const log = () => log;
  for (const level of [
    'write',
    'writeln',
    'ok',
    'error',
    'skip',
    'force',
    'create',
    'invoke',
    'conflict',
    'identical',
    'info',
    'added',
    'removed',
    'warn',
    'debug',
    'table',
  ])
    log[level] = () => log;
  log.colored = () => log;
  return log;
}
export class QueuedAdapter {
  constructor() {
    this.controller = new AbortController();
    this.signal = this.controller.signal;
    this.log = makeLog();
    this.actualAdapter = this;
  }
  async prompt() {
    throw new Error('create-detml generators never prompt');
  }
  async queue(fn) {
    return fn(this);
  }
  async progress(fn) {
    return fn({ step: noop });
  }
  abort(reason) {
    this.controller.abort(reason);
  }
  async onIdle() {}
  close() {}
  newAdapter() {
    return new QueuedAdapter();
  }
}
export class TerminalAdapter extends QueuedAdapter {}
export const createTerminalAdapter = () => new QueuedAdapter();
