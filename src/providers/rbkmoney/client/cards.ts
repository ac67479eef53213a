/** RBKmoney card tokenization (payres). */
import { type BankCard, type StoreBankCardResponse, storeBankCardResponseSchema } from '../wire/cards.js';
import type { RbkmoneyHttp } from './http.js';

/** Sends the card number to payres; the answer holds a token (valid about an hour) and no card number. */
export async function storeBankCard(http: RbkmoneyHttp, card: BankCard): Promise<StoreBankCardResponse> {
  const path = '/payres/v0/bank-cards';
  return (await http.create('storeBankCard', 'payres', path, card, storeBankCardResponseSchema)).created;
}
