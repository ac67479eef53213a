/** RBKmoney withdrawal calls: one per payout, keyed by externalID. */
import { type Withdrawal, type WithdrawalParameters, withdrawalSchema } from '../wire/withdrawals.js';
import { differences, resolveConflict } from './conflicts.js';
import { type Created, type RbkmoneyHttp, seg } from './http.js';

/**
 * Where the money goes and how much: a withdrawal answered for our externalID that differs from our request in
 * any of these is not the one we asked for, whether it came with a 2xx or after a 409.
 */
export function paymentDifferences(params: WithdrawalParameters, withdrawal: Withdrawal): string[] {
  return differences([
    ['wallet', params.wallet, withdrawal.wallet],
    ['destination', params.destination, withdrawal.destination],
    ['body.amount', params.body.amount, withdrawal.body.amount],
    ['body.currency', params.body.currency, withdrawal.body.currency],
  ]);
}

/** A 409 is settled only into a withdrawal made with the same metadata too. */
function withdrawalDifferences(params: WithdrawalParameters, existing: Withdrawal): string[] {
  return [...paymentDifferences(params, existing), ...differences([['metadata', params.metadata, existing.metadata]])];
}

/**
 * 202: accepted and Pending (or, for a repeated externalID with the same parameters, the existing one); also
 * says whether the answer was a 409 settled into the withdrawal made earlier.
 */
export function createWithdrawal(http: RbkmoneyHttp, params: WithdrawalParameters): Promise<Created<Withdrawal>> {
  const operation = 'createWithdrawal';
  return http.create(operation, 'wallet', '/wallet/v0/withdrawals', params, withdrawalSchema, (answer) =>
    resolveConflict(
      operation,
      answer,
      params.externalID,
      {
        byExternalID: () => getWithdrawalByExternalID(http, params.externalID),
        byId: (id) => getWithdrawal(http, id),
      },
      (existing) => withdrawalDifferences(params, existing),
    ),
  );
}

export function getWithdrawal(http: RbkmoneyHttp, withdrawalID: string): Promise<Withdrawal | undefined> {
  return http.read('getWithdrawal', `/wallet/v0/withdrawals/${seg(withdrawalID)}`, withdrawalSchema);
}

export function getWithdrawalByExternalID(http: RbkmoneyHttp, externalID: string): Promise<Withdrawal | undefined> {
  const path = `/wallet/v0/external-ids/withdrawals/${seg(externalID)}`;
  return http.read('getWithdrawalByExternalID', path, withdrawalSchema);
}
