import { startServer } from '../../server/server.ts';
import { COW, ORIGIN } from '../grammar.ts';
import { EXIT_INTERRUPTED, type Command } from '../command.ts';

export const serve: Command = {
  name: 'serve',
  summary: 'serve the UI and the API on 127.0.0.1 (open the printed URL in a browser)',
  positionals: [{ ...COW, help: 'a store to open at start', optional: true }],
  options: {
    origin: { ...ORIGIN, required: false, help: 'its origin' },
    port: { type: 'integer', value: 'N', help: 'port (default: a free one)' },
    open: { type: 'boolean', help: 'open the URL in the default browser' },
    write: { type: 'boolean', help: 'open the store for writing' },
    host: { type: 'string', value: '[USER@]HOST[,...]', help: "also show these machines' live dm snapshots, through ssh and their snapscope-helper" },
    'new-token': { type: 'boolean', help: 'replace the kept access token (pages of earlier servers stop working)' },
  },
  details:
    'Stops on Ctrl-C (exit 130) or SIGTERM (exit 143). Reach it from another machine through an SSH tunnel. The access token is kept in a ' +
    'private per-user file ($XDG_RUNTIME_DIR/snapscope/serve-token, mode 0600) and reused while it exists, ' +
    'so a restarted server accepts the pages of the previous one.',
  examples: [
    ['serve /tmp/demo/shared.cow --origin /tmp/demo/origin.img', 'the demo volume in the browser, read-only'],
    ['serve --port 8080 --new-token', 'the start page on a fixed port, with a fresh access token'],
  ],
  exits: { 143: 'stopped by SIGTERM' },
  async run(args) {
    const cow = args.optionalArg('cow');
    const origin = args.string('origin');
    const port = args.number('port');
    // Listening before the URL is printed: whoever reads it may signal at once. Exits as a native
    // server killed by the signal would: 128 + its number.
    const stopped = new Promise<number>((resolve) => {
      process.once('SIGINT', () => resolve(EXIT_INTERRUPTED));
      process.once('SIGTERM', () => resolve(143));
    });
    const server = await startServer({
      ...(cow !== undefined && { cow }),
      ...(origin !== undefined && { origin }),
      ...(port !== undefined && { port }),
      open: args.flag('open'),
      write: args.flag('write'),
      liveHosts: args.string('host')?.split(',').filter(Boolean) ?? [],
      newToken: args.flag('new-token'),
    });
    const code = await stopped;
    await server.close();
    return code;
  },
};
