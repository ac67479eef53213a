/**
 * `payouts orphans`: authentic callbacks no running payout took, from the relay's internal port
 * (RELAY_INTERNAL_HOST:RELAY_INTERNAL_PORT, GET /orphans). The journal holds mapped events only, no card data.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import type { Config } from '../config.js';
import { type CliContext, exitCodes, UnreachableError } from './context.js';

type Run = (work: (ctx: CliContext) => Promise<number>) => Promise<void>;

/** What ops need of an orphan; the event's other fields pass through to JSON. */
const orphansAnswerSchema = z.object({
  orphans: z.array(
    z.looseObject({
      receivedAt: z.string(),
      workflowId: z.string(),
      reason: z.string(),
      event: z.looseObject({}),
    }),
  ),
});
export type OrphansAnswer = z.infer<typeof orphansAnswerSchema>;

export function orphansUrl(cfg: Pick<Config, 'RELAY_INTERNAL_HOST' | 'RELAY_INTERNAL_PORT'>): string {
  const host = cfg.RELAY_INTERNAL_HOST.includes(':') ? `[${cfg.RELAY_INTERNAL_HOST}]` : cfg.RELAY_INTERNAL_HOST;
  return `http://${host}:${cfg.RELAY_INTERNAL_PORT}/orphans`;
}

export async function fetchOrphans(url: string): Promise<OrphansAnswer['orphans']> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    throw new UnreachableError(`the relay at ${url} did not answer: ${(error as Error).message}`);
  }
  if (!response.ok) throw new Error(`the relay answered ${response.status} at ${url}`);
  return orphansAnswerSchema.parse(await response.json()).orphans;
}

export function describeOrphans(orphans: OrphansAnswer['orphans']): string[] {
  if (orphans.length === 0) return ['no orphan callbacks'];
  return orphans.map((orphan) => {
    // A payout event carries status.state, a card binding's event its state.
    const status = orphan.event.status as { state?: unknown } | undefined;
    const said = status?.state ?? orphan.event.state;
    const state = typeof said === 'string' ? ` ${said}` : '';
    return `${orphan.receivedAt}  ${orphan.workflowId}  ${orphan.reason}${state}`;
  });
}

export function registerOrphansCommand(program: Command, run: Run): void {
  program
    .command('orphans')
    .description("callbacks no running payout took (unknown or closed payouts), from the relay's internal port")
    .action(() =>
      run(async (ctx) => {
        const orphans = await fetchOrphans(orphansUrl(ctx.cfg));
        ctx.out.result(orphans, () => describeOrphans(orphans));
        return exitCodes.ok;
      }),
    );
}
