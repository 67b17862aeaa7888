import { startServer } from '../../server/server.ts';
import type { Command } from '../command.ts';

export const serve: Command = {
  name: 'serve',
  summary: 'serve the UI and the API on 127.0.0.1 (open the printed URL in a browser)',
  positionals: [
    { name: 'cow', help: 'a store to open at start', optional: true },
    { name: 'origin', help: 'its origin', optional: true },
  ],
  options: {
    port: { type: 'integer', value: 'N', help: 'port (default: a free one)' },
    open: { type: 'boolean', help: 'open the URL in the default browser' },
    write: { type: 'boolean', help: 'open the store for writing' },
    host: { type: 'string', value: '[USER@]HOST[,...]', help: "also show these machines' live dm snapshots, through ssh and their snapscope-helper" },
    'new-token': { type: 'boolean', help: 'replace the kept access token (pages of earlier servers stop working)' },
  },
  details:
    'Stops on Ctrl-C. Reach it from another machine through an SSH tunnel. The access token is kept in a ' +
    'private per-user file ($XDG_RUNTIME_DIR/snapscope/serve-token, mode 0600) and reused while it exists, ' +
    'so a restarted server accepts the pages of the previous one.',
  async run(args) {
    const cow = args.optionalArg('cow');
    const origin = args.optionalArg('origin');
    const port = args.number('port');
    const server = await startServer({
      ...(cow !== undefined && { cow }),
      ...(origin !== undefined && { origin }),
      ...(port !== undefined && { port }),
      open: args.flag('open'),
      write: args.flag('write'),
      liveHosts: args.string('host')?.split(',').filter(Boolean) ?? [],
      newToken: args.flag('new-token'),
    });
    await new Promise<void>((resolve) => {
      const stop = (): void => void server.close().then(resolve);
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  },
};
