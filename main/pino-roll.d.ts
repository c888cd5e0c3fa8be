// pino-roll ships no types. Only what main/logging.ts uses: the factory resolves to a SonicBoom (pino's own file
// stream) that rolls the file by size and removes the oldest beyond the limit.
declare module 'pino-roll' {
  import type { EventEmitter } from 'node:events';

  export interface RollingStream extends EventEmitter {
    write(data: string): boolean;
    end(): void;
    readonly file: string;
  }

  export interface PinoRollOptions {
    /** The log's path without its number: `logs/device.log` writes `logs/device.1.log`, `logs/device.2.log`, … */
    readonly file: string;
    /** The most a file holds before the next is started: `512k`, `2m`. */
    readonly size?: string;
    readonly limit?: { readonly count: number; readonly removeOtherLogFiles?: boolean };
    readonly mkdir?: boolean;
    readonly sync?: boolean;
    readonly mode?: number;
    /** SonicBoom: the most it holds unwritten; lines beyond are dropped with a 'drop' event. */
    readonly maxLength?: number;
  }

  export default function pinoRoll(options: PinoRollOptions): Promise<RollingStream>;
}
