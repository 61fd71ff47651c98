// `argilla server start` arrives with the HTTP API.
import type { Command } from 'commander';
import type { Config } from '../config.js';

type ActionFactory = <A extends unknown[]>(work: (config: Config, ...args: A) => Promise<void>) => (...args: A) => Promise<void>;

export function registerServerCommands(_program: Command, _action: ActionFactory): void {}
