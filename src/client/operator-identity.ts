/**
 * The Temporal client identity of whoever acts: `<operator>@<host>`. History records it with every start,
 * signal and update, so it names who submitted, paused or approved a batch (the SDK's default, `pid@host`,
 * names a process).
 */
import os from 'node:os';
import { defaultSubmitter } from './batch-submission.js';

/** `operator@host`; the operator is the one given, else PAYOUTS_OPERATOR, else the OS user. One with an `@` is kept. */
export function operatorIdentity(
  operator: string | undefined = process.env.PAYOUTS_OPERATOR,
  host: string = os.hostname(),
): string {
  const name = operator?.trim() || defaultSubmitter();
  return name.includes('@') ? name : `${name}@${host}`;
}
