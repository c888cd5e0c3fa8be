// The demo's control socket (.demo/control.sock): `npm run simulate -- unplug|replug badge|scanner` asks the demo
// process, which owns the socat pairs, to end or restart one. Killing socat makes the pty vanish as a USB serial device
// does when unplugged; a restart makes the same link names again (the ptys behind them are new), so the driver, which
// reopens by path, finds the reader back. The magstripe reader is not here: its simulator has its own socket.
import { z } from 'zod';
import type { PtyPair } from '../hardware/simulators/pty-pair';
import { sendLineCommand, serveLineSocket, type LineAnswer, type LineSocketServer } from '../hardware/simulators/line-socket';

/** The demo's serial readers, each on its own pty pair. */
export const demoSerialReaders = ['badge', 'scanner'] as const;
export type DemoSerialReader = (typeof demoSerialReaders)[number];

export const DemoControlCommand = z
  .object({
    op: z.enum(['unplug', 'replug']),
    reader: z.enum(demoSerialReaders),
  })
  .strict();
export type DemoControlCommand = z.infer<typeof DemoControlCommand>;

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message)).join('; ');
}

/** Serves the control socket for the demo's pty pairs; each starts plugged in. */
export function startDemoControl(socketPath: string, pairs: Readonly<Record<DemoSerialReader, PtyPair>>): Promise<LineSocketServer> {
  const plugged: Record<DemoSerialReader, boolean> = { badge: true, scanner: true };
  // One change at a time: a replug racing an unplug of the same socat would leave links of a dead process.
  let changing: Promise<unknown> = Promise.resolve();

  async function apply(command: DemoControlCommand): Promise<LineAnswer> {
    const pair = pairs[command.reader];
    switch (command.op) {
      case 'unplug':
        if (!plugged[command.reader]) return { ok: true, reader: command.reader, plugged: false, note: 'it was already unplugged' };
        await pair.kill();
        plugged[command.reader] = false;
        return { ok: true, reader: command.reader, plugged: false };
      case 'replug':
        if (plugged[command.reader]) return { ok: true, reader: command.reader, plugged: true, note: 'it was already plugged in' };
        await pair.restart();
        plugged[command.reader] = true;
        return { ok: true, reader: command.reader, plugged: true, devicePath: pair.devicePath };
      default: {
        const unhandled: never = command.op;
        throw new TypeError(`unknown op: ${String(unhandled)}`);
      }
    }
  }

  return serveLineSocket(socketPath, (message) => {
    const parsed = DemoControlCommand.safeParse(message);
    if (!parsed.success) return { ok: false, error: `bad demo control command: ${describeIssues(parsed.error)}` };
    const result = changing.then(() => apply(parsed.data));
    changing = result.catch(() => undefined);
    return result;
  });
}

export function sendDemoControlCommand(socketPath: string, command: DemoControlCommand, timeoutMs?: number): Promise<LineAnswer> {
  // socat takes a moment to start again; the default answer wait is ample for that.
  return sendLineCommand(socketPath, command, timeoutMs);
}
